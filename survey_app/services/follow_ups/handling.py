"""Following up flagged responses: one action of the office — on one response or on many of one
cause at once — sets the state, the handler, what was done and a note; one commit, audited."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from survey_app.auth.permissions import Permission, can
from survey_app.core.extensions import db
from survey_app.models import (
    FINISHED_STATES,
    FollowUp,
    FollowUpState,
    SurveyResponse,
    User,
    utcnow,
)
from survey_app.models.follow_ups import ACTION_MAX_LENGTH, NOTE_MAX_LENGTH
from survey_app.queries.units import list_unit_subtree_ids
from survey_app.services.audit import record_change
from survey_app.services.errors import InvalidSubmission


@dataclass(frozen=True)
class FollowUpChange:
    state: FollowUpState
    handler: User | None
    action: str
    note: str


def update_follow_ups(
    responses: list[SurveyResponse], change: FollowUpChange, *, actor: User,
    now: datetime | None = None,
) -> int:  # fmt: skip
    """Apply `change` to the follow-up of each response (made on first use); returns how many.
    Every response must be flagged and in the actor's units, or nothing is changed."""
    if errors := _errors(responses, change, actor):
        raise InvalidSubmission(errors)
    now = now or utcnow()
    for response in responses:
        _apply(_follow_up_of(response), change, actor, now)
        record_change("follow_up.update", response, _audit_details(change))
    db.session.commit()
    return len(responses)


def follow_up_of(response: SurveyResponse) -> FollowUp | None:
    return db.session.scalar(sa.select(FollowUp).where(FollowUp.response_id == response.id))


def _follow_up_of(response: SurveyResponse) -> FollowUp:
    found = follow_up_of(response)
    if found is None:
        found = FollowUp(response=response, unit_id=response.unit_id, state=FollowUpState.NEW)
        db.session.add(found)
    return found


def _apply(follow_up: FollowUp, change: FollowUpChange, actor: User, now: datetime) -> None:
    finishing = change.state in FINISHED_STATES
    if finishing and follow_up.finished_at is None:
        follow_up.finished_at = now
    elif not finishing:
        follow_up.finished_at = None  # taken up again: on time or late is decided later
    follow_up.state = change.state
    follow_up.handler = change.handler or follow_up.handler or actor
    if change.action:
        follow_up.action = change.action
    if change.note:
        follow_up.note = change.note
    follow_up.updated_at, follow_up.updated_by = now, actor


def _errors(responses: list[SurveyResponse], change: FollowUpChange, actor: User) -> dict:
    errors = {}
    scope = set(list_unit_subtree_ids(actor.unit_id))
    if not responses:
        errors["responses"] = str(_l("Tick at least one response."))
    elif any(not r.flagged or r.unit_id not in scope for r in responses):
        errors["responses"] = str(_l("Only flagged responses of your units can be followed up."))
    if change.state is FollowUpState.DONE and not change.action.strip():
        errors["action"] = str(_l("Say what was done before marking it handled."))
    if len(change.action) > ACTION_MAX_LENGTH:
        errors["action"] = str(_l("Use at most %(max)d characters.", max=ACTION_MAX_LENGTH))
    if len(change.note) > NOTE_MAX_LENGTH:
        errors["note"] = str(_l("Use at most %(max)d characters.", max=NOTE_MAX_LENGTH))
    if change.handler is not None and not _can_handle(change.handler, responses):
        errors["handler"] = str(_l("This person cannot handle follow-ups of these units."))
    return errors


def _can_handle(person: User, responses: list[SurveyResponse]) -> bool:
    """Active, allowed to handle feedback, and working for each response's unit (or above)."""
    if not (person.active and can(person.role, Permission.HANDLE_COMPLAINTS)):
        return False
    covered = set(list_unit_subtree_ids(person.unit_id))
    return all(response.unit_id in covered for response in responses)


def _audit_details(change: FollowUpChange) -> dict:
    # The action and the note may quote the citizen: the audit log keeps only that they changed.
    return {
        "state": change.state.value,
        "handler": change.handler.username if change.handler else None,
        "action_given": bool(change.action),
        "note_given": bool(change.note),
    }
