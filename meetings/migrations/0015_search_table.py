"""Where ``q`` reads (meetings/search_index.py), filled with every meeting's words.

SQLite: an FTS5 table, ``rowid`` the meeting's id. PostgreSQL: a ``tsvector``
column of the meetings table (not a model field) with a GIN index; 0004's
expression indexes go (the search no longer reads them). The word rules and the SQL are frozen here as they were when this migration
was written: tests/meetings/test_search_index.py checks they still agree with the
live module; a change to the rules needs a new migration that rebuilds the table
(or ``manage.py recount_public_meetings`` after deploying).
"""

import re
import unicodedata
from functools import lru_cache

from django.db import migrations

WORD = re.compile(r"[^\W_]+")
APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc\u02bb`\u00b4]")
LETTERS = str.maketrans(
    {"ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i", "ß": "ss", "þ": "th"}
)
NAME_LINES = re.compile(r"[\n;]")
PUBLIC_VISIBILITIES = ["public", "participants_withheld"]

CREATE = {
    "sqlite": [
        "CREATE VIRTUAL TABLE meetings_search USING fts5(document, "
        "tokenize = 'unicode61 remove_diacritics 2', detail = none)",
    ],
    "postgresql": [
        "DROP INDEX IF EXISTS meeting_search_idx",
        "DROP INDEX IF EXISTS person_search_idx",
        "ALTER TABLE meetings_meeting ADD COLUMN search_document tsvector",
    ],
}
DROP = {
    "sqlite": ["DROP TABLE IF EXISTS meetings_search"],
    "postgresql": [
        "DROP INDEX IF EXISTS meeting_search_document_idx",
        "ALTER TABLE meetings_meeting DROP COLUMN IF EXISTS search_document",
        # 0004's indexes, as 0004 created them
        "CREATE INDEX IF NOT EXISTS meeting_search_idx ON meetings_meeting USING gin "
        "((to_tsvector('simple'::regconfig, title || ' ' || summary || ' ' || venue || ' ' "
        "|| occasion)))",
        "CREATE INDEX IF NOT EXISTS person_search_idx ON people_person USING gin "
        "((to_tsvector('simple'::regconfig, full_name || ' ' || other_names)))",
    ],
}
INSERT = {
    "sqlite": "INSERT INTO meetings_search (rowid, document) VALUES (%s, %s)",
    "postgresql": "UPDATE meetings_meeting SET search_document = array_to_tsvector(%s::text[]) "
    "WHERE id = %s",
}
# Built after the column is filled: faster than keeping it up to date row by row.
INDEX = {
    "sqlite": [],
    "postgresql": [
        "CREATE INDEX meeting_search_document_idx ON meetings_meeting USING gin (search_document)"
    ],
}


def fold(text):
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(LETTERS)


def chunk_words(chunk):
    parts = WORD.findall(APOSTROPHES.sub(" ", chunk))
    return parts, "".join(parts)


def text_words(text):
    words = set()
    for chunk in fold(text).split():
        parts, joined = chunk_words(chunk)
        words.update(parts)
        if len(parts) > 1:
            words.add(joined)
    return words


@lru_cache(maxsize=65536)
def name_words(name):
    words = set()
    for line in NAME_LINES.split(name):
        joined = [chunk_words(chunk)[1] for chunk in fold(line).split()]
        words.update(text_words(line))
        words.update(a + b for a, b in zip(joined, joined[1:], strict=False) if a and b)
    return frozenset(words)


def meeting_words(row, names):
    words = set()
    for text in row:
        words |= text_words(text)
    for name in names:
        words |= name_words(name)
    return sorted(words)


def documents(apps, using, ids):
    meetings = apps.get_model("meetings", "Meeting").objects.using(using)
    participations = apps.get_model("meetings", "Participation").objects.using(using)
    rows = meetings.filter(pk__in=ids, visibility__in=PUBLIC_VISIBILITIES).values_list(
        "pk", "title", "summary", "venue", "occasion"
    )
    named = participations.filter(
        meeting_id__in=ids, meeting__visibility="public", anonymised=False, person__isnull=False
    ).values_list("meeting_id", "person__full_name", "person__other_names")
    names = {}
    for meeting_id, *person in named:
        names.setdefault(meeting_id, []).extend(person)
    return [(pk, meeting_words(row, names.get(pk, ()))) for pk, *row in rows]


def create(apps, schema_editor):
    connection = schema_editor.connection
    vendor = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    for statement in CREATE[vendor]:
        schema_editor.execute(statement)
    meetings = apps.get_model("meetings", "Meeting").objects.using(connection.alias)
    ids = list(meetings.order_by("pk").values_list("pk", flat=True))
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 1000):
            rows = documents(apps, connection.alias, ids[start : start + 1000])
            if vendor == "sqlite":
                rows = [(pk, " ".join(words)) for pk, words in rows]
            else:
                rows = [(words, pk) for pk, words in rows]
            cursor.executemany(INSERT[vendor], rows)
    for statement in INDEX[vendor]:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = "postgresql" if schema_editor.connection.vendor == "postgresql" else "sqlite"
    for statement in DROP[vendor]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0014_party_facet_index"), ("people", "0003_dates_in_range")]

    operations = [migrations.RunPython(create, drop)]
