"""axe-core's accessibility rules on the admin pages of data entry: the meeting form
(empty and with participants), the review queue and the index."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from tests.factories import make_meeting, make_participation, make_person, make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def browser_context_args(browser_context_args):
    # A strict CSP would block the injected axe script; pages never need this themselves.
    return {**browser_context_args, "bypass_csp": True}


def _pages():
    meeting = make_meeting(title="Stockholm talks", visibility="confidential")
    meeting.sources.add(make_source())
    make_participation(meeting, make_person(country="KP"), side="KP", capacity="official")
    make_participation(meeting, side="US", anonymised=True)
    meeting.review_requested_at = timezone.now()
    meeting.save()
    return [
        "/admin/",
        "/admin/meetings/meeting/add/",
        f"/admin/meetings/meeting/{meeting.pk}/change/",
        "/admin/meetings/meeting/?review=awaiting",
    ]


def _violations(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})).violations"
    )
    return sorted(
        (violation["id"], node["target"][0])
        for violation in found
        if violation["impact"] in BLOCKING_IMPACTS
        for node in violation["nodes"]
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_data_entry_pages_pass_axe(live_server, page, width):
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed at {AXE}: run `npm ci` in the project folder")
    User.objects.create_superuser("chief", password="chief-password")
    paths = _pages()
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill("chief-password")
    page.get_by_role("button", name="Log in").click()

    found = {path: _violations(page, live_server.url + path) for path in paths}

    assert found == {path: [] for path in paths}
