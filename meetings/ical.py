"""The filtered listing as an iCalendar file: one all-day event per meeting dated to the
day, written by the ``icalendar`` library (escaping and line folding are its own).

A calendar can only show a meeting truthfully when its day is known: one known to the
month or the year is left out, not drawn as a month- or year-long block, and an
undated one has no place at all.

Takes the listing's parameters (``page`` aside) like the other exports, and streams
through ``primed_streaming_response`` the same way (meetings/exports.py).
"""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from backchannel.countries import country_name
from backchannel.records import FIRST_DATE, LAST_STORED_DATE
from backchannel.streaming import primed_streaming_response
from backchannel.text import xml_safe

from .exports import bad_request, export_filename
from .filters import export_filter
from .models import DatePrecision, Status

CHUNK_SIZE = 500  # meetings per query
# icalendar 7.3 reads a backslash before "N" in the text it is given as RFC 5545's
# escaped line break, so "C:\\New" would come out as "C:" and a new line. Such a
# backslash goes in as U+FFFF, which text never holds (``xml_safe`` drops it), and
# comes out as the escaped backslash the library would have written.
BACKSLASH_BEFORE_N = "\uffff"


ICS_STATUS = {Status.CANCELLED: "CANCELLED", Status.HELD: "CONFIRMED"}
CALENDAR_PROPERTIES = [
    ("VERSION", "2.0"),
    ("PRODID", "-//Backchannel//Public meeting history//EN"),
    ("CALSCALE", "GREGORIAN"),
    ("METHOD", "PUBLISH"),
    ("X-WR-CALNAME", "Backchannel meetings"),
]


def period_end(meeting):
    """The exclusive end of the all-day event: the day after its last day."""
    return (meeting.end_date or meeting.start_date) + datetime.timedelta(days=1)


def ics_text(value):
    """Text for a TEXT property: XML-safe, its backslashes before "N" kept."""
    return xml_safe(value).replace("\\N", BACKSLASH_BEFORE_N + "N")


def vevent(meeting, host, url_prefix):
    """One all-day event, its properties in a fixed order, written by ``icalendar``.

    ``host`` names the site in the event's UID; ``url_prefix`` is the meeting pages' URL
    up to the slug (worked out once per calendar: a reverse() per event was a tenth of
    the time).
    """
    place = [meeting.venue] if meeting.venue else []
    if meeting.city:
        place += [meeting.city.name, country_name(meeting.city.country)]
    track = f"Track {meeting.track}" if meeting.track else "Track not determined"
    description = f"{meeting.date_display}. {track}. {meeting.get_status_display()}."
    if meeting.summary:
        description += "\n\n" + meeting.summary
    event = Event()
    event.add("UID", ics_text(f"{meeting.slug}@{host}"))
    event.add("DTSTAMP", meeting.updated_at.astimezone(datetime.UTC).replace(microsecond=0))
    event.add("DTSTART", meeting.start_date)
    event.add("DTEND", period_end(meeting))
    event.add("SUMMARY", ics_text(meeting.title))
    event.add("DESCRIPTION", ics_text(description))
    event.add("URL", f"{url_prefix}{meeting.slug}/")
    event.add("STATUS", ICS_STATUS.get(meeting.status, "TENTATIVE"))
    if place:
        event.add("LOCATION", ics_text(", ".join(place)))
    return event.to_ical(sorted=False).decode().replace(BACKSLASH_BEFORE_N, "\\\\")


def calendar_frame():
    """(the calendar's opening lines, its closing line), for the events between them."""
    calendar = Calendar()
    for name, value in CALENDAR_PROPERTIES:
        calendar.add(name, value)
    text = calendar.to_ical(sorted=False).decode()
    closing = "END:VCALENDAR\r\n"
    return text.removesuffix(closing), closing


def calendar_dated(meetings):
    """The meetings a calendar can place: dated to the day, within the range the database
    holds. One planted outside it (year 1 is not a valid DTSTART; 9999-12-31 has no next
    day) is left out rather than break the file."""
    in_range = Q(end_date=None) | Q(end_date__lte=LAST_STORED_DATE)
    return meetings.filter(
        in_range,
        date_precision=DatePrecision.DAY,
        start_date__gte=FIRST_DATE,
        start_date__lte=LAST_STORED_DATE,
    )


@require_safe
def calendar(request):
    filterset, errors = export_filter(request)
    if errors:
        return bad_request(errors)
    meetings = calendar_dated(filterset.qs).select_related("city")
    opening, closing = calendar_frame()
    host = request.get_host().split(":")[0]
    url_prefix = request.build_absolute_uri(reverse("meetings:detail", args=["-"]))[:-2]

    def chunks():
        yield opening
        for meeting in meetings.iterator(chunk_size=CHUNK_SIZE):
            yield vevent(meeting, host, url_prefix)
        yield closing

    response = primed_streaming_response(
        request, chunks(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{export_filename("ics")}"'
    return response
