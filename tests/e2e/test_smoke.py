"""The home page in a real browser."""

import pytest

from tests.factories import make_berlin_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_shows_latest_public_meeting(live_server, page, artifacts_dir):
    make_berlin_meeting(title="Talks in Berlin")
    page.goto(live_server.url + "/")
    assert page.get_by_role("link", name="Talks in Berlin").is_visible()
    page.screenshot(path=artifacts_dir / "home.png", full_page=True)
