"""Spam among the responses: kept for the record, left out of every figure and export."""

from survey_app.core.extensions import db
from survey_app.models import SurveyResponse, User
from survey_app.models.staff import SPAM_ACTIONS
from survey_app.services.audit import record_change
from survey_app.services.tallies import untally_response


def mark_response_spam(response: SurveyResponse, *, spam: bool, by: User | None) -> bool:
    """Mark (or unmark) a response as spam, audited; False when it already was so."""
    if response.is_spam == spam:
        return False
    response.is_spam = spam
    # Flushed first: the row is then locked, so no tally run counts it while it changes.
    db.session.flush()
    # Counted until now if it becomes spam, unless it is held (never counted).
    untally_response(response, was_counted=spam and not response.held)
    action = SPAM_ACTIONS[0] if spam else SPAM_ACTIONS[1]
    event = record_change(action, response, {"unit": response.unit.code})
    event.actor = by
    db.session.commit()
    return True
