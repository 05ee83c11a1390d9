"""The whole data-entry flow in Chromium, at 1280×800 and on a 390 px phone: an editor
enters the Stockholm case on an empty record, sees its track before saving and marks it
ready for review; a publisher publishes it from the queue; the public listing shows it.
"""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from meetings.models import City, Meeting, Source, Topic
from people.models import Person
from tests.e2e.admin_forms import choose, log_in, staff, start_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
TITLE = "North Korea–US talks in Stockholm"
TRACK = "1.5 — Track 1 for North Korea, Track 2 for United States"
# (typed name, side, capacity, role, title at the time, anonymised)
PARTICIPANTS = [
    ("Choe Son Hui", "KP", "official", "head", "Vice Foreign Minister", False),
    ("Mary Hughes", "US", "expert", "head", "Professor of Korean studies", False),
    ("Thomas Reid", "US", "expert", "member", "", True),
]


class Visit:
    """Counts what the flow costs: page loads and pop-up windows (there should be none),
    and collects what the Content-Security-Policy blocked (nothing should be)."""

    def __init__(self, page, live_server):
        self.page, self.url = page, live_server.url
        self.loads, self.popups, self.csp = 0, 0, []
        page.on("load", self._loaded)
        page.on("popup", self._popup)
        page.on("console", self._console)

    def _loaded(self, _page):
        self.loads += 1

    def _popup(self, _page):
        self.popups += 1

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.csp.append(message.text)

    def log_in(self, name, next_path):
        log_in(self.page, self.url, name, next_path)


def _add(page, select_id, typed, noun):
    choose(page, select_id, typed, f"Add “{typed}” as a new {noun}")


def _participant(page, row, name, side, capacity, role, title, anonymised):
    prefix = f"id_participations-{row}"
    _add(page, f"{prefix}-person", name, "person")
    page.select_option(f"#{prefix}-side", side)
    page.select_option(f"#{prefix}-capacity", capacity)
    page.select_option(f"#{prefix}-role", role)
    page.fill(f"#{prefix}-title_at_time", title)
    if anonymised:
        page.check(f"#{prefix}-anonymised")


def _no_horizontal_scroll(page):
    width, visible = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width <= visible, f"the page is {width}px wide in a {visible}px window"


def enter_the_stockholm_case(visit, shots):
    page = visit.page
    visit.log_in("editor", "/admin/meetings/meeting/add/")
    start_meeting(page, TITLE, "north-korea-us-talks-in-stockholm", "2019", "3")
    _add(page, "id_city", "Stockholm, Sweden", "city")
    page.get_by_label("Occasion").fill("Hosted by a Swedish institute")
    for row, participant in enumerate(PARTICIPANTS):
        _participant(page, row, *participant)
    expect(page.locator("#track-preview")).to_have_text(TRACK)  # before saving
    expect(page.locator("#participations-2 .public-view")).to_have_text(
        "Shown as “an expert, United States”. Role and title stay internal."
    )
    _add(page, "id_topics", "Denuclearisation", "topic")
    _add(page, "id_sources", "Track 2 talks in Stockholm, conference report", "source")
    page.get_by_label("Ready for review").check()
    page.get_by_label("Review note").fill("Names as the conference report gives them.")
    _no_horizontal_scroll(page)
    page.screenshot(path=shots / "meeting-form.png", full_page=True)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    expect(page.locator("#track-preview")).to_have_text(TRACK)
    _no_horizontal_scroll(page)


def publish_from_the_queue(visit, shots):
    page = visit.page
    visit.log_in("publisher", "/admin/")
    page.get_by_role("link", name="1 meeting marked ready for review").click()
    row = page.locator("#result_list tbody tr", has_text=TITLE)
    expect(row).to_contain_text("Names as the conference report gives them.")
    page.screenshot(path=shots / "queue.png", full_page=True)
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("publish_selected")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist .success")).to_have_text(f"Published “{TITLE}”.")


def find_it_in_public(visit, shots):
    page = visit.page
    page.context.clear_cookies()
    page.goto(f"{visit.url}/meetings/?city=stockholm&year=2019&track=1.5")
    expect(page.locator("[data-total]")).to_have_attribute("data-total", "1")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    page.screenshot(path=shots / "public-listing.png", full_page=True)


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_stockholm_case_from_entry_to_publication(live_server, page, artifacts_dir, viewport):
    """8 page loads and no pop-up window: the editor's login page, the empty meeting form,
    the saved meeting; the publisher's login page, the index, the queue, the list after
    publishing; the public listing. The city, the three people, the topic and the source
    are added on the meeting's own page by typing their names."""
    call_command("setup_roles", stdout=io.StringIO())
    staff("editor", "Editors")
    staff("publisher", "Publishers")
    page.set_viewport_size(VIEWPORTS[viewport])
    shots = artifacts_dir / f"stockholm-{viewport}"
    shots.mkdir(exist_ok=True)
    visit = Visit(page, live_server)

    enter_the_stockholm_case(visit, shots)
    meeting = Meeting.objects.get()
    assert (meeting.track, meeting.side_tracks, meeting.date_display) == (
        "1.5",
        {"KP": "1", "US": "2"},
        "March 2019",
    )
    assert (meeting.visibility, meeting.review_note) == (
        "confidential",
        "Names as the conference report gives them.",
    )
    publish_from_the_queue(visit, shots)
    find_it_in_public(visit, shots)

    assert (visit.loads, visit.popups, visit.csp) == (8, 0, [])
    meeting.refresh_from_db()
    assert (meeting.visibility, meeting.review_requested_at) == ("public", None)
    assert [h.history_change_reason for h in meeting.history.order_by("history_id")] == [
        "Marked ready for review",
        "Published (public)",
    ]
    counts = [m.objects.count() for m in (City, Person, Topic, Source)]
    assert counts == [1, 3, 1, 1]
    anonymised = meeting.participations.get(anonymised=True)
    assert anonymised.person.full_name == "Thomas Reid"
