"""An editor records the Berlin talks through the admin; a publisher releases them."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from playwright.sync_api import expect

from meetings.models import Meeting
from tests.factories import make_city, make_person, make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BERLIN_TRACK = "1.5 — Track 1 for North Korea, Track 2 for United States"


def _user(name, group):
    user = User.objects.create_user(name, password=f"{name}-password", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def _log_in(page, live_server, name, next_path):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(f"{name}-password")
    page.get_by_role("button", name="Log in").click()


def _autocomplete(page, select_id, typed, choice):
    """Pick ``choice`` in the select2 widget replacing the <select> ``select_id``."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=choice).click()


def _participant(page, row, name, side, capacity, role="member"):
    prefix = f"id_participations-{row}"
    _autocomplete(page, f"{prefix}-person", name.split()[-1], name)
    page.select_option(f"#{prefix}-side", side)
    page.select_option(f"#{prefix}-capacity", capacity)
    page.select_option(f"#{prefix}-role", role)


def test_editor_records_berlin_talks_and_publisher_publishes(live_server, page, artifacts_dir):
    call_command("setup_roles", stdout=io.StringIO())
    _user("editor", "Editors")
    _user("publisher", "Publishers")
    make_city(name="Berlin", slug="berlin", country="DE")
    make_person(full_name="Choe Son Hui", slug="choe-son-hui", country="KP")
    make_person(full_name="Robert Gallucci", slug="robert-gallucci")
    make_person(full_name="Suzanne DiMaggio", slug="suzanne-dimaggio")
    make_source(title="Report on the Berlin talks")

    _log_in(page, live_server, "editor", "/admin/meetings/meeting/add/")
    expect(page.get_by_role("heading", name="Add meeting")).to_be_visible()
    page.get_by_role("textbox", name="Title:", exact=True).press_sequentially("Talks in Berlin")
    expect(page.get_by_label("Slug")).to_have_value("talks-in-berlin")
    page.get_by_label("Status").select_option("held")
    page.get_by_label("Date: year").fill("2017")
    page.get_by_label("Date: month").select_option("10")
    _autocomplete(page, "id_city", "Berl", "Berlin, Germany")
    page.get_by_label("Venue").fill("a hotel in Berlin")
    _participant(page, 0, "Choe Son Hui", "KP", "official", "head")
    _participant(page, 1, "Robert Gallucci", "US", "former_official")
    _participant(page, 2, "Suzanne DiMaggio", "US", "expert")
    _autocomplete(page, "id_sources", "Berlin", "Report on the Berlin talks")
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

    _log_in(page, live_server, "publisher", f"/admin/meetings/meeting/{meeting.pk}/change/")
    expect(page.locator("#track-preview")).to_have_text(BERLIN_TRACK)
    page.get_by_label("Visibility").select_option("public")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    meeting.refresh_from_db()
    assert (meeting.visibility, meeting.track) == ("public", "1.5")
