"""An editor records the Berlin talks through the admin; a publisher releases them."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from meetings.models import Meeting
from tests.e2e.admin_forms import choose, log_in, staff, start_meeting
from tests.factories import make_city, make_person, make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BERLIN_TRACK = "1.5 — Track 1 for North Korea, Track 2 for United States"


def _participant(page, row, name, side, capacity, role="member"):
    prefix = f"id_participations-{row}"
    choose(page, f"{prefix}-person", name.split()[-1], name)
    page.select_option(f"#{prefix}-side", side)
    page.select_option(f"#{prefix}-capacity", capacity)
    page.select_option(f"#{prefix}-role", role)


def test_editor_records_berlin_talks_and_publisher_publishes(live_server, page, artifacts_dir):
    call_command("setup_roles", stdout=io.StringIO())
    staff("editor", "Editors")
    staff("publisher", "Publishers")
    make_city(name="Berlin", slug="berlin", country="DE")
    make_person(full_name="Choe Son Hui", slug="choe-son-hui", country="KP")
    make_person(full_name="Robert Gallucci", slug="robert-gallucci")
    make_person(full_name="Suzanne DiMaggio", slug="suzanne-dimaggio")
    make_source(title="Report on the Berlin talks")

    log_in(page, live_server.url, "editor", "/admin/meetings/meeting/add/")
    start_meeting(page, "Talks in Berlin", "talks-in-berlin", "2017", "10")
    choose(page, "id_city", "Berl", "Berlin, Germany")
    page.get_by_label("Venue").fill("a hotel in Berlin")
    _participant(page, 0, "Choe Son Hui", "KP", "official", "head")
    _participant(page, 1, "Robert Gallucci", "US", "former_official")
    _participant(page, 2, "Suzanne DiMaggio", "US", "expert")
    choose(page, "id_sources", "Berlin", "Report on the Berlin talks")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    expect(page.locator("#track-preview")).to_have_text(BERLIN_TRACK)
    expect(page.locator(".field-visibility .readonly")).to_have_text("Confidential")
    page.screenshot(path=artifacts_dir / "admin-meeting-form.png", full_page=True)
    meeting = Meeting.objects.get(slug="talks-in-berlin")
    assert (meeting.track, meeting.visibility, meeting.participations.count()) == (
        "1.5",
        "confidential",
        3,
    )
    assert ([str(p) for p in meeting.parties], meeting.date_display) == (
        ["KP", "US"],
        "October 2017",
    )

    log_in(page, live_server.url, "publisher", f"/admin/meetings/meeting/{meeting.pk}/change/")
    expect(page.locator("#track-preview")).to_have_text(BERLIN_TRACK)
    page.get_by_label("Visibility").select_option("public")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    meeting.refresh_from_db()
    assert (meeting.visibility, meeting.track) == ("public", "1.5")
