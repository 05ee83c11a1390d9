"""meetings/templatetags/meeting_rows.py: the meeting rows of the listing and the home page."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import set_script_prefix

from meetings.models import Meeting, Visibility
from tests.factories import make_city, make_meeting, make_participation, make_person, make_topic

pytestmark = pytest.mark.django_db


def rows(meetings):
    return Template("{% load meeting_rows %}{% meeting_rows meetings %}").render(
        Context({"meetings": meetings})
    )


def shaped(*meetings):
    return list(Meeting.objects.filter(pk__in=[m.pk for m in meetings]).for_rows())


def test_a_row_escapes_every_value_and_names_sides_and_unnamed_participants():
    city = make_city(name='Geneva <"old town">', slug="geneva", country="CH")
    meeting = make_meeting(
        title="Talks <b>&</b> more",
        slug="talks",
        city=city,
        start_date=datetime.date(2017, 10, 1),
        date_precision="month",
        status="held",
    )
    meeting.topics.add(make_topic(name="Sanctions & <i>relief</i>"))
    person = make_person(full_name='Choe "Son" <Hui>', slug="choe-son-hui")
    make_participation(meeting, person, side="KP", capacity="official")
    make_participation(meeting, None, side="US", capacity="expert")
    meeting.save()  # the track follows the participations
    assert rows(shaped(meeting)) == (
        '<li><article class="meeting-row">\n'
        '<h3 class="meeting-row__title"><a href="/meetings/talks/">'
        "Talks &lt;b&gt;&amp;&lt;/b&gt; more</a></h3>\n"
        '<p class="meeting-row__meta">October 2017 · Geneva &lt;&quot;old town&quot;&gt;, '
        'Switzerland · <span class="status status--held">Held</span></p>\n'
        '<p class="meeting-row__track"><span class="track-badge track-badge--15">Track 1.5'
        '</span> <span class="side-view">Track 1 for North Korea</span> '
        '<span class="side-view">Track 2 for United States</span></p>\n'
        '<ul class="tags" aria-label="Topics"><li>Sanctions &amp; &lt;i&gt;relief&lt;/i&gt;'
        "</li></ul>\n"
        '<p class="meeting-row__people"><a href="/people/choe-son-hui/">'
        "Choe &quot;Son&quot; &lt;Hui&gt;</a> (North Korea); an expert, United States</p>\n"
        "</article></li>"
    )


def test_rows_withhold_participants_of_a_meeting_not_fully_public_and_say_when_none():
    withheld = make_meeting(title="Withheld", visibility=Visibility.PARTICIPANTS_WITHHELD)
    make_participation(withheld, make_person(full_name="Hidden Hana"), side="KP")
    empty = make_meeting(title="Empty", start_date=datetime.date(2016, 1, 1))
    html = rows(shaped(withheld, empty))
    assert html.count("<li>") == 2
    assert "Hidden Hana" not in html
    assert "<em>Participants not disclosed.</em>" in html
    assert '<p class="meeting-row__people">No participants recorded.</p>' in html
    assert '<span class="track-badge">Track not determined</span>' in html


def test_rows_follow_the_script_prefix():
    meeting = make_meeting(slug="prefixed")
    make_participation(meeting, make_person(slug="someone"), side="US")
    set_script_prefix("/archive/")
    try:
        html = rows(shaped(meeting))
    finally:
        set_script_prefix("/")
    assert 'href="/archive/meetings/prefixed/"' in html
    assert 'href="/archive/people/someone/"' in html
