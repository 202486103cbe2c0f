"""The audit trail: every administrative change is staged with the change itself, so the
caller's single commit writes both or neither."""

from flask import has_request_context
from flask_login import current_user

from survey_app.core.extensions import db
from survey_app.display.labels import AUDIT_ACTION_LABELS
from survey_app.models import (
    ApiKey,
    AuditEvent,
    CalendarOverride,
    CalendarYear,
    Counter,
    Kiosk,
    Officer,
    Procedure,
    RatingDecision,
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
    RatingDecision: ("rating_decision", "id"),
    Ticket: ("ticket", "code"),
}


def record_change(action: str, target, details: dict | None = None) -> AuditEvent:
    """Stage an event such as record_change("counter.create", counter, {"name": ...})."""
    if action not in AUDIT_ACTION_LABELS:
        # The log shows every action in words: a new one needs its label first.
        raise ValueError(f"audit action without a label in survey_app.display.labels: {action}")
    target_type, key_attribute = TARGETS[type(target)]
    if getattr(target, key_attribute) is None or _unit_id(target) is None:
        # A new target gets its id and unit before it is named. (A bulk import names both
        # beforehand and saves one flush per row.)
        db.session.flush()
    event = AuditEvent(
        actor=acting_user(),
        action=action,
        target_type=target_type,
        target_key=str(getattr(target, key_attribute)),
        unit_id=_unit_id(target),
        details=details or {},
    )
    db.session.add(event)
    return event


def _unit_id(target) -> int | None:
    return target.id if isinstance(target, Unit) else getattr(target, "unit_id", None)


def acting_user() -> User | None:
    """The signed-in user; None for the command line (the event then says so)."""
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return None
