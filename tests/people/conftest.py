"""Two records of one person, for the merge tests of the service and the admin action."""

import pytest

from tests.factories import (
    make_affiliation,
    make_meeting,
    make_participation,
    make_person,
    make_quote,
)


@pytest.fixture
def duplicates(db):
    kept = make_person(full_name="Choe Son Hui", other_names="Choe Sonhui", country="KP")
    merged = make_person(full_name="Ch'oe Son-hui", other_names="Choe Sonhui\nChoe Son-hui")
    shared = make_meeting(title="Shared", parties=["KP", "US"])
    make_participation(shared, person=kept, side="KP", capacity="official", role="head")
    make_participation(shared, person=merged, side="KP", capacity="official")
    only_merged = make_meeting(title="Only merged", parties=["KP", "US"])
    make_participation(only_merged, person=merged, side="KP", capacity="official")
    make_quote(merged, text="We are ready.")
    make_affiliation(merged, role="Vice minister")
    return kept, merged, shared, only_merged
