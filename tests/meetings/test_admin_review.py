"""Review and publication: editors mark a meeting ready for review with a note;
publishers find it in "Awaiting publication", the longest waiting first, and publish it
from the list under the same rules as the meeting's page. Every step is in the history."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from tests.admin_forms import meeting_form_data
from tests.factories import make_meeting, make_participation, make_source

CHANGELIST = reverse("admin:meetings_meeting_changelist")
QUEUE = CHANGELIST + "?review=awaiting"


def _change(meeting):
    return reverse("admin:meetings_meeting_change", args=[meeting.pk])


def _waiting(title, days_ago, sourced=True, **fields):
    meeting = make_meeting(title=title, visibility="confidential", **fields)
    if sourced:
        meeting.sources.add(make_source())
    when = timezone.now() - datetime.timedelta(days=days_ago)
    Meeting.objects.filter(pk=meeting.pk).update(review_requested_at=when, review_note="Check")
    meeting.refresh_from_db()
    return meeting


def _reasons(meeting):
    return [h.history_change_reason for h in meeting.history.order_by("history_id")]


def _messages(response):
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


def test_editor_marks_a_meeting_ready_for_review_with_a_note(client, editor):
    meeting = make_meeting(title="Stockholm talks", visibility="confidential")
    client.force_login(editor)
    data = meeting_form_data(meeting, ready_for_review="on", review_note="Title to check.")
    assert client.post(_change(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.review_requested_at is not None
    assert (meeting.review_note, meeting.visibility) == ("Title to check.", "confidential")
    assert _reasons(meeting) == [None, "Marked ready for review"]
    latest = meeting.history.latest("history_id")
    assert (latest.history_user, latest.review_note) == (editor, "Title to check.")


def test_editor_withdraws_a_meeting_from_review(client, editor):
    meeting = _waiting("Stockholm talks", days_ago=1)
    client.force_login(editor)
    assert client.post(_change(meeting), meeting_form_data(meeting)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.review_requested_at is None
    assert _reasons(meeting)[-1] == "Withdrawn from review"


def test_queue_lists_meetings_awaiting_publication_oldest_first(client, publisher):
    newer = _waiting("Newer", days_ago=1)
    older = _waiting("Older", days_ago=5)
    make_meeting(title="Not marked", visibility="confidential")
    published = _waiting("Published meanwhile", days_ago=9)
    Meeting.objects.filter(pk=published.pk).update(visibility="public")
    client.force_login(publisher)
    response = client.get(QUEUE)
    assert [m.title for m in response.context["cl"].result_list] == ["Older", "Newer"]
    assert list(response.context["cl"].list_display[1:4]) == ["title", "waiting_since", "note"]
    assert newer.pk != older.pk


@pytest.mark.parametrize("rows", [1, 3])
def test_queue_queries_do_not_grow_with_rows(client, superuser, django_assert_num_queries, rows):
    for n in range(rows):
        meeting = _waiting(f"Meeting {n}", days_ago=n)
        make_participation(meeting)
    client.force_login(superuser)
    client.get(QUEUE)  # warm caches such as content types
    with django_assert_num_queries(9):
        response = client.get(QUEUE)
    assert response.context["cl"].result_count == rows


def _act(client, action, meetings):
    data = {"action": action, ACTION_CHECKBOX_NAME: [m.pk for m in meetings]}
    return client.post(QUEUE, data, follow=True)


def test_publisher_publishes_from_the_queue(client, publisher):
    meeting = _waiting("Stockholm talks", days_ago=2)
    client.force_login(publisher)
    response = _act(client, "publish_selected", [meeting])
    meeting.refresh_from_db()
    assert (meeting.visibility, meeting.review_requested_at) == ("public", None)
    assert meeting.published_at is not None
    assert _messages(response) == [("success", "Published “Stockholm talks”.")]
    assert _reasons(meeting)[-1] == "Published (public)"
    assert meeting.history.latest("history_id").history_user == publisher


def test_publisher_publishes_withholding_participants(client, publisher):
    meeting = _waiting("Stockholm talks", days_ago=2)
    client.force_login(publisher)
    _act(client, "publish_withholding_participants", [meeting])
    meeting.refresh_from_db()
    assert meeting.visibility == "participants_withheld"
    assert _reasons(meeting)[-1] == "Published (participants withheld)"


def test_publish_action_refuses_a_meeting_without_a_source(client, publisher):
    sourced = _waiting("Sourced", days_ago=2)
    unsourced = _waiting("Unsourced", days_ago=3, sourced=False)
    client.force_login(publisher)
    response = _act(client, "publish_selected", [sourced, unsourced])
    assert _messages(response) == [
        (
            "error",
            "Not published: “Unsourced”. A meeting leaves confidential only with at least "
            "one source: add the source that reports it (under Record), then publish.",
        ),
        ("success", "Published “Sourced”."),
    ]
    unsourced.refresh_from_db()
    assert (unsourced.visibility, unsourced.review_requested_at is not None) == (
        "confidential",
        True,
    )
    assert _reasons(unsourced) == [None]


def test_publish_action_applies_the_meetings_other_rules(client, publisher):
    bad = _waiting("Bad dates", days_ago=2, start_date=datetime.date(2019, 3, 15))
    Meeting.objects.filter(pk=bad.pk).update(date_precision="month")  # not the 1st: refused
    client.force_login(publisher)
    response = _act(client, "publish_selected", [bad])
    assert _messages(response) == [
        (
            "error",
            "Not published: “Bad dates”. With month precision, give the first day of the month.",
        )
    ]
    bad.refresh_from_db()
    assert bad.visibility == "confidential"


# The mark sorts this with the other database tests (the role fixture is looked up by
# name, so pytest-django cannot see that it needs the database).
@pytest.mark.django_db
@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_publishers_have_the_publish_actions(request, client, role):
    user = request.getfixturevalue(role)
    meeting = _waiting("Stockholm talks", days_ago=2)
    client.force_login(user)
    listing = client.get(QUEUE)
    assert b"publish_selected" not in listing.content
    response = _act(client, "publish_selected", [meeting])  # forged
    assert response.status_code in {200, 403}
    meeting.refresh_from_db()
    assert meeting.visibility == "confidential"
    assert _reasons(meeting) == [None]


def test_index_tells_publishers_what_awaits_them(client, publisher, editor):
    _waiting("One", days_ago=1)
    _waiting("Two", days_ago=2)
    client.force_login(publisher)
    page = client.get(reverse("admin:index"))
    assert page.context["awaiting_publication"] == 2
    assert '<a href="/admin/meetings/meeting/?review=awaiting">2 meetings marked ready' in (
        page.content.decode()
    )
    client.force_login(editor)
    assert "awaiting_publication" not in client.get(reverse("admin:index")).context


def test_the_review_part_of_the_form_is_for_confidential_meetings(client, editor):
    published = make_meeting(visibility="public")
    waiting = _waiting("Waiting", days_ago=1)
    client.force_login(editor)
    published_form = client.get(_change(published)).context["adminform"].form
    waiting_form = client.get(_change(waiting)).context["adminform"].form
    assert "ready_for_review" not in published_form.fields
    assert waiting_form["ready_for_review"].value() is True
