"""Closing a unit's month: its report's figures are frozen into a MonthClosure.

Responses that arrive later for that month (paper imports, a kiosk that was offline) still
count in the live figures, but never change the frozen ones: they show as an amendment
(analytics.closures.amendment).
"""

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from analytics.closures import Amendment, amendment, build_snapshot, get_closure
from analytics.report.contents import build_monthly_report
from survey_app.core.extensions import db
from survey_app.models import MonthClosure, Unit, User, utcnow
from survey_app.months import Month, current_month
from survey_app.services.audit import record_change
from survey_app.services.errors import DomainError
from survey_app.services.narratives import freeze_narrative


class MonthNotOver(DomainError):
    """Only a month that has ended can be closed."""


class MonthAlreadyClosed(DomainError):
    """A closed month stays closed: its report was published."""


def close_month(unit: Unit, month: Month, *, by: User | None) -> MonthClosure:
    """Freeze the month's figures of the unit (with the units below it); one commit, audited."""
    if month >= current_month():
        raise MonthNotOver(
            _(
                "%(month)s has not ended yet: a month can be closed from the 1st of the next.",
                month=month.slashed(),
            )
        )
    if get_closure(unit, month) is not None:
        raise _already_closed(unit, month)
    # Stamped before the figures are read: a response arriving meanwhile is counted as late
    # rather than missed by both the report and the amendment.
    closed_at = utcnow()
    snapshot = build_snapshot(unit, month)
    # The text is published with the figures: the manager's, or the draft of these figures.
    freeze_narrative(unit, str(month), build_monthly_report(unit, month).narrative)
    closure = MonthClosure(
        unit=unit,
        month=str(month),
        closed_at=closed_at,
        closed_by=by,
        response_count=snapshot["headline"]["responses"],
        figures=snapshot,
    )
    db.session.add(closure)
    record_change("month.close", unit, {"month": str(month), "responses": closure.response_count})
    try:
        db.session.commit()
    except IntegrityError as error:  # closed by someone else a moment ago
        db.session.rollback()
        raise _already_closed(unit, month) from error
    return closure


def _already_closed(unit: Unit, month: Month) -> MonthAlreadyClosed:
    return MonthAlreadyClosed(
        _("%(month)s is already closed for %(unit)s.", month=month.slashed(), unit=unit.name)
    )


# Reads about closures, importable from here too (they live with the other figures).
__all__ = [
    "Amendment",
    "MonthAlreadyClosed",
    "MonthNotOver",
    "amendment",
    "close_month",
    "get_closure",
]
