"""``{% meeting_rows meetings %}``: the meeting rows of every list, as ``<li>`` items.

Rendered in Python rather than by an included template: for the 25 rows of a listing
page the template took 20 ms of the page's 55 (PostgreSQL, 100,000 meetings), most of
it country names translated anew on every access, a ``reverse()`` per participant and
a variable lookup per cell. Here countries are named from the per-language table and
each kind of URL is reversed once per page. Every value goes through ``format_html``.
The meetings come with their city and series (``for_rows()``); their topics and
participants are read for the whole page in two queries (meetings/rows.py).
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from backchannel.countries import country_names
from backchannel.slug_urls import SlugURLs

from ..rows import row_details

register = template.Library()

NOT_DISCLOSED = mark_safe("<em>Participants not disclosed.</em>")
NO_TRACK = mark_safe('<span class="track-badge">Track not determined</span>')


@register.simple_tag
def meeting_rows(meetings):
    meetings = list(meetings)
    rows = MeetingRows(meetings)
    return format_html_join("\n", "<li>{}</li>", ((rows.row(meeting),) for meeting in meetings))


class MeetingRows:
    """What every row of a page shares: its URLs, each reversed once, country names, and
    the topics and participants of all its meetings."""

    def __init__(self, meetings):
        self.topic_names, self.participants = row_details(meetings)
        self.meeting_url = SlugURLs("meetings:detail")
        self.person_url = SlugURLs("people:detail")
        self.countries = country_names()

    def country(self, code):
        return self.countries.get(code, code)

    def row(self, meeting):
        return format_html(
            '<article class="meeting-row">\n'
            '<h3 class="meeting-row__title"><a href="{}">{}</a></h3>\n'
            '<p class="meeting-row__meta">{} · <span class="status status--{}">{}</span></p>\n'
            '<p class="meeting-row__track">{}</p>\n{}'
            '<p class="meeting-row__people">{}</p>\n'
            "</article>",
            self.meeting_url(meeting.slug),
            meeting.title,
            self.meta(meeting),
            meeting.status,
            meeting.get_status_display(),
            self.tracks(meeting),
            self.topics(meeting),
            self.people(meeting),
        )

    def meta(self, meeting):
        city = meeting.city
        if city is None:
            return meeting.date_display
        return format_html(
            "{} · {}, {}", meeting.date_display, city.name, self.country(city.country.code)
        )

    def tracks(self, meeting):
        badge = NO_TRACK
        if meeting.track:
            badge = format_html(
                '<span class="track-badge track-badge--{}">Track {}</span>',
                slugify(meeting.track),
                meeting.track,
            )
        views = format_html_join(
            "",
            ' <span class="side-view">{} for {}</span>',
            (
                (f"Track {track}" if track else "undetermined", self.country(code))
                for code, track in meeting.side_tracks.items()
            ),
        )
        return badge + views

    def topics(self, meeting):
        topics = self.topic_names.get(meeting.pk)
        if not topics:
            return ""
        items = format_html_join("", "<li>{}</li>", ((name,) for name in topics))
        return format_html('<ul class="tags" aria-label="Topics">{}</ul>\n', items)

    def people(self, meeting):
        if not meeting.shows_participants:
            return NOT_DISCLOSED
        cells = [self.person(p) for p in self.participants.get(meeting.pk, ())]
        if not cells:
            return "No participants recorded."
        return format_html_join("; ", "{}", ((cell,) for cell in cells))

    def person(self, participant):
        if participant.name is None:
            return participant.label
        link = format_html(
            '<a href="{}">{}</a>', self.person_url(participant.slug), participant.name
        )
        side = participant.side
        return format_html("{} ({})", link, self.country(side)) if side else link
