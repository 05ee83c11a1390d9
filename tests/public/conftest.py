import datetime

import pytest

from meetings.models import DialogueSeries, Participation, Visibility
from tests.factories import (
    make_city,
    make_meeting,
    make_participation,
    make_person,
    make_quote,
    make_source,
    make_topic,
)


@pytest.fixture
def berlin():
    return make_city(name="Berlin", slug="berlin", country="DE")


@pytest.fixture
def demo(berlin):
    """A demo-like record: serving KP officials meet former US officials and academics."""
    geneva = make_city(name="Geneva", slug="geneva", country="CH")
    nuclear = make_topic(name="Denuclearisation", slug="denuclearisation")
    series = DialogueSeries.objects.create(name="Berlin channel", slug="berlin-channel")
    source = make_source(title="Report on informal dialogue", url="https://example.org/report")
    choe = make_person(
        full_name="Choe Son-hui", slug="choe-son-hui", country="KP", other_names="Choe Son Hui"
    )
    wit = make_person(full_name="Joel Wit", slug="joel-wit", country="US")
    meeting = make_meeting(
        title="Talks in Berlin",
        slug="talks-in-berlin",
        city=berlin,
        series=series,
        start_date=datetime.date(2017, 10, 1),
        date_precision="month",
        venue="A hotel",
        occasion="sidelines of a conference",
    )
    meeting.topics.add(nuclear)
    meeting.sources.add(source)
    make_participation(
        meeting,
        choe,
        side="KP",
        capacity="official",
        role="head",
        title_at_time="Director-General, North America Department",
    )
    make_participation(meeting, wit, side="US", capacity="former_official")
    Participation.objects.create(meeting=meeting, side="US", capacity="expert")
    make_quote(wit, meeting=meeting, source=source, text="We listened more than we talked.")
    meeting.refresh_from_db()
    geneva_meeting = make_meeting(
        title="Round in Geneva",
        slug="round-in-geneva",
        city=geneva,
        series=series,
        start_date=datetime.date(2016, 1, 1),
        date_precision="year",
        visibility=Visibility.PARTICIPANTS_WITHHELD,
        track_override="2",
    )
    undated = make_meeting(title="Undated contact", slug="undated-contact", city=berlin)
    make_participation(undated, wit, side="US", capacity="expert")
    make_participation(undated, side="KP", capacity="expert", anonymised=True)
    undated.refresh_from_db()
    return {
        "meeting": meeting,
        "geneva_meeting": geneva_meeting,
        "undated": undated,
        "choe": choe,
        "wit": wit,
        "series": series,
        "topic": nuclear,
    }
