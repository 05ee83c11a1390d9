"""Create or update the staff groups Editors, Publishers and Viewers."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

APPS = ("people", "meetings")
EDITOR_DELETES = {
    ("meetings", "participation"),
    ("meetings", "meetingorganizer"),
    ("people", "affiliation"),
    ("meetings", "quote"),
}
# Publishers also merge people (a merge deletes one of the two records).
PUBLISHER_EXTRAS = {
    ("meetings", "publish_meeting"),
    ("meetings", "delete_meeting"),
    ("people", "delete_person"),
}


def _models():
    """The apps' own models that staff see; their history tables are only ever viewed.

    Models with no permissions (``default_permissions = ()``, data the database
    derives) are left out.
    """
    for app_label in APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.default_permissions:
                yield model, model.__name__.startswith("Historical")


def _codenames():
    view, edit = set(), set()
    for model, historical in _models():
        label, name = model._meta.app_label, model._meta.model_name
        view.add((label, f"view_{name}"))
        if not historical:
            edit |= {(label, f"add_{name}"), (label, f"change_{name}")}
    deletes = {(label, f"delete_{name}") for label, name in EDITOR_DELETES}
    return view, view | edit | deletes


def role_permissions():
    """Each group's permissions as (app_label, codename) pairs."""
    viewers, editors = _codenames()
    return {"Viewers": viewers, "Editors": editors, "Publishers": editors | PUBLISHER_EXTRAS}


def _permissions(pairs):
    found = Permission.objects.filter(content_type__app_label__in=APPS).select_related(
        "content_type"
    )
    by_pair = {(p.content_type.app_label, p.codename): p for p in found}
    missing = sorted(pair for pair in pairs if pair not in by_pair)
    if missing:
        raise CommandError(f"Missing permissions (run migrate first): {missing}")
    return [by_pair[pair] for pair in pairs]


class Command(BaseCommand):
    help = "Create the staff groups Editors, Publishers and Viewers. Safe to run again."

    def handle(self, *args, **options):
        for name, pairs in role_permissions().items():
            group, created = Group.objects.get_or_create(name=name)
            wanted = set(_permissions(pairs))
            current = set(group.permissions.all())
            if wanted != current:
                group.permissions.remove(*(current - wanted))
                group.permissions.add(*(wanted - current))
            state = "created" if created else ("updated" if wanted != current else "unchanged")
            self.stdout.write(f"{name}: {state} ({len(wanted)} permissions)")
