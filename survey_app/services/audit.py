"""The audit trail: every administrative change is staged with the change itself, so the
caller's single commit writes both or neither."""

from flask import has_request_context
from flask_login import current_user

from survey_app.extensions import db
from survey_app.models import (
    ApiKey,
    AuditEvent,
    CalendarOverride,
    CalendarYear,
    Counter,
    Kiosk,
    Officer,
    Procedure,
    SurveyCode,
    SurveyResponse,
    Ticket,
    Unit,
    User,
)

# Model → (target type, attribute naming it for a human).
TARGETS = {
    Unit: ("unit", "code"),
    Counter: ("counter", "code"),
    Officer: ("officer", "code"),
    Procedure: ("procedure", "code"),
    SurveyCode: ("survey_code", "code"),
    User: ("user", "username"),
    ApiKey: ("api_key", "prefix"),
    CalendarOverride: ("calendar_override", "day"),
    CalendarYear: ("calendar_year", "year"),
    Kiosk: ("kiosk", "token_prefix"),
    SurveyResponse: ("survey_response", "client_ref"),
    Ticket: ("ticket", "code"),
}


def record_change(action: str, target, details: dict | None = None) -> AuditEvent:
    """Stage an event such as record_change("counter.create", counter, {"name": ...})."""
    target_type, key_attribute = TARGETS[type(target)]
    db.session.flush()  # a new target gets its id and unit before it is named
    event = AuditEvent(
        actor=acting_user(),
        action=action,
        target_type=target_type,
        target_key=str(getattr(target, key_attribute)),
        unit_id=target.id if isinstance(target, Unit) else getattr(target, "unit_id", None),
        details=details or {},
    )
    db.session.add(event)
    return event


def acting_user() -> User | None:
    """The signed-in user; None for the command line (the event then says so)."""
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return None
