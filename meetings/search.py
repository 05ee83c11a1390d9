"""The listing's ``q``: every word must start a word stored for the meeting.

The words (meetings/search_index.py) are, per public meeting, the folded words of its
title, summary, venue and occasion and of the names of the people publicly named
at it. A search is folded the same way and asks for all its words at once: SQLite
through its FTS5 table, PostgreSQL through the GIN index on the meetings'
``search_document``. ``"marit"`` finds "maritime", ``"choe"`` finds "Ch'oe",
``"son-hui"`` finds "Sŏn-hŭi" and "Sonhui"; a word is found at the start of a word
only.

``Q(pk__words_match=term)`` is written as a lookup on the meeting's id so that it
names the meetings table by the alias the query gives it, in a subquery too.
"""

from django.db.models import Lookup, Q

from .models import Meeting
from .search_index import COLUMN, TABLE, query_groups

SQLITE_IDS = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"  # noqa: S608 (a constant)


def _any_of(alternatives, word, both, either):
    options = [both.join(word(part) for part in parts) for parts in alternatives]
    return options[0] if len(options) == 1 else "(" + either.join(options) + ")"


def fts5_query(groups):
    """``"son"* AND "hui"*``: FTS5 query text (words hold only letters and digits)."""
    return " AND ".join(
        _any_of(alternatives, lambda part: f'"{part}"*', " AND ", " OR ") for alternatives in groups
    )


def tsquery(groups):
    """``'son':* & 'hui':*``: a tsquery literal, its lexemes taken as they are."""
    return " & ".join(
        _any_of(alternatives, lambda part: f"'{part}':*", " & ", " | ") for alternatives in groups
    )


class WordsMatch(Lookup):
    """``id__words_match=term``: the meeting's stored words match every word of ``term``."""

    lookup_name = "words_match"
    prepare_rhs = False

    def get_prep_lookup(self):
        return str(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({SQLITE_IDS})", [*params, fts5_query(query_groups(self.rhs))]

    def as_postgresql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(self.lhs.alias)
        column = f"{table}.{connection.ops.quote_name(COLUMN)}"
        return f"{column} @@ %s::tsquery", [tsquery(query_groups(self.rhs))]


Meeting._meta.pk.register_lookup(WordsMatch)


def search_condition(term):
    """Q for meetings whose words match every word of ``term``; None when ``term`` has no
    letter or digit (it restricts nothing)."""
    if not query_groups(term):
        return None
    return Q(pk__words_match=term)
