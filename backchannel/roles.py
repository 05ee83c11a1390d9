"""Permissions the staff roles turn on that code in more than one app checks.

``setup_roles`` (meetings) gives them to the groups; ``people`` checks them too
and never imports ``meetings``, so the names live here.
"""

# Publishers hold it: changing a meeting's visibility, naming a participant of a
# published meeting, and a merge that publishes what no public page shows yet.
PUBLISH_PERMISSION = "meetings.publish_meeting"
