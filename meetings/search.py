"""The listing's ``q``: every word must start a word of the meeting's search table.

The table (meetings/search_index.py) holds, per public meeting, the folded words of
its title, summary, venue and occasion and of the names of the people publicly
named at it. A search is folded the same way and asks for all its words at once:
SQLite through its FTS5 table, PostgreSQL through the GIN index on its ``tsvector``.
``"marit"`` finds "maritime", ``"choe"`` finds "Ch'oe", ``"son-hui"`` finds
"Sŏn-hŭi" and "Sonhui"; a word is found at the start of a word only.
"""

from django.db.models import Q
from django.db.models.expressions import RawSQL

from .search_index import TABLE, query_groups

SQLITE_IDS = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"  # noqa: S608 (a constant)
POSTGRESQL_IDS = f"SELECT meeting_id FROM {TABLE} WHERE document @@ %s::tsquery"  # noqa: S608


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


def search_condition(term, vendor):
    """Q for meetings whose words match every word of ``term``; None when ``term`` has no
    letter or digit (it restricts nothing)."""
    groups = query_groups(term)
    if not groups:
        return None
    if vendor == "postgresql":
        ids = RawSQL(POSTGRESQL_IDS, [tsquery(groups)])  # noqa: S611 (constant SQL)
    else:
        ids = RawSQL(SQLITE_IDS, [fts5_query(groups)])  # noqa: S611 (constant SQL)
    return Q(pk__in=ids)
