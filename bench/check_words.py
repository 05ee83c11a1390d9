"""Check the stored search words of a sample of meetings against what the write side
would write for them now (meetings/search_index.py), without writing anything.

    DATABASE_URL=postgres://... python bench/check_words.py [--sample 20000] [--seed 0]

Prints how many sampled meetings have the words they should, and the first few that
do not; exits 1 if any differ.
"""

import argparse
import random
import sys

from in_process import setup_django


def stored(ids):
    from django.db import connection

    from meetings import search_index

    listed = ", ".join(str(int(pk)) for pk in ids)
    if connection.vendor == "postgresql":
        sql = f"SELECT id, {search_index.COLUMN}::text FROM meetings_meeting WHERE id IN ({listed})"  # noqa: S608
    else:
        sql = f"SELECT rowid, document FROM {search_index.TABLE} WHERE rowid IN ({listed})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)  # integers and constants only
        return {pk: text for pk, text in cursor.fetchall() if text is not None}


def expected(ids):
    from django.db import connection

    from meetings import search_index

    documents = search_index._documents(ids, "default")
    if connection.vendor == "postgresql":
        return {pk: search_index.tsvector_text(words) for pk, words in documents}
    return {pk: " ".join(words) for pk, words in documents}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args()
    setup_django()
    from meetings.models import Meeting

    ids = list(Meeting.objects.values_list("pk", flat=True))
    sample = sorted(random.Random(options.seed).sample(ids, min(options.sample, len(ids))))
    wrong = []
    for start in range(0, len(sample), 1000):
        batch = sample[start : start + 1000]
        have, want = stored(batch), expected(batch)
        wrong += [pk for pk in batch if have.get(pk) != want.get(pk)]
    print(f"{len(sample) - len(wrong)} of {len(sample)} sampled meetings have the right words.")
    for pk in wrong[:5]:
        print(f"meeting {pk} differs")
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()
