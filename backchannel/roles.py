"""Permissions the staff roles turn on that code in more than one app checks.

``setup_roles`` (backchannel/management/commands) gives them to the groups; the
meetings and people admins and the merge of two people check them.
"""

# Publishers hold it: changing a meeting's visibility, naming a participant of a
# published meeting, and a merge that publishes what no public page shows yet.
PUBLISH_PERMISSION = "meetings.publish_meeting"
