"""Everything a manager's monthly dashboard shows for a unit (with the units below it), gathered
from the other analytics modules: no counting of its own."""

import math
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from analytics.arrivals import arrival_grid
from analytics.breakdowns import (
    figures_by_channel,
    figures_by_counter,
    month_cube,
)
from analytics.closures import Amendment, amendment, get_closure, published_trend
from analytics.comments import DEFAULT_MASKS, Masks, RecentComment, list_recent_comments
from analytics.evaluation import OfficerSheet, evaluate_officers
from analytics.figures import Figures
from analytics.flagged import FlaggedResponse, list_flagged_responses
from analytics.follow_ups import FollowUpCounts, count_follow_ups
from analytics.indices import ResponseFilter, min_sample
from analytics.themes import ThemeCount, count_period_themes
from survey_app.core.extensions import db
from survey_app.models import Channel, Counter, Instrument, Item, MonthClosure, Unit, utcnow
from survey_app.months import Month

TREND_MONTHS = 12
RECENT_COMMENTS = 10
FLAGGED_SHOWN = 5
HEAT_LEVELS = 5  # shades heat-1 … heat-5; heat-0 is "none"
# Seed 004: the monthly report goes up before the 6th of the next month.
REPORT_DUE_DAY = 5


@dataclass(frozen=True)
class Dashboard:
    unit: Unit
    month: Month
    minimum: int
    figures: Figures
    previous: Figures
    trend: list[tuple[Month, Figures]]
    sheet: OfficerSheet
    counters: list[tuple[Counter, Figures]]
    channels: list[tuple[Channel, Figures]]
    arrivals: list[list[int]]  # weekday (Monday first) × local hour
    comments: list[RecentComment]
    themes: list[ThemeCount]  # of the month's comments, most frequent first
    flagged: list[FlaggedResponse]  # the latest few
    closure: MonthClosure | None
    amendment: Amendment | None
    has_children: bool
    item_texts: dict[tuple[str, str], str]  # (instrument, code) → wording
    follow_ups: FollowUpCounts  # of the month's flagged responses, as of now

    @property
    def heat(self) -> list[list[int]]:
        return heat_levels(self.arrivals)


@dataclass(frozen=True)
class ClosingReminder:
    month: Month
    overdue: bool  # past the due day


def build_dashboard(
    unit: Unit, month: Month, *, masks: Masks = DEFAULT_MASKS, locale: str = "vi"
) -> Dashboard:
    response_filter = ResponseFilter.unit_subtree(unit.id)
    cube = month_cube(unit, month)
    sheet = evaluate_officers(unit, month, cube)
    trend = published_trend(unit, month, TREND_MONTHS, last=sheet.unit_figures)
    return Dashboard(
        unit=unit,
        month=month,
        minimum=min_sample(),
        figures=sheet.unit_figures,
        previous=trend[-2][1],
        trend=trend,
        sheet=sheet,
        counters=figures_by_counter(unit, month, cube),
        channels=figures_by_channel(unit, month, cube),
        arrivals=arrival_grid(unit, month),
        comments=list_recent_comments(response_filter, month, limit=RECENT_COMMENTS, masks=masks),
        themes=count_period_themes(response_filter, [month], masks),
        flagged=list_flagged_responses(unit, month, limit=FLAGGED_SHOWN, masks=masks),
        closure=get_closure(unit, month),
        amendment=amendment(unit, month, sheet.unit_figures),
        has_children=bool(unit.children),
        item_texts=item_texts(sheet.unit_figures, locale),
        follow_ups=count_follow_ups(unit, month, utcnow()),
    )


def closing_reminder(unit: Unit, today: date) -> ClosingReminder | None:
    """Last month's report while it is not closed: due until the 5th, overdue after."""
    last = Month(today.year, today.month).previous()
    if get_closure(unit, last) is not None:
        return None
    return ClosingReminder(last, overdue=today.day > REPORT_DUE_DAY)


def change(now: float | None, before: float | None) -> float | None:
    """This month's figure minus last month's, None when either has no data."""
    return None if now is None or before is None else now - before


def heat_levels(grid: list[list[int]]) -> list[list[int]]:
    """Each count as a shade from 0 (none) to 5 (the busiest hour of the month)."""
    busiest = max((count for row in grid for count in row), default=0)
    if not busiest:
        return [[0] * len(row) for row in grid]
    return [[math.ceil(HEAT_LEVELS * count / busiest) for count in row] for row in grid]


def item_texts(figures: Figures, locale: str) -> dict[tuple[str, str], str]:
    """The wording of each item of the figures, (instrument, code) → text, newest version."""
    instruments = {item.instrument for item in figures.items}
    rows = db.session.execute(
        sa.select(Instrument.code, Item.code, Item.text_vi, Item.text_en)
        .join(Item, Item.instrument_id == Instrument.id)
        .where(Instrument.code.in_(instruments))
        .order_by(Instrument.version)
    )
    return {
        (instrument, code): text_en if locale == "en" else text_vi
        for instrument, code, text_vi, text_en in rows
    }
