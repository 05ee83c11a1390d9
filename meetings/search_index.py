"""The search table behind the listing's ``q``: one row of words per public meeting.

A meeting's searchable words are those of its title, summary, venue and occasion
(when it is public or withholds its participants) and the full and other names of
the people publicly named at it (only when it is public: never an anonymised
participant, never a participant of a meeting that withholds them). They are
folded here, in Python, the same way on every database, and the database only
looks words up:

- lower case, diacritics removed (``Sŏn-hŭi`` is ``son-hui``), a few letters that
  carry no combining mark spelled out (``ø`` ``o``, ``ł`` ``l``, ``ß`` ``ss``);
- a chunk of text joined by apostrophes or hyphens gives its parts and the parts
  joined (``Ch'oe``: ``ch``, ``oe``, ``choe``; ``Son-hui``: ``son``, ``hui``,
  ``sonhui``);
- in names, two neighbouring chunks joined too (``Choe Son Hui``: ``choeson``,
  ``sonhui``), so ``Sonhui`` finds ``Son Hui`` and ``Son-hui``.

SQLite keeps the words in an FTS5 table, ``meetings_search`` (``rowid`` is the
meeting's id); PostgreSQL in a ``tsvector`` column of the meetings table itself,
``search_document`` (NULL for a confidential meeting), built from the words as they
are (``array_to_tsvector``: no parser, no dictionary), with a GIN index: a search
then reads the matching meetings' rows once, with no join (EXPLAIN ANALYZE at
100,000 meetings: the facets' GROUP BY for a word in 10 % of meetings 66-115 ms
against 262-372 ms through a separate table, on a loaded machine). The column is
not a model field, so no query but the search reads it. Migration 0015 created
both and filled them with a frozen copy of this module's rules;
meetings/derived.py keeps them current on every write (``refresh``) and rebuilds
them (``rebuild``).
"""

import re
import unicodedata
from functools import lru_cache
from itertools import pairwise

from django.db import connections, transaction

from .models import PUBLIC_VISIBILITIES, Meeting, Participation, Visibility

TABLE = "meetings_search"  # SQLite
COLUMN = "search_document"  # PostgreSQL, in meetings_meeting
WORD = re.compile(r"[^\W_]+")
APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc\u02bb`\u00b4]")
LETTERS = str.maketrans(
    {"ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i", "ß": "ss", "þ": "th"}
)
NAME_LINES = re.compile(r"[\n;]")
BATCH = 1000  # meetings read and written per round


def fold(text):
    """Lower case without diacritics: what every stored and searched word goes through."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(LETTERS)


def chunk_words(chunk):
    """(parts, joined) of one whitespace-separated chunk: ``Ch'oe`` gives (ch, oe), choe."""
    parts = WORD.findall(APOSTROPHES.sub(" ", chunk))
    return parts, "".join(parts)


@lru_cache(maxsize=65536)  # summaries, venues, occasions and titles repeat
def text_words(text):
    """The words of a text (a frozenset: kept and shared by the cache)."""
    words = set()
    for chunk in fold(text).split():
        parts, joined = chunk_words(chunk)
        words.update(parts)
        if len(parts) > 1:
            words.add(joined)
    return frozenset(words)


@lru_cache(maxsize=16384)  # a person is named at many meetings (~37 each in populate)
def name_words(name):
    """The words of a name, with each pair of neighbouring chunks joined as well
    (a tuple: kept and shared by the cache, small)."""
    words = set()
    for line in NAME_LINES.split(name):
        joined = [chunk_words(chunk)[1] for chunk in fold(line).split()]
        words.update(text_words(line))
        words.update(a + b for a, b in pairwise(joined) if a and b)
    return tuple(words)


def query_groups(term):
    """Each word of a search as its alternatives: every part, or the parts joined.

    ``Son-hui`` gives [("son", "hui"), ("sonhui",)]; ``Ch'oe`` gives [("choe",)];
    a word without letters or digits gives nothing.
    """
    groups = []
    for chunk in fold(term).split():
        parts = WORD.findall(APOSTROPHES.sub("", chunk))
        if parts:
            groups.append([tuple(parts)] if len(parts) == 1 else [tuple(parts), ("".join(parts),)])
    return groups


def meeting_words(row, names):
    """The words of one meeting: ``row`` is (title, summary, venue, occasion)."""
    words = set()
    for text in row:
        words |= text_words(text)
    for name in names:
        words.update(name_words(name))
    return sorted(words)


def person_words(full_name, other_names):
    """The words a person publicly named at a meeting adds to it (a tuple)."""
    return tuple({*name_words(full_name), *name_words(other_names)})


def planned_words(visibility, row, people):
    """The words of a meeting about to be inserted, from what it will hold: what
    ``refresh`` would write for it once written (None for a confidential meeting).

    ``row`` is its (title, summary, venue, occasion); ``people`` the words
    (``person_words``) of each participant it will name (not anonymised).
    """
    if visibility not in PUBLIC_VISIBILITIES:
        return None
    words = set()
    for text in row:
        words |= text_words(text)
    if visibility == Visibility.PUBLIC:
        for person in people:
            words.update(person)
    return sorted(words)


def tsvector_text(words):
    """The words as PostgreSQL's ``tsvector`` input (each quoted, none with a position):
    what ``array_to_tsvector`` makes of them. None stays None."""
    if words is None:
        return None
    if any("'" in word or "\\" in word for word in words):  # never in letters and digits
        words = [word.replace("\\", "\\\\").replace("'", "''") for word in words]
    return " ".join(f"'{word}'" for word in words)


def insert_new(documents, using="default"):
    """SQLite: add the words of meetings just inserted, (id, words) each; PostgreSQL
    keeps them in the meeting's own row (``COLUMN``), written with it."""
    rows = [(pk, " ".join(words)) for pk, words in documents if words is not None]
    with connections[using].cursor() as cursor:
        cursor.executemany(f"INSERT INTO {TABLE} (rowid, document) VALUES (%s, %s)", rows)  # noqa: S608


def _documents(ids, using):
    fields = ("pk", "title", "summary", "venue", "occasion")
    meetings = Meeting.objects.using(using).filter(pk__in=ids)
    rows = meetings.filter(visibility__in=PUBLIC_VISIBILITIES).values_list(*fields)
    names = {}
    named = Participation.objects.using(using).publicly_named().filter(meeting_id__in=ids)
    for meeting_id, *person in named.values_list(
        "meeting_id", "person__full_name", "person__other_names"
    ):
        names.setdefault(meeting_id, []).extend(person)
    return [(pk, meeting_words(row, names.get(pk, ()))) for pk, *row in rows]


def _write(ids, documents, using):
    connection = connections[using]
    listed = ", ".join(str(int(pk)) for pk in ids)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({listed})")  # noqa: S608 (ints)
            rows = [(pk, " ".join(words)) for pk, words in documents]
            sql = f"INSERT INTO {TABLE} (rowid, document) VALUES (%s, %s)"  # noqa: S608
            cursor.executemany(sql, rows)
            return
        cursor.execute(
            f"UPDATE meetings_meeting SET {COLUMN} = NULL "  # noqa: S608 (ints)
            f"WHERE id IN ({listed}) AND {COLUMN} IS NOT NULL"
        )
        # One statement for the batch: 1,000 single-row UPDATEs took 1-1.5 s at load 7.
        cursor.execute(
            f"UPDATE meetings_meeting m SET {COLUMN} = "  # noqa: S608 (constants)
            "array_to_tsvector(string_to_array(v.words, ' ')) "
            "FROM unnest(%s::bigint[], %s::text[]) AS v(id, words) WHERE m.id = v.id",
            [[pk for pk, _ in documents], [" ".join(words) for _, words in documents]],
        )


def refresh(meeting_ids, using="default"):
    """Write the words of these meetings again (none for one that is gone or confidential)."""
    ids = sorted(set(meeting_ids))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        documents = _documents(batch, using)
        # One commit, not one per row; inside a transaction, no savepoint of its own.
        with transaction.atomic(using=using, savepoint=False):
            _write(batch, documents, using)


def all_meeting_ids(using="default"):
    return Meeting.objects.using(using).order_by("pk").values_list("pk", flat=True)


def clear(using="default"):
    """Forget every meeting's words (a search then finds nothing)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE meetings_meeting SET {COLUMN} = NULL WHERE {COLUMN} IS NOT NULL"  # noqa: S608
            )
        else:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608 (a constant)


def stored_ids(using="default"):
    """The ids of the meetings that have words stored."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        sql = f"SELECT id FROM meetings_meeting WHERE {COLUMN} IS NOT NULL"  # noqa: S608
    else:
        sql = f"SELECT rowid FROM {TABLE}"  # noqa: S608 (a constant)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {row[0] for row in cursor.fetchall()}


def rebuild(using="default"):
    """Forget every meeting's words and write them all again."""
    clear(using)
    refresh(all_meeting_ids(using), using=using)
