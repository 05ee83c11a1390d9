"""A meeting leaves confidential only with at least one source, and a published one keeps
its last: the same rule on the meeting's page (next to the field), in the import, in the
publish actions (tests/admin/test_review.py) and in the model's own validation."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import Meeting
from meetings.models.meeting import LAST_SOURCE_OF_PUBLISHED, NO_SOURCE_TO_PUBLISH
from tests.admin.helpers import meeting_form_data
from tests.factories import make_meeting, make_source


def _change(meeting):
    return reverse("admin:meetings_meeting_change", args=[meeting.pk])


def _post(client, meeting, **changes):
    return client.post(_change(meeting), meeting_form_data(meeting, **changes))


@pytest.fixture
def confidential(db):
    return make_meeting(title="Stockholm talks", visibility="confidential")


@pytest.fixture
def published(db):
    meeting = make_meeting(title="Berlin talks", visibility="public")
    meeting.sources.add(make_source())
    return meeting


def test_publishing_without_a_source_is_refused_next_to_visibility(client, publisher, confidential):
    client.force_login(publisher)
    response = _post(client, confidential, visibility="public")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"visibility": [NO_SOURCE_TO_PUBLISH]}
    html = response.content.decode()
    field = html[html.index('class="form-row errors field-visibility') :]
    assert field.index(NO_SOURCE_TO_PUBLISH) < field.index('name="visibility"')
    confidential.refresh_from_db()
    assert confidential.visibility == "confidential"


def test_publishing_with_a_source_typed_in_the_same_form(client, publisher, confidential):
    client.force_login(publisher)
    response = _post(client, confidential, visibility="public", sources=["new:Report"])
    assert response.status_code == 302
    confidential.refresh_from_db()
    assert (confidential.visibility, [s.title for s in confidential.sources.all()]) == (
        "public",
        ["Report"],
    )


@pytest.mark.parametrize("role", ["publisher", "editor"])
def test_a_published_meeting_keeps_its_last_source(request, client, published, role):
    client.force_login(request.getfixturevalue(role))
    response = _post(client, published, sources=[])
    assert response.context["adminform"].form.errors == {"sources": [LAST_SOURCE_OF_PUBLISHED]}
    assert published.sources.count() == 1


def test_a_meeting_published_before_the_rule_without_sources_can_still_be_edited(client, editor):
    legacy = make_meeting(title="Old record", visibility="public")
    client.force_login(editor)
    assert _post(client, legacy, title="Old record, corrected").status_code == 302
    legacy.refresh_from_db()
    assert legacy.title == "Old record, corrected"


def test_making_a_meeting_confidential_needs_no_source(client, publisher, published):
    client.force_login(publisher)
    assert _post(client, published, visibility="confidential", sources=[]).status_code == 302
    published.refresh_from_db()
    assert (published.visibility, published.sources.count()) == ("confidential", 0)


def test_model_validation_refuses_publishing_without_a_source(confidential):
    confidential.visibility = "participants_withheld"
    with pytest.raises(ValidationError) as error:
        confidential.full_clean()
    assert error.value.message_dict == {"visibility": [NO_SOURCE_TO_PUBLISH]}


def _import(client, text):
    upload = SimpleUploadedFile("rows.csv", text.encode(), content_type="text/csv")
    url = reverse("admin:meetings_meeting_import")
    preview = client.post(url, {"import_file": upload, "format": "0", "resource": "0"})
    return {
        row.number: {f: [str(e) for e in errors] for f, errors in row.field_specific_errors.items()}
        for row in preview.context["result"].invalid_rows
    }


def test_import_refuses_publishing_without_a_source(client, publisher, confidential):
    sourced = make_meeting(slug="sourced", title="Sourced", visibility="confidential")
    sourced.sources.add(make_source())
    client.force_login(publisher)
    text = "slug,title,visibility\n"
    text += f"{confidential.slug},Stockholm talks,public\nsourced,Sourced,public\nnew,New,public\n"
    assert _import(client, text) == {
        1: {"visibility": [NO_SOURCE_TO_PUBLISH]},
        3: {"visibility": [NO_SOURCE_TO_PUBLISH]},
    }
    assert Meeting.objects.filter(visibility="public").count() == 0
