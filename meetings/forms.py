"""Data-entry forms for meetings: the rules staff see next to the field they break."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django_countries import countries

from .models import Meeting, Participation
from .services import participation_naming_violation
from .track import UNCOUNTED_ROLES

STALE_MESSAGE = (
    "This meeting was changed by someone else since you opened it. Your changes were "
    "not saved: reload the page to see the current version, then make your changes again."
)


class MeetingForm(forms.ModelForm):
    """The meeting form, refusing to overwrite a change made since it was opened."""

    seen_updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = [
            "title",
            "slug",
            "series",
            "status",
            "visibility",
            "date_precision",
            "start_date",
            "end_date",
            "city",
            "venue",
            "occasion",
            "parties",
            "track_override",
            "topics",
            "sources",
            "summary",
            "internal_notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_updated_at"].initial = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk and cleaned_data.get("seen_updated_at") != self._current_version():
            raise ValidationError(STALE_MESSAGE, code="stale")
        return cleaned_data

    def _current_version(self):
        current = Meeting.objects.filter(pk=self.instance.pk)
        if transaction.get_connection().in_atomic_block:
            # Hold the row until this save commits, so two saves cannot both pass.
            current = current.select_for_update()
        updated_at = current.values_list("updated_at", flat=True).first()
        return updated_at.isoformat() if updated_at else None


def _party_codes(meeting):
    return [str(party) for party in meeting.parties] if meeting else []


class ParticipationForm(forms.ModelForm):
    """One participant: counted roles sit for one of the meeting's parties.

    ``user`` is set per request by the admin, so the naming rule applies to
    them (``participation_naming_violation``). A form built without a user, by
    code acting for no staff member, is not limited by it, like the ORM.
    """

    user = None

    class Meta:
        model = Participation
        fields = ["meeting", "person", "side", "capacity", "role", "title_at_time", "anonymised"]

    def clean(self):
        cleaned_data = super().clean()
        meeting = cleaned_data.get("meeting") or getattr(self.instance, "meeting", None)
        violation = self._naming_violation(meeting, cleaned_data)
        if violation:
            self.add_error("anonymised", violation)
        role, side = cleaned_data.get("role"), cleaned_data.get("side")
        if role is None or role in UNCOUNTED_ROLES:
            return cleaned_data
        if not side:
            self.add_error("side", "Heads and members sit for a side: choose its country.")
            return cleaned_data
        parties = _party_codes(meeting)
        if meeting is not None and str(side) not in parties:
            self.add_error("side", _not_a_party_message(side, parties))
        return cleaned_data

    def _naming_violation(self, meeting, cleaned_data):
        if self.user is None:
            return None
        proposed = Participation(
            pk=self.instance.pk,
            meeting=meeting,
            person=cleaned_data.get("person"),
            anonymised=cleaned_data.get("anonymised", False),
        )
        return participation_naming_violation(proposed, self.user)


def _not_a_party_message(side, parties):
    listed = ", ".join(countries.name(code) for code in parties) or "none yet"
    return (
        f"{countries.name(side)} is not one of this meeting's parties ({listed}). "
        "Add it to the parties, choose another side, or make this participant a "
        "facilitator or observer."
    )


class ParticipationFormSet(forms.BaseInlineFormSet):
    """The participants of one meeting: each person at most once."""

    def validate_unique(self):
        # The person rule below reports duplicates next to the field instead.
        pass

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            person = form.cleaned_data.get("person")
            if person is None:
                continue
            if person.pk in seen:
                form.add_error("person", f"{person} is listed twice: remove one of the rows.")
            seen.add(person.pk)
