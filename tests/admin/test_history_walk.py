"""Every admin with history pages, for every role: a forged revert, posted the way a
browser would (logged in through the login page, with a valid CSRF token), writes
nothing unless the role may change that model."""

import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from backchannel.admin_tools import GuardedHistoryAdmin
from tests.admin.helpers import database_state

ROLES = ["Editors", "Publishers", "Viewers", None]  # None: staff in no group


def _history_admins():
    """The registered admins whose model keeps history, found, not listed."""
    return sorted(
        (
            model_admin
            for model, model_admin in admin.site._registry.items()
            if hasattr(model._meta, "simple_history_manager_attribute")
        ),
        key=lambda model_admin: model_admin.opts.label,
    )


HISTORY_ADMINS = _history_admins()


def test_the_walk_finds_the_admins_with_history():
    assert len(HISTORY_ADMINS) >= 3  # people, meetings and participations at least


@pytest.mark.parametrize("model_admin", HISTORY_ADMINS, ids=lambda a: a.opts.label)
def test_every_admin_with_history_uses_the_guarded_history_pages(model_admin):
    assert isinstance(model_admin, GuardedHistoryAdmin)


@pytest.fixture
def record_set(db):
    call_command("setup_roles", stdout=io.StringIO())
    call_command("loaddemo", stdout=io.StringIO())


def _staff(django_user_model, role):
    user = django_user_model.objects.create_user(
        f"staff-{role or 'nogroup'}", password="pw", is_staff=True
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def _a_version(model_admin):
    """The oldest version of the first record of this admin's model that has one."""
    model = model_admin.model
    history = getattr(model, model._meta.simple_history_manager_attribute)
    version = history.order_by(model._meta.pk.attname, "history_id").first()
    assert version is not None, f"the demo has no {model._meta.verbose_name} with history"
    return model._default_manager.get(pk=version.instance.pk), version


def _form_url(record, version):
    opts = record._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[record.pk, version.history_id],
    )


def _posted_form(client, url):
    """What the revert form at ``url`` would post, as a superuser's browser sees it."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif value is not None:
            data[name] = str(value)
    return data


def _free_text_field(model, data):
    """A plain text field of the form, not unique and without choices, to forge."""
    for field in model._meta.concrete_fields:
        plain = isinstance(field, models.CharField | models.TextField)
        if plain and field.name in data and not field.choices and not field.unique:
            return field.name
    raise AssertionError(f"{model._meta.label} has no free text field on its form")


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "no-group")
@pytest.mark.parametrize("model_admin", HISTORY_ADMINS, ids=lambda a: a.opts.label)
def test_a_forged_revert_writes_only_with_the_change_permission(
    model_admin, role, record_set, client, csrf_session, django_user_model
):
    record, version = _a_version(model_admin)
    url = _form_url(record, version)
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "pw"))
    data = _posted_form(client, url)
    field = _free_text_field(model_admin.model, data)
    data[field] = f"Forged by {role}"
    user = _staff(django_user_model, role)
    opts = model_admin.opts
    may_write = getattr(model_admin, "history_revert", True) and user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )
    before = database_state()

    response = csrf_session(user).post(url, data)

    record.refresh_from_db()
    if may_write:
        assert (response.status_code, getattr(record, field)) == (302, f"Forged by {role}")
        latest = version.instance.history.first()
        assert (latest.history_user, latest.history_change_reason) == (
            user,
            f"Restored the version of {version.history_date:%Y-%m-%d %H:%M} "
            f"(#{version.history_id})",
        )
    else:
        assert response.status_code == 403
        assert database_state() == before


@pytest.mark.parametrize("model_admin", HISTORY_ADMINS, ids=lambda a: a.opts.label)
def test_history_pages_answer_404_to_ids_that_are_not_ids(model_admin, admin_client):
    opts = model_admin.opts
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    urls = [
        reverse(f"{prefix}_history", args=["abc"]),
        reverse(f"{prefix}_simple_history", args=["abc", "1"]),
        reverse(f"{prefix}_simple_history", args=["1", "abc"]),
        reverse(f"{prefix}_simple_history", args=["1", "99999999999999999999999"]),
        reverse(f"{prefix}_simple_history", args=["99999999999999999999999", "1"]),
    ]
    statuses = [admin_client.get(url).status_code for url in urls]
    statuses += [admin_client.post(url, {}).status_code for url in urls]
    assert statuses == [404] * 10
