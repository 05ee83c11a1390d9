"""Operations on people that span several records: merging duplicates.

A merge moves participations and quotes, which live in ``meetings``; what the public
sees before and after comes from the public gates there (services sit above the
models of both apps).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import Truncator

from meetings.derived import batched_writes
from meetings.models import Participation, Quote, public_people

from .models import Person

# simple-history's change reason column holds 100 characters.
REASON_LENGTH = 100


class MergeRefused(Exception):
    """A merge that would publish, by someone who may not: nothing was written.

    ``reasons`` lists what it would have made public.
    """

    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__(" ".join(self.reasons))


class _Preview(Exception):
    """Carries a merge's result out of the transaction it rolls back."""

    def __init__(self, result):
        self.result = result


@dataclass
class MergeResult:
    kept: object
    merged_name: str
    moved_participations: int = 0
    moved_quotes: int = 0
    moved_affiliations: int = 0
    dropped_meetings: list = field(default_factory=list)
    newly_public: list = field(default_factory=list)


def _names(person):
    return [person.full_name, *person.other_names_list]


def _merged_other_names(kept, merged):
    known = {name.casefold() for name in _names(kept)}
    lines = kept.other_names_list
    for name in _names(merged):
        if name.casefold() not in known:
            lines.append(name)
            known.add(name.casefold())
    return "\n".join(lines)


def _reason(text):
    return Truncator(text).chars(REASON_LENGTH)


def _quoted(text):
    return f"“{Truncator(text).chars(60)}”"


def _public_facts(person_pks):
    """What the public pages show about these people, as {key: description}.

    Keys do not say which record holds a fact, so the facts before and after a
    merge compare: a key only "after" has is something the merge would publish.
    Each fact comes from the public querysets, the one gate public pages use.
    """
    facts = {}
    public = public_people().filter(pk__in=person_pks)
    for person in public.prefetch_related("affiliations__organization"):
        facts |= _person_facts(person)
    quotes = Quote.objects.public().filter(person__in=person_pks)
    for quote in quotes:
        facts[("quote", quote.pk)] = f"the quote {_quoted(quote.text)}"
    named = Participation.objects.publicly_named().filter(person__in=person_pks)
    for participation in named.select_related("meeting"):
        facts[("named", participation.pk)] = f"a named participant of “{participation.meeting}”"
    return facts


def _person_facts(person):
    facts = {("name", name.casefold()): f"the name “{name}”" for name in _names(person)}
    if person.bio:
        facts[("bio", person.bio)] = f"the biography {_quoted(person.bio)}"
    if person.country:
        facts[("country", str(person.country))] = f"the country {person.country.name}"
    for affiliation in person.affiliations.all():
        key = (
            "affiliation",
            affiliation.organization_id,
            affiliation.role,
            affiliation.start_date,
            affiliation.end_date,
        )
        facts[key] = f"the affiliation “{affiliation}”"
    return facts


def _locked(kept, merged):
    """Both people as stored now, locked until the merge commits."""
    rows = Person.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk]).order_by("pk")
    found = {person.pk: person for person in rows}
    if len(found) != 2:
        raise Person.DoesNotExist("One of the two people no longer exists: reload the list.")
    return found[kept.pk], found[merged.pk]


def person_merge(kept, merged, *, may_publish=True):
    """Fold ``merged`` into ``kept`` and delete it, in one transaction.

    Participations, quotes and affiliations move to ``kept``. Where both took
    part in the same meeting, ``kept``'s participation stays and ``merged``'s is
    deleted (listed in ``dropped_meetings``). ``merged``'s names join
    ``kept.other_names``. Both people's history records the merge.

    ``newly_public`` lists what public pages show afterwards that they did not
    show before (a name, biography, affiliation or quote of a person no public
    page showed, a participant named anew). Unless ``may_publish``, such a merge
    is refused: ``MergeRefused`` is raised and nothing is written.
    """
    if kept.pk == merged.pk:
        raise ValueError("Choose two different people to merge.")
    with transaction.atomic():
        kept, merged = _locked(kept, merged)
        before = _public_facts([kept.pk, merged.pk])
        with batched_writes():  # participations move one by one; tracks kept once
            result = _fold(kept, merged)
        after = _public_facts([kept.pk])
        result.newly_public = [text for key, text in after.items() if key not in before]
        if result.newly_public and not may_publish:
            raise MergeRefused(result.newly_public)
    return result


def person_merge_preview(kept, merged):
    """What ``person_merge(kept, merged)`` would do, made and rolled back: its result."""
    try:
        with transaction.atomic():
            raise _Preview(person_merge(kept, merged))
    except _Preview as preview:
        return preview.result


def _fold(kept, merged):
    result = MergeResult(kept=kept, merged_name=merged.full_name)
    kept_meetings = kept.participations.values("meeting_id")
    clashes = merged.participations.filter(meeting_id__in=kept_meetings).select_related("meeting")
    for participation in clashes:
        result.dropped_meetings.append(participation.meeting)
        participation._change_reason = _reason(
            f"Deleted by merging person #{merged.pk} into #{kept.pk}, who also took part"
        )
        participation.delete()
    for participation in merged.participations.all():
        participation.person = kept
        participation._change_reason = _reason(
            f"Moved by merging person #{merged.pk} into #{kept.pk}"
        )
        participation.save()  # one at a time, so history records each move
        result.moved_participations += 1
    result.moved_quotes = merged.quotes.update(person=kept)
    result.moved_affiliations = merged.affiliations.update(person=kept)
    kept.other_names = _merged_other_names(kept, merged)
    kept._change_reason = _reason(f"Merged #{merged.pk} {merged.full_name} into this record")
    kept.save()
    merged._change_reason = _reason(f"Merged into #{kept.pk} {kept.full_name}")
    merged.delete()
    return result
