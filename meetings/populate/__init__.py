"""Synthetic but realistic records at scale, deterministic for a seed.

Everything is drawn from one ``random.Random(seed)`` (vocabulary and
proportions in ``meetings/populate/synthetic.py``) and written in batches inside one
transaction (``run.py``): first the supporting records (``records.py``), then
the meetings, each drawn whole before it is saved (``plans.py``).
``bulk_create`` writes most records, plain rows the three largest tables
(``bulk.py``); both bypass ``Meeting.save()``, so the stored track and
side views are computed with the same rule (``compute_track``) before the rows
are inserted, and each batch ends with ``meetings.derived.after_bulk_write``, as
every bulk write must (it finds nothing to correct, and bumps the cache's version).

Every slug a run writes starts with ``syn<seed>-``, so runs with different
seeds add to the same database without collisions, and a second run with the
same seed is refused.
"""

from .run import AlreadyPopulated, populate

__all__ = ["AlreadyPopulated", "populate"]
