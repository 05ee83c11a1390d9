"""What ``recount_public_meetings --check`` finds wrong in the fact table
(meetings/public_facts.py), without writing: each public meeting's facts against what the
write side would store, facts left on meetings that would not have them, and totals."""

from collections import Counter

from django.db.models import Count, Exists, Max, Min, OuterRef

from .models import FactKind, Meeting, PublicFact, PublicFactTotal
from .public_facts import BATCH, COLUMNS, facts_of_meetings


def fact_differences(using="default"):
    """What ``rebuild`` would fix, without writing: a line for each fact missing from a
    public meeting or left on a meeting that would not have it, and for each total that
    is not the count (and for a series the first and last date) of its facts."""
    public = Meeting.objects.using(using).public().order_by("pk")
    ids = list(public.values_list("pk", flat=True))
    wrong = []
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        stored = PublicFact.objects.using(using).filter(meeting_id__in=batch)
        wrong += _differences(facts_of_meetings(batch, using), stored.values_list(*COLUMNS))
    # NOT EXISTS, an anti join: NOT IN over 920,000 ids ran a subplan per fact on PostgreSQL
    # (killed after 11 minutes at a million meetings).
    strays = PublicFact.objects.using(using).filter(~Exists(public.filter(pk=OuterRef("meeting"))))
    wrong += _differences([], strays.values_list(*COLUMNS))
    return wrong + _total_differences(using)


def _differences(expected, stored):
    expected, stored = Counter(expected), Counter(stored)  # a fact stored twice counts twice
    return [f"missing: {_fact_line(row)}" for row in sorted(expected - stored, key=str)] + [
        f"not the meeting's: {_fact_line(row)}" for row in sorted(stored - expected, key=str)
    ]


def _fact_line(row):
    return ", ".join(f"{column} {value}" for column, value in zip(COLUMNS, row, strict=True))


def _total_differences(using):
    facts = PublicFact.objects.using(using).order_by().values_list("kind", "key")
    counted = {
        (kind, key): (n, first, last) if kind == FactKind.SERIES else (n, None, None)
        for kind, key, n, first, last in facts.annotate(
            n=Count("*"), first=Min("start_date"), last=Max("start_date")
        )
    }
    rows = PublicFactTotal.objects.using(using).exclude(meetings=0)  # below zero is wrong too
    fields = ("kind", "key", "meetings", "first_date", "last_date")
    stored = {(kind, key): tuple(row) for kind, key, *row in rows.values_list(*fields)}
    return [
        f"total {kind} {key}: {stored.get((kind, key))} stored, {counted.get((kind, key))} counted"
        for kind, key in sorted(stored.keys() | counted.keys())
        if stored.get((kind, key)) != counted.get((kind, key))
    ]
