"""Synthetic but realistic records at scale, deterministic for a seed.

Everything is drawn from one ``random.Random(seed)`` (vocabulary and
proportions in ``meetings/populate/synthetic.py``) and written in batches inside one
transaction (``run.py``): first the supporting records (``records.py``), then
the meetings, each drawn whole before it is written (``plans.py``).
``bulk_create`` writes the supporting records; the meetings and what hangs on
them go in as plain rows with ids reserved up front (``bulk.py``: COPY on
PostgreSQL, written by a thread while the next batch is drawn). Both bypass
``Meeting.save()`` and the write side's receivers, so what they would store is
computed with the same rules before the rows are inserted: the track and side
views (``compute_track``) and the search words (``search_index.planned_words``);
the count table's triggers see every row, and the run ends with
``meetings.derived.after_bulk_write(())``, which bumps the cache's version.

A large run on PostgreSQL (``run.SET_ASIDE_FROM`` meetings or more, and at least
as many as the table holds) drops the secondary indexes and foreign keys of the
tables it fills and builds them again at its end, and turns the count table's
insert trigger off and counts the table again at its end
(``bulk.counts_after_block``), all in its transaction: a failure rolls back to
the indexes, keys and trigger as they were; readers of those tables wait until
the run commits.

Every slug a run writes starts with ``syn<seed>-``, so runs with different
seeds add to the same database without collisions, and a second run with the
same seed is refused.
"""

from .run import AlreadyPopulated, populate

__all__ = ["AlreadyPopulated", "populate"]
