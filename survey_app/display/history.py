"""The audit log and a ticket's history in the reader's words.

Both are recorded as codes ("kiosk.create", "channel": "web", roles, UTC instants written as
ISO text) so that they stay comparable whatever the language; these functions turn them into
labels (survey_app.display.labels) and local times for the staff pages.
"""

import re
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey_app.display.labels import (
    AUDIT_ACTION_LABELS,
    AUDIT_DEVICE_ACTORS,
    AUDIT_TARGET_LABELS,
    COMMAND_LINE_LABEL,
    DETAIL_LABELS,
    DETAIL_VALUE_LABELS,
    ROLE_LABELS,
    TICKET_CHANNEL_LABELS,
)
from survey_app.models import AuditEvent, Role, TicketChannel, TicketEvent, TicketStatus

# The same form as the times on the pages around them.
TIME_FORMAT = "dd/MM/yyyy HH:mm"
INSTANT_KEYS = frozenset({"expires_at", "previous_due", "new_due"})
NOTHING = "—"
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def audit_action_label(action: str) -> str:
    return str(AUDIT_ACTION_LABELS.get(action, action))


def audit_target_label(target_type: str) -> str:
    return str(AUDIT_TARGET_LABELS.get(target_type, target_type))


CITIZEN_ACTOR_LABEL = _l("The citizen (tracking code)")


def audit_actor_label(event: AuditEvent) -> str:
    """The signed-in person; without one, the device that acted alone, else the command line."""
    if event.actor is not None:
        return f"{event.actor.full_name} ({event.actor.username})"
    if (event.details or {}).get("by") == "citizen":  # a right used from the tracking page
        return str(CITIZEN_ACTOR_LABEL)
    return str(AUDIT_DEVICE_ACTORS.get(event.action, COMMAND_LINE_LABEL))


def describe_details(details: dict, *, changes: bool = False) -> list[str]:
    """One line per recorded value, "name: value"; with `changes` (an update's record, whose
    values are [before, after]) "name: before → after"."""
    lines = []
    for key, value in details.items():
        if changes and isinstance(value, list) and len(value) == 2:
            shown = f"{_value(key, value[0])} → {_value(key, value[1])}"
        else:
            shown = _value(key, value)
        lines.append(f"{DETAIL_LABELS.get(key, key)}: {shown}")
    return lines


def describe_audit_event(event: AuditEvent) -> list[str]:
    return describe_details(event.details, changes=event.action.endswith(".update"))


def status_change(event: TicketEvent) -> TicketStatus | None:
    """The status a step moved the ticket to, when worth saying: not when the status stayed
    (an extension) nor when the step's own name already says it ("Received → Received")."""
    moved = event.to_status
    if moved is None or moved == event.from_status or moved.value == event.kind:
        return None
    return moved


TEMPLATE_FUNCTIONS = {
    "audit_action_label": audit_action_label,
    "audit_target_label": audit_target_label,
    "audit_actor_label": audit_actor_label,
    "describe_audit_event": describe_audit_event,
    "describe_details": describe_details,
    "status_change": status_change,
}


def _value(key: str, value) -> str:
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_value(key, part) for part in value) or NOTHING
    if key in INSTANT_KEYS:
        return _instant(value)
    if key == "month":
        return _month(value)
    return _word(key, value)


def _word(key: str, value) -> str:
    if key == "role" and value in set(Role):
        return str(ROLE_LABELS[Role(value)])
    if key == "channel" and value in set(TicketChannel):
        return str(TICKET_CHANNEL_LABELS[TicketChannel(value)])
    return str(DETAIL_VALUE_LABELS.get(key, {}).get(value, value))


def _month(value) -> str:
    """A month recorded as 2026-03, written as on Vietnamese forms: 03/2026."""
    found = _MONTH.fullmatch(str(value))
    return f"{found[2]}/{found[1]}" if found else str(value)


def _instant(value) -> str:
    """A UTC instant recorded as ISO text, in the reader's time zone."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return format_datetime(moment, TIME_FORMAT)
