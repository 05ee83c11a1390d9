"""The listing's ``q`` search on PostgreSQL: full text over GIN expression indexes.

Each word of the query must start a word of a meeting's title, summary, venue or
occasion, or of the full or other names of a person publicly named at it
(``"wit"`` finds "Joel Wit", ``"marit"`` finds "maritime"), case-insensitively.
Documents use the ``simple`` configuration (no stemming, no stop words), so a
word is found as written. The expressions must stay identical to the indexes of
migration meetings 0004_search_indexes, or PostgreSQL cannot use them.

Other databases (SQLite) search substrings with ``icontains``: the same results
whenever the words searched for are whole words or word starts.
"""

import re

from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

MEETING_DOCUMENT = (
    "to_tsvector('simple'::regconfig, title || ' ' || summary || ' ' || venue || ' ' || occasion)"
)
PERSON_DOCUMENT = "to_tsvector('simple'::regconfig, full_name || ' ' || other_names)"
WORD = re.compile(r"[^\W_]+")


def prefix_query(term):
    """A tsquery text in which every word of ``term`` starts a lexeme ("" if it has none)."""
    return " & ".join(f"{word}:*" for word in WORD.findall(term.lower()))


def matches(document, tsquery):
    return RawSQL(  # noqa: S611 (constant SQL, the query text is a parameter)
        f"{document} @@ to_tsquery('simple'::regconfig, %s)",
        [tsquery],
        output_field=BooleanField(),
    )


def person_matches(tsquery):
    """The participation's person has a matching name: the ids as an array first, so
    PostgreSQL looks participations up by person instead of hashing all of them."""
    return RawSQL(  # noqa: S611 (constant SQL, the query text is a parameter)
        "person_id = ANY(ARRAY(SELECT id FROM people_person "  # noqa: S608 (constant SQL)
        f"WHERE {PERSON_DOCUMENT} @@ to_tsquery('simple'::regconfig, %s)))",
        [tsquery],
        output_field=BooleanField(),
    )


def full_text_condition(term, meetings, named_participations):
    """Q for meetings matching ``term`` by their text or a publicly named participant.

    Both querysets come from the caller (meetings/filters.py).
    Returns None for a term without any word character: it restricts nothing.
    """
    tsquery = prefix_query(term)
    if not tsquery:
        return None
    by_text = meetings.filter(matches(MEETING_DOCUMENT, tsquery)).values("pk")
    by_name = named_participations.filter(person_matches(tsquery)).values("meeting_id")
    # Two hashed id sets, built once per query: a page walks the listing-order index and
    # stops after 25 matches (fast for common words; a rare word walks further).
    return Q(pk__in=by_text.order_by()) | Q(pk__in=by_name.order_by())
