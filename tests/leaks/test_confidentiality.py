"""The gates at the doors a visitor can knock on directly: private records answer 404,
search never matches private text, and private filter values are refused.

(test_crawl.py walks every public surface for the same marked record.)
"""

import pytest

from meetings import search_index
from meetings.models import Meeting
from meetings.search import search_condition
from tests.leaks.conftest import MARKER, secret
from tests.pages import body, parse

pytestmark = pytest.mark.django_db


def test_private_records_answer_404_without_marker(client, site):
    for url in [
        site["confidential"].get_absolute_url(),
        site["withheld_person"].get_absolute_url(),
        f"/people/{secret('insider')}/",
        f"/people/{secret('anonymous-slug-2015')}/",
        f"/people/{secret('source-speaker')}/",
        f"/organizations/{secret('org')}/",
        f"/organizations/{secret('organiser-org')}/",
        f"/organizations/{secret('convener-org')}/",
        f"/series/{secret('series')}/",
        f"/meetings/{secret('confidential-round')}/cite.bib",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert MARKER not in body(response).lower()


@pytest.mark.parametrize(
    "params",
    [
        {"q": MARKER},
        {"q": "anonymous-name"},
        {"q": "withheld-name"},
        {"q": "insider"},
        {"q": secret("anonymous-other-name")},
        {"q": secret("confidential-title")},
        {"q": f"{MARKER} venue"},
        {"q": "withheld-name"},
    ],
)
def test_search_never_matches_private_text(client, site, params):
    response = client.get("/meetings/", params)
    assert response.status_code == 200
    assert parse(response).total == 0
    people = client.get("/people/", params)
    assert parse(people).total == 0
    for listing in ("/organizations/", "/series/"):
        assert parse(client.get(listing, params)).total == 0, listing


def test_listings_show_public_organizations_and_series_only(client, site):
    assert parse(client.get("/organizations/")).total == 1  # Open Institute
    assert parse(client.get("/series/")).total == 1  # Open channel


def test_no_private_word_is_stored_for_search(site):
    """Not through the public gate: no meeting at all has a marked word in its words."""
    assert not Meeting.objects.filter(search_condition(MARKER)).exists()
    assert search_index.stored_ids() == set(Meeting.objects.public().values_list("pk", flat=True))


@pytest.mark.parametrize(
    "params",
    [
        {"city": secret("city")},
        {"topic": secret("topic")},
        {"series": secret("series")},
        {"person": secret("insider")},
        {"person": secret("withheld-slug")},
        {"person": secret("anonymous-slug-2016")},
    ],
)
def test_private_slugs_are_refused_like_unknown_ones(client, site, params):
    """The choices come from the public querysets: a private slug is no choice at all."""
    response = client.get("/meetings/", params)
    assert response.status_code == 400
    assert f"Parameter <code>{next(iter(params))}</code>" in body(response)
    assert MARKER not in body(response).lower().replace(next(iter(params.values())), "")


def test_private_organization_is_refused_on_the_people_listing(client, site):
    assert client.get("/people/", {"organization": secret("org")}).status_code == 400


def test_country_only_a_confidential_meeting_has_counts_nothing(client, site):
    """Any country code is a valid value; one no public meeting is held in finds none."""
    response = client.get("/meetings/", {"country": "FI"})
    assert response.status_code == 200
    assert parse(response).total == 0
