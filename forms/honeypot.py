"""A field people never see and bots fill in: such a submission is dropped without a word.

The citizen forms carry an input named like something worth filling ("website"), hidden with
CSS, from screen readers (aria-hidden) and from the keyboard (tabindex=-1), with autofill off.
A filled one gets the usual success page, so the bot learns nothing; nothing is stored and one
log line (which form of which unit, nothing about the sender) records it.
"""

import secrets
from datetime import UTC, datetime
from types import SimpleNamespace

from flask import current_app, request

from survey_app.services.org.members import CODE_ALPHABET
from survey_app.services.tickets.opening import TRACKING_CODE_LENGTH
from survey_app.workdays import answer_due

FIELD = "website"


def caught() -> bool:
    return bool(request.form.get(FIELD, "").strip())


def log_dropped(form: str, unit_code: str) -> None:
    current_app.logger.warning("honeypot: dropped a bot's %s for %s", form, unit_code)


def decoy_response() -> SimpleNamespace:
    """What the survey's thank-you page reads from a stored response."""
    return SimpleNamespace(submitted_at=datetime.now(UTC), flagged=False, client_ref="")


def decoy_ticket(unit) -> SimpleNamespace:
    """What the complaint's "received" page reads from a ticket; the code leads nowhere."""
    now = datetime.now(UTC)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))
    due = answer_due(now, unit.answer_days)
    return SimpleNamespace(unit=unit, code=code, received_at=now, effective_due_at=due)
