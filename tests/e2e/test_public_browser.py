"""The public pages in a real browser: filtering through the page's own form and links,
screenshots at desktop and phone sizes, and axe-core's accessibility rules."""

import datetime
import json
import re
from pathlib import Path

import pytest

from meetings.models import Meeting, Participation, Visibility
from tests.factories import (
    make_affiliation,
    make_city,
    make_meeting,
    make_organization,
    make_organizer,
    make_participation,
    make_person,
    make_quote,
    make_series,
    make_source,
    make_topic,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def browser_context_args(browser_context_args):
    # A strict CSP would block the injected axe script; pages never need this themselves.
    return {**browser_context_args, "bypass_csp": True}


def seed():
    """A small record: talks in Berlin and Geneva over three years and all three tracks."""
    berlin = make_city(name="Berlin", slug="berlin", country="DE")
    geneva = make_city(name="Geneva", slug="geneva", country="CH")
    topic = make_topic(name="Denuclearisation", slug="denuclearisation")
    source = make_source(title="Report on informal dialogue", url="https://example.org/report")
    choe = make_person(full_name="Choe Son-hui", slug="choe-son-hui", country="KP")
    wit = make_person(full_name="Joel Wit", slug="joel-wit", country="US", bio="Former diplomat.")
    rows = [
        ("Talks in Berlin", berlin, 2017, [("KP", "official"), ("US", "former_official")]),
        ("Berlin expert round", berlin, 2017, [("KP", "expert"), ("US", "expert")]),
        ("Berlin officials", berlin, 2018, [("KP", "official"), ("US", "official")]),
        ("Geneva round", geneva, 2017, [("KP", "official"), ("US", "expert")]),
        ("Geneva follow-up", geneva, 2019, [("KP", "expert"), ("US", "expert")]),
    ]
    for title, city, year, sides in rows:
        meeting = make_meeting(
            title=title,
            city=city,
            start_date=datetime.date(year, 10, 1),
            date_precision="month",
            summary="Informal talks on the sidelines of a conference.",
        )
        meeting.topics.add(topic)
        meeting.sources.add(source)
        make_participation(meeting, choe, side=sides[0][0], capacity=sides[0][1], role="head")
        make_participation(meeting, wit, side=sides[1][0], capacity=sides[1][1])
        Participation.objects.create(meeting=meeting, side="US", capacity="expert")
    make_quote(wit, text="We listened more than we talked.", source=source)
    make_meeting(title="Withheld round", city=geneva, visibility=Visibility.PARTICIPANTS_WITHHELD)
    institute = make_organization(name="Swedish Institute", slug="swedish-institute")
    talks = Meeting.objects.get(title="Talks in Berlin")
    make_organizer(talks, institute, role="host")
    talks.series = make_series(name="Berlin channel", slug="berlin-channel", convener=institute)
    talks.save()
    make_affiliation(wit, organization=institute, role="Fellow")


def result_titles(page):
    return page.locator(".meeting-row__title a").all_inner_texts()


def total(page):
    return int(page.locator("[data-total]").first.get_attribute("data-total"))


def test_filter_by_city_then_year_then_track(live_server, page, artifacts_dir):
    seed()
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/meetings/")
    assert total(page) == 6

    page.get_by_text("More filters").click()  # a <details>: no script involved
    page.get_by_role("link", name="the list of every city").click()
    berlin = page.get_by_role("navigation", name="Cities by name").get_by_role(
        "link", name=re.compile("^Berlin, Germany")
    )
    assert berlin.get_attribute("data-count") == "3"
    berlin.click()
    assert re.search(r"/meetings/\?city=berlin$", page.url)
    assert total(page) == 3

    year = page.get_by_role("navigation", name="By year").get_by_role(
        "link", name=re.compile("^2017")
    )
    assert year.get_attribute("data-count") == "2"
    year.click()
    assert total(page) == 2
    assert sorted(result_titles(page)) == ["Berlin expert round", "Talks in Berlin"]

    page.get_by_text("More filters").click()
    page.get_by_role("checkbox", name="Track 1.5").check()
    page.get_by_role("button", name="Show meetings").click()
    assert total(page) == 1
    assert result_titles(page) == ["Talks in Berlin"]
    assert page.get_by_text("Track 1 for North Korea").is_visible()
    assert page.get_by_text("Track 2 for United States").is_visible()
    page.screenshot(path=artifacts_dir / "meetings-filtered-desktop.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.screenshot(path=artifacts_dir / "meetings-filtered-phone.png", full_page=True)

    page.get_by_role("link", name="Remove filter City: Berlin").click()
    assert total(page) == 2  # 2017, Track 1.5, any city: Berlin and Geneva

    page.get_by_role("link", name="Talks in Berlin").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Talks in Berlin"
    page.screenshot(path=artifacts_dir / "meeting-detail-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=artifacts_dir / "meeting-detail-desktop.png", full_page=True)

    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert page.locator(".print-url").first.is_visible()  # source addresses on paper
    page.screenshot(path=artifacts_dir / "meeting-detail-print.png", full_page=True)


def test_listing_is_keyboard_usable(live_server, page):
    seed()
    page.goto(live_server.url + "/meetings/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_label("Search titles, places and names").focus()
    page.keyboard.type("Geneva")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=Geneva"))
    assert sorted(result_titles(page)) == ["Geneva follow-up", "Geneva round"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/meetings/",
        "/meetings/?city=berlin&year=2017",
        "/meetings/?year=abc",
        "/meetings/?q=nothing-matches",
        "/meetings/cities/",
        "/meetings/cities/?city=berlin&year=2017",
        "/meetings/cities/?year=abc",
        "/meetings/talks-in-berlin/",
        "/people/",
        "/people/joel-wit/",
        "/people/?q=nobody",
        "/organizations/",
        "/organizations/swedish-institute/",
        "/organizations/?kind=bogus",
        "/series/",
        "/series/berlin-channel/",
        "/series/?q=nothing",
        "/overview/",
        "/overview/?city=berlin&track=1",
    ],
)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_serious_violations(live_server, page, path, viewport):
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed at {AXE}: run `npm ci` in the project folder")
    seed()
    page.set_viewport_size(viewport)
    page.goto(live_server.url + path.replace("talks-in-berlin", _slug("Talks in Berlin")))
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document)")
    blocking = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]
    assert blocking == [], json.dumps(blocking, indent=2)


def _slug(title):
    return Meeting.objects.get(title=title).slug
