"""Reading the audit trail: each event's action and field changes in words."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .models import ActionStatus, AuditEvent, ConveningStatus, InvitationStatus, TeamRole
from .timezones import format_local

FIELD_LABELS = {
    "title": "Title",
    "codename": "Codename",
    "summary": "Summary",
    "host_organisation": "Host organisation",
    "venue_name": "Venue",
    "venue_address": "Venue address",
    "venue_room": "Room",
    "remote_url": "Remote link",
    "timezone": "Time zone",
    "starts_at": "Starts",
    "ends_at": "Ends",
    "rsvp_deadline": "RSVP deadline",
    "sensitivity": "Sensitivity",
    "series": "Series",
    "status": "Status",
    "member": "Member",
    "role": "Role",
    "cloned_from": "Copied from",
    "team": "Team",
    "name": "Name",
    "description": "Description",
    "email": "Email",
    "is_admin": "Administrator",
    "active": "Active",
    "seat_quota": "Seats",
    "focal_point": "Focal point",
    "checked_in_at": "Arrived",
    "on_behalf": "On the organisation's behalf",
    "by": "By",
    # An invitation's round, as recorded when it is withdrawn and invited again.
    "sent_at": "Sent",
    "responded_at": "Answered",
    "last_reminded_at": "Last reminder",
    "reminders_sent": "Reminders sent",
    "answered_on_behalf": "Answered on the organisation's behalf",
    "extra_seats_requested": "More seats asked for",
    "extra_seats_status": "Request for more seats",
    "extra_seats_reason": "Reason for more seats",
    "cancelled_delegates": "Delegates cancelled",
    # Action items.
    "agenda_item": "Agenda item",
    "decision": "Decision",
    "owner_organisation": "Owner organisation",
    "owner_person": "Owner person",
    "due_on": "Due",
    "priority": "Priority",
    "note": "Note",
    "carried_to": "Carried over to",
    "carried_from": "Carried over from",
    # Briefing documents.
    "embargo_until": "Embargoed until",
    "version_number": "Version",
    "filename": "File",
    "media_type": "Type",
    "size_bytes": "Size in bytes",
    "sha256": "SHA-256",
    "deleted": "Deleted",
}

ACTION_LABELS = {
    "invitation.answered_from_calendar": "Answered from their calendar",
    "convening.created": "Created the convening",
    "convening.updated": "Edited the convening",
    "convening.status_changed": "Changed the status",
    "convening.cloned": "Created this convening as a copy",
    "convening.team_member_added": "Added a team member",
    "convening.team_role_changed": "Changed a team member's role",
    "convening.team_member_removed": "Removed a team member",
    "series.created": "Started a series",
    "invitation.created": "Invited an organisation",
    "invitation.reopened": "Invited a withdrawn organisation again",
    "invitation.updated": "Edited an invitation",
    "invitation.sent": "Sent an invitation",
    "invitation.reminded": "Sent a reminder",
    "invitation.resent": "Sent an invitation again",
    "invitation.link_revoked": "Revoked an invitation link",
    "invitation.link_reissued": "Sent a new invitation link",
    "invitation.withdrawn": "Withdrew an invitation",
    "invitations.change_notified": "Told everyone invited of a change",
    "delegate.arrived": "Marked a delegate as arrived",
    "delegate.arrival_undone": "Undid a delegate's arrival",
    "invitation.answered": "Answered the invitation",
    "invitation.seats_requested": "Asked for more seats",
    "invitation.seats_approved": "Approved more seats",
    "invitation.seats_refused": "Refused more seats",
    "delegate.added": "Named a delegate",
    "delegate.updated": "Changed a delegate",
    "delegate.removed": "Removed a delegate",
    "delegate.cancelled": "Cancelled a delegate",
    "agenda_item.created": "Added an agenda item",
    "agenda_item.updated": "Edited an agenda item",
    "agenda_item.duplicated": "Duplicated an agenda item",
    "agenda_item.moved": "Moved an agenda item",
    "agenda_item.deleted": "Deleted an agenda item",
    "agenda.reordered": "Reordered the agenda",
    "agenda.published": "Published the agenda",
    "minute.created": "Wrote in the minutes",
    "minute.updated": "Edited the minutes",
    "minute.deleted": "Deleted from the minutes",
    "minutes.published": "Shared the minutes with participants",
    "minutes.unpublished": "Stopped sharing the minutes",
    "user.calendar_feed_created": "Made a calendar feed address",
    "user.calendar_feed_reset": "Made a new calendar feed address",
    "user.calendar_feed_removed": "Turned off the calendar feed",
    "action.created": "Recorded an action",
    "action.updated": "Edited an action",
    "action.status_changed": "Changed an action's status",
    "action.note_added": "Added a progress note to an action",
    "action.carried_over": "Carried an action over to the next convening",
    "action.carried_in": "Received an action carried over",
    "document.created": "Uploaded a briefing document",
    "document.updated": "Edited a briefing document",
    "document.version_added": "Uploaded a new version of a briefing document",
    "document.deleted": "Deleted a briefing document",
    "document.restored": "Restored a briefing document",
    "webhook.subscribed": "Subscribed an address to webhook events",
    "webhook.paused": "Paused a webhook subscription",
    "webhook.resumed": "Resumed a webhook subscription",
    "webhook.deleted": "Deleted a webhook subscription",
    "webhook.resent": "Sent a webhook delivery again",
    "api_token.created": "Made an API token",
    "api_token.revoked": "Revoked an API token",
}

# Actions whose changes are the new object's values rather than [before, after] pairs.
CREATION_SUFFIXES = (".created", ".imported", ".cloned", ".seeded")
TIME_FIELDS = {
    "starts_at",
    "ends_at",
    "rsvp_deadline",
    "checked_in_at",
    "sent_at",
    "responded_at",
    "last_reminded_at",
    "fixed_start",
}
STATUS_ENUMS = (ConveningStatus, InvitationStatus, TeamRole, ActionStatus)


@dataclass
class ChangeLine:
    label: str
    after: str
    before: str | None = None

    @property
    def is_update(self) -> bool:
        return self.before is not None


@dataclass
class AuditRow:
    event: AuditEvent
    action: str
    changes: list[ChangeLine]


def readable(name: str, value: Any, zone_name: str = "UTC") -> str:
    """A stored value as a person reads it: times in the zone, labels for statuses."""
    if value is None or value == "" or value == []:
        return "(none)"
    if value is True or value is False:
        return "yes" if value else "no"
    if name in TIME_FIELDS and isinstance(value, str):
        try:
            return format_local(datetime.fromisoformat(value), zone_name)
        except ValueError:
            return value
    if name in ("status", "role") and isinstance(value, str):
        for enum_class in STATUS_ENUMS:
            try:
                return enum_class(value).label
            except ValueError:
                continue
    if isinstance(value, enum.Enum):
        return str(getattr(value, "label", value.value))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def describe(event: AuditEvent, zone_name: str = "UTC") -> AuditRow:
    """The event with its action in words and each field as before → after (or its value)."""
    creation = event.action.endswith(CREATION_SUFFIXES)
    lines = []
    for name, value in (event.changes or {}).items():
        label = FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
        if not creation and isinstance(value, list) and len(value) == 2:
            before, after = value
            lines.append(
                ChangeLine(
                    label, readable(name, after, zone_name), readable(name, before, zone_name)
                )
            )
        else:
            lines.append(ChangeLine(label, readable(name, value, zone_name)))
    return AuditRow(
        event=event, action=ACTION_LABELS.get(event.action, event.action), changes=lines
    )
