"""When a meeting may be shown publicly: a source at least (the publication rule)."""

from django.db import models

from .choices import Visibility

NO_SOURCE_TO_PUBLISH = (
    "A meeting leaves confidential only with at least one source: add the source that "
    "reports it (under Record), then publish."
)
LAST_SOURCE_OF_PUBLISHED = (
    "This meeting is published: it keeps at least one source. Add another before removing "
    "this one, or ask a publisher to make the meeting confidential."
)


def _has_any(sources):
    return sources.exists() if isinstance(sources, models.QuerySet) else bool(sources)


class PublicationRule:
    """A meeting leaves confidential only with at least one source, and a published one
    keeps its last (``Meeting.clean`` reports ``publication_error`` next to the field)."""

    # The sources a form or an import is about to save with this meeting, for clean() to
    # check the publication rule against; None means the stored ones.
    pending_sources = None

    def publication_error(self):
        """Why this meeting may not be shown publicly as it is about to be saved, or None.

        A meeting leaves confidential only with at least one source, and a published one
        keeps its last source (one published before this rule, with none, may still be
        edited). The sources checked are ``pending_sources`` when a form is about to save
        them, else the stored ones.
        """
        if self.visibility == Visibility.CONFIDENTIAL:
            return None
        stored = self.sources.all() if self.pk else []  # unsaved: no source stored yet
        pending = stored if self.pending_sources is None else self.pending_sources
        if _has_any(pending):
            return None
        if self._stored_visibility() in {None, Visibility.CONFIDENTIAL}:
            return NO_SOURCE_TO_PUBLISH
        return LAST_SOURCE_OF_PUBLISHED if _has_any(stored) else None

    def _stored_visibility(self):
        if self.pk is None:
            return None
        stored = type(self)._default_manager.filter(pk=self.pk).values_list("visibility", flat=True)
        return stored.first()
