"""Storing the text of a report that a manager edited, and freezing it with a closed month."""

import sqlalchemy as sa
from flask_babel import gettext as _

from analytics.report.narrative import Narrative
from survey_app.core.extensions import db
from survey_app.models import ReportNarrative, Unit, User, utcnow
from survey_app.services.audit import record_change
from survey_app.services.errors import DomainError

PART_MAX_LENGTH = 20_000


class NarrativeFrozen(DomainError):
    """A closed period's text was published with its figures: it is not edited any more."""


class NarrativeTooLong(DomainError):
    """A part of the text is longer than any report needs."""


def get_stored_narrative(unit: Unit, period: str) -> ReportNarrative | None:
    return db.session.scalar(
        sa.select(ReportNarrative).where(
            ReportNarrative.unit_id == unit.id, ReportNarrative.period == period
        )
    )


def save_narrative(unit: Unit, period: str, text: Narrative, *, by: User) -> ReportNarrative:
    """The manager's text for the unit's period, kept for every format; one commit, audited."""
    stored = get_stored_narrative(unit, period)
    if stored is not None and stored.frozen:
        raise NarrativeFrozen(
            _("The period is closed: its report's text was published and cannot be changed.")
        )
    for part in Narrative.PARTS:
        if len(getattr(text, part)) > PART_MAX_LENGTH:
            raise NarrativeTooLong(
                _("Use at most %(count)d characters in each part.", count=PART_MAX_LENGTH)
            )
    stored = stored or ReportNarrative(unit=unit, period=period)
    _fill(stored, text, by)
    db.session.add(stored)
    record_change("report.narrative", unit, {"period": period})
    db.session.commit()
    return stored


def freeze_narrative(unit: Unit, period: str, text: Narrative) -> None:
    """Part of closing a period (the caller commits): the text in force is kept as published;
    `text` is stored when nobody edited the draft."""
    stored = get_stored_narrative(unit, period)
    if stored is None:
        stored = ReportNarrative(unit=unit, period=period)
        _fill(stored, text, None)
        db.session.add(stored)
    stored.frozen = True


def _fill(stored: ReportNarrative, text: Narrative, by: User | None) -> None:
    stored.assessment = _tidy(text.assessment)
    stored.shortcomings = _tidy(text.shortcomings)
    stored.proposals = _tidy(text.proposals)
    stored.updated_at = utcnow()
    stored.updated_by = by


def _tidy(text: str) -> str:
    """Windows line ends from a browser's text area, trailing spaces and blank runs removed."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(line for line in lines if line).strip()
