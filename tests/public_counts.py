"""Compare PublicMeetingCount with the public meetings it counts, and a record to count."""

import datetime
from collections import Counter

from meetings.models import (
    Meeting,
    PublicMeetingCount,
    Track,
    Visibility,
)
from tests.factories import make_city, make_meeting, make_organization, make_organizer

# Party lists and organiser indexes cycle at other periods than cities, dates and tracks.
PARTIES = [["KP", "US"], ["CN", "KP", "US"], ["CN", "KP"], ["DE"], ["DE", "US"]]


def live_counts():
    """{(city id, year, track): n} counted from Meeting.objects.public(), 0 for none."""
    return Counter(
        (city or 0, start.year if start else 0, track)
        for city, start, track in Meeting.objects.public().values_list(
            "city_id", "start_date", "track"
        )
    )


def table_counts():
    """The same from the count table, keys with no meetings left out."""
    rows = PublicMeetingCount.objects.values_list("city_id", "year", "track", "meetings")
    return Counter({(city, year, track): n for city, year, track, n in rows if n})


def make_listing_record():
    berlin, pyongyang = make_city(country="DE"), make_city(country="KP")
    days = [None, datetime.date(1999, 5, 1), datetime.date(2017, 10, 1), datetime.date(2018, 1, 1)]
    organizations = [make_organization(), make_organization()]
    for n in range(24):
        meeting = make_meeting(
            city=[berlin, pyongyang, None][n % 3],
            start_date=days[n % 4],
            track_override=["", *Track.values][n % 4],
            visibility=Visibility.values[n % 5 % 3],
            parties=PARTIES[n % 5],
        )
        for organization in organizations[: n % 7 % 3]:
            make_organizer(meeting, organization)
    return berlin, pyongyang
