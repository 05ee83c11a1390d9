"""What a backup holds: every model of every installed app, except derived or transient data."""

from django.apps import apps

# Rebuilt by `migrate` (content types, permissions), worthless after a restore
# (sessions, login-failure counters) or rebuilt as the meetings are restored (the
# public counts, by their triggers: restoring them as well would count twice; the
# public facts and their totals, by the recount the restore ends with; the cache
# bumps Redis missed, which concern the cache of the record backed up).
# Rows that point at content types or permissions are dumped with natural keys,
# so they survive new ids.
DERIVED = [
    "meetings.publicmeetingcount",
    "meetings.publicfact",
    "meetings.publicfacttotal",
    "backchannel.missedcachebump",
]
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes", *DERIVED]


def is_backed_up(model):
    meta = model._meta
    return meta.app_label not in EXCLUDED and meta.label_lower not in EXCLUDED


def backed_up_models():
    """Concrete models whose rows a backup holds, many-to-many tables included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if is_backed_up(model) and not model._meta.proxy and model._meta.managed
    ]


# XML, because dumpdata's JSON keeps only the milliseconds of a timestamp.
SUFFIXES = (".xml", ".xml.gz", ".xml.bz2", ".xml.xz")
