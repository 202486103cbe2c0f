"""The text of a report: the manager's stored text for the period, else the draft written from
the report's figures (analytics.report.narrative)."""

import sqlalchemy as sa

from analytics.figures import Figures
from analytics.indices import ResponseFilter, figures_by_month
from analytics.report.narrative import Comparison, Narrative, NarrativeFacts, draft_narrative
from survey_app.core.extensions import db
from survey_app.models import ReportNarrative, Unit, UnitDocument
from survey_app.months import Month


def stored_narrative(unit: Unit, period: str) -> Narrative | None:
    stored = db.session.scalar(
        sa.select(ReportNarrative).where(
            ReportNarrative.unit_id == unit.id, ReportNarrative.period == period
        )
    )
    if stored is None:
        return None
    return Narrative(stored.assessment, stored.shortcomings, stored.proposals, edited=True)


def narrative_in_force(unit: Unit, period: str, facts: NarrativeFacts) -> Narrative:
    return stored_narrative(unit, period) or draft_narrative(facts)


def month_label(month: Month) -> str:
    return f"tháng {month.month}/{month.year}"


def month_comparisons(
    unit_ids: list[int], month: Month, trend: list[tuple[Month, Figures]]
) -> tuple[Comparison, Comparison]:
    """The previous month (from the trend already counted) and the same month a year before."""
    earlier = dict(trend)
    previous = month.previous()
    if previous not in earlier:
        earlier |= figures_by_month(ResponseFilter(unit_ids=frozenset(unit_ids)), [previous])
    year_before = month.shifted(-12)
    found = figures_by_month(ResponseFilter(unit_ids=frozenset(unit_ids)), [year_before])
    return (
        Comparison(month_label(previous), earlier.get(previous)),
        Comparison(f"cùng kỳ năm {year_before.year}", found.get(year_before)),
    )


def text_state(unit: Unit, month: Month) -> tuple:
    """What of the report's words people edit: its stored text and the unit's settings."""
    edited = db.session.scalar(
        sa.select(ReportNarrative.updated_at).where(
            ReportNarrative.unit_id == unit.id, ReportNarrative.period == str(month)
        )
    )
    settings = db.session.get(UnitDocument, unit.id)
    columns = sorted(column.key for column in UnitDocument.__table__.columns)
    written = () if settings is None else tuple(getattr(settings, key) for key in columns)
    return edited, written
