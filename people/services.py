"""Operations on people that span several records: merging duplicates.

This app never imports ``meetings``; it reaches participations and quotes
through the reverse relations those models declare on Person.
"""

from dataclasses import dataclass, field

from django.db import transaction


@dataclass
class MergeResult:
    kept: object
    merged_name: str
    moved_participations: int = 0
    moved_quotes: int = 0
    moved_affiliations: int = 0
    dropped_meetings: list = field(default_factory=list)


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


@transaction.atomic
def person_merge(kept, merged):
    """Fold ``merged`` into ``kept`` and delete it.

    Participations, quotes and affiliations move to ``kept``. Where both took
    part in the same meeting, ``kept``'s participation stays and ``merged``'s is
    deleted (listed in ``dropped_meetings``). ``merged``'s names join
    ``kept.other_names``.
    """
    if kept.pk == merged.pk:
        raise ValueError("Choose two different people to merge.")
    result = MergeResult(kept=kept, merged_name=merged.full_name)
    kept_meetings = kept.participations.values("meeting_id")
    clashes = merged.participations.filter(meeting_id__in=kept_meetings).select_related("meeting")
    for participation in clashes:
        result.dropped_meetings.append(participation.meeting)
        participation.delete()
    for participation in merged.participations.all():
        participation.person = kept
        participation.save()  # one at a time, so history records each move
        result.moved_participations += 1
    result.moved_quotes = merged.quotes.update(person=kept)
    result.moved_affiliations = merged.affiliations.update(person=kept)
    kept.other_names = _merged_other_names(kept, merged)
    kept.save()
    merged.delete()
    return result
