"""The foundation's one table: what the shared cache missed while it was away."""

from django.db import models


class MissedCacheBump(models.Model):
    """A change to the record that the shared cache (Redis) did not hear of: it was away.

    One row per change; backchannel/cache.py starts a fresh record version in Redis
    when it finds rows newer than the last one it caught up on, so entries cached
    before the change are never served once Redis is back. Transient: not in backups.
    """

    missed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Created by meetings' migration 0010, when the cache lived there; only its
        # owner in Django's state moved (backchannel 0001, meetings 0012).
        db_table = "meetings_missedcachebump"
        default_permissions = ()
        ordering = ["pk"]

    def __str__(self):
        return f"Cache bump missed at {self.missed_at:%Y-%m-%d %H:%M:%S}"
