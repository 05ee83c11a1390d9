"""Data-entry forms for meetings: the rules staff see next to the field they break."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.urls import reverse_lazy
from django.utils import timezone
from django_countries import countries

from backchannel.admin_choices import SlugFilledForm, records_to_save
from backchannel.admin_countries import CountryAutocomplete

from . import dates
from .date_fields import PartialDateField
from .models import Meeting, Participation
from .services import participation_naming_violation
from .track import UNCOUNTED_ROLES

STALE_MESSAGE = (
    "This meeting was changed by someone else since you opened it. Your changes were "
    "not saved: reload the page to see the current version, then make your changes again."
)


def _country_choices():
    return list(countries)


class MeetingForm(SlugFilledForm):
    """The meeting form: dates from their parts, sides beyond the participants', review,
    and a refusal to overwrite a change made since it was opened."""

    slug_source = "title"
    seen_updated_at = forms.CharField(widget=forms.HiddenInput, required=False)
    start_date = PartialDateField(
        "Date",
        help_text="The year, then the month and the day if the sources give them. "
        "Leave it empty when no source dates the meeting.",
    )
    end_date = PartialDateField(
        "Until",
        help_text="Only for talks over several days, months or years: the last one, "
        "as precisely as the date.",
    )
    extra_parties = forms.MultipleChoiceField(
        choices=_country_choices,
        required=False,
        label="Other sides",
        widget=CountryAutocomplete(reverse_lazy("admin:meetings_meeting_countries")),
        help_text="Every side a head or member sits for is a side already. Add a country "
        "that sat at the table without anyone recorded for it.",
    )
    ready_for_review = forms.BooleanField(
        required=False,
        label="Ready for review",
        help_text="Tick when the record is complete: publishers find it under "
        "“Awaiting publication”. Saving it published clears the mark.",
    )

    class Meta:
        model = Meeting
        fields = [
            "title",
            "slug",
            "series",
            "status",
            "visibility",
            "city",
            "venue",
            "occasion",
            "track_override",
            "topics",
            "sources",
            "summary",
            "internal_notes",
            "review_note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance
        precision = meeting.date_precision
        self.initial["start_date"] = dates.PartialDate.of(meeting.start_date, precision)
        self.initial["end_date"] = dates.PartialDate.of(meeting.end_date, precision)
        self.initial["ready_for_review"] = meeting.review_requested_at is not None
        if meeting.pk and "seen_updated_at" in self.fields:  # not for read-only pages
            self.fields["seen_updated_at"].initial = meeting.updated_at.isoformat()
            self.initial["extra_parties"] = sides_without_participants(meeting)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk and cleaned_data.get("seen_updated_at") != self._current_version():
            raise ValidationError(STALE_MESSAGE, code="stale")
        self._clean_dates(cleaned_data)
        if "sources" in self.fields:
            self.instance.pending_sources = cleaned_data.get("sources", [])
        return cleaned_data

    def _clean_dates(self, cleaned_data):
        if "start_date" not in cleaned_data:
            return  # the date's own error is shown; the stored date stays
        start, end = cleaned_data["start_date"], cleaned_data.get("end_date")
        if "end_date" in cleaned_data and (message := dates.end_error(start, end)):
            self.add_error("end_date", message)
            end = None
        first, precision, last = dates.stored_period(start, end)
        cleaned_data["start_date"] = first
        self.instance.date_precision = precision
        if "end_date" in cleaned_data:
            cleaned_data["end_date"] = last

    def _current_version(self):
        current = Meeting.objects.filter(pk=self.instance.pk)
        if transaction.get_connection().in_atomic_block:
            # Hold the row until this save commits, so two saves cannot both pass.
            current = current.select_for_update()
        updated_at = current.values_list("updated_at", flat=True).first()
        return updated_at.isoformat() if updated_at else None

    def _update_errors(self, errors):
        # A model rule about a field this form does not show (a publisher's visibility,
        # read-only for editors) is shown above the form rather than lost.
        hidden = [f for f in getattr(errors, "error_dict", {}) if f not in self.fields]
        for field in hidden:
            if field != NON_FIELD_ERRORS:
                moved = errors.error_dict.pop(field)
                errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(moved)
        super()._update_errors(errors)

    def review_change(self):
        """Apply "ready for review" to the meeting; the history's reason for it, or None."""
        if "ready_for_review" not in self.fields or "ready_for_review" not in self.changed_data:
            return None
        meeting = self.instance
        if self.cleaned_data["ready_for_review"]:
            meeting.review_requested_at = timezone.now()
            return "Marked ready for review"
        meeting.review_requested_at = None
        return "Withdrawn from review"

    def parties_with(self, participation_formsets):
        """The meeting's sides: every counted participant's side, then the other sides."""
        sides = set(self.cleaned_data.get("extra_parties", []))
        for formset in participation_formsets:
            sides |= counted_sides(formset)
        return sorted(sides)


def sides_without_participants(meeting):
    """The meeting's sides that no head or member sits for: the ones typed as other sides."""
    counted = (
        meeting.participations.exclude(role__in=UNCOUNTED_ROLES)
        .values_list("side", flat=True)
        .distinct()
    )
    seated = {str(side) for side in counted}
    return [str(party) for party in meeting.parties if str(party) not in seated]


def counted_sides(formset):
    """The sides of the heads and members a participant formset is about to save."""
    sides = set()
    for form in formset.forms:
        if formset.can_delete and formset._should_delete_form(form):
            continue
        data = getattr(form, "cleaned_data", {})
        if data.get("side") and data.get("role") not in UNCOUNTED_ROLES | {None}:
            sides.add(str(data["side"]))
    return sides


class ParticipationForm(forms.ModelForm):
    """One participant: counted roles sit for one of the meeting's parties.

    ``user`` is set per request by the admin, so the naming rule applies to
    them (``participation_naming_violation``). A form built without a user, by
    code acting for no staff member, is not limited by it, like the ORM.
    """

    user = None
    # On the meeting's page the sides follow the participants; elsewhere a side must
    # already be one of the meeting's parties.
    sides_follow_participants = False

    class Meta:
        model = Participation
        fields = [
            "meeting",
            "person",
            "side",
            "capacity",
            "role",
            "title_at_time",
            "anonymised",
            "sources",
        ]

    def clean(self):
        cleaned_data = super().clean()
        meeting = cleaned_data.get("meeting") or getattr(self.instance, "meeting", None)
        person, side = cleaned_data.get("person"), cleaned_data.get("side")
        if person is not None and person.pk is None and not person.country:
            person.country = side or ""  # a person added here: their side's country
        violation = self._naming_violation(meeting, cleaned_data)
        if violation:
            self.add_error("anonymised", violation)
        role = cleaned_data.get("role")
        if role is None or role in UNCOUNTED_ROLES:
            return cleaned_data
        if not side:
            self.add_error("side", "Heads and members sit for a side: choose its country.")
            return cleaned_data
        parties = _party_codes(meeting)
        if not self.sides_follow_participants and meeting and str(side) not in parties:
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

    def save(self, commit=True):
        if commit:
            for record in records_to_save(self):  # people and sources added by typing
                record.save()
        return super().save(commit)


def _party_codes(meeting):
    return [str(party) for party in meeting.parties] if meeting else []


def _not_a_party_message(side, parties):
    listed = ", ".join(countries.name(code) for code in parties) or "none yet"
    return (
        f"{countries.name(side)} is not one of this meeting's parties ({listed}). "
        "Enter this participant on the meeting's page, where every side becomes a party, "
        "or make them a facilitator or observer."
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
            key = person.pk or id(person)  # one new person typed in two rows is one
            if key in seen:
                form.add_error("person", f"{person} is listed twice: remove one of the rows.")
            seen.add(key)
