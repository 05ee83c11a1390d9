"""Compare PublicMeetingCount with the public meetings it counts."""

from collections import Counter

from meetings.models import Meeting, PublicMeetingCount


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
