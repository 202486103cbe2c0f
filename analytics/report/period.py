"""The report of a period longer than a month (a quarter, a half-year, nine months, a year):
the same contents as the month's, counted over the period's months, with the trend by month.

Figures are counted live over the period (a closed month's later responses are in them); a
month's report stays the one that freezes figures. The counts are the month's, added: figures
are built from additive counts (analytics.figures.sum_figures), so the period's figures are
exact, and the officers are compared with their unit over the whole period.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable
from datetime import date
from functools import cached_property

from flask_babel import force_locale

from analytics.breakdowns import BY_PERSON, MonthCube, subtree_filter
from analytics.evaluation import evaluate_officers
from analytics.figures import EMPTY_FIGURES, Counts, Figures, sum_figures
from analytics.indices import (
    Grouping,
    ItemLevels,
    ResponseFilter,
    figures_by_month,
    grouped_counts,
)
from analytics.periods import Period
from analytics.report.contents import (
    MonthlyReport,
    Participation,
    _instrument_names,
    _item_rows,
    _local_day,
    _title_block,
)
from analytics.report.counts import count_dossier_links, levels_counted_with_figures
from analytics.report.narrative import Comparison, NarrativeFacts
from analytics.report.narrative_sections import narrative_in_force
from analytics.report.rollup import build_rollup
from analytics.selection import Selection, position_in
from analytics.themes import count_period_themes, narrative_themes
from analytics.tickets import TicketFigures, ticket_figures
from survey_app.core.extensions import db, prepare_bulk_counting
from survey_app.display.numbers import rounded_float
from survey_app.models import Ticket, Unit, utcnow
from survey_app.months import Month, survey_zone
from survey_app.queries.units import list_unit_subtree_ids


class PeriodCube(MonthCube):
    """A unit's period counted by (unit, officer, month) in one query set over all its months:
    the period's breakdowns by person and its trend by month are sums of those cells (figures
    are built from additive counts), so the year's answers are read once for both; by (unit,
    counter, channel) on first use."""

    def __init__(self, unit: Unit, period: Period) -> None:
        response_filter = subtree_filter(unit)
        super().__init__(response_filter, period.last)
        self.selection = Selection(response_filter, period.months, survey_zone())

    @cached_property
    def counted(self) -> tuple[dict[tuple, Counts], ItemLevels]:
        """(unit, officer, position of the month in the period) → counts; and the answers at
        each level of each item, from the same pass over the answers."""
        ticket_month = position_in(Ticket.rated_at, self.selection.bounds)
        grouping = Grouping(
            (*BY_PERSON.dimensions, self.selection.month_dimension()),
            (*BY_PERSON.ticket_key, ticket_month),
        )
        levels: ItemLevels = defaultdict(lambda: defaultdict(int))
        return grouped_counts(self.selection, grouping, levels), levels

    @cached_property
    def people_counts(self) -> dict[tuple, Counts]:
        return _sums(self.counted[0], lambda key: key[:2])

    def trend(self) -> list[tuple[Month, Figures]]:
        """Each month of the period with its figures, empty where nothing came."""
        found = _sums(self.counted[0], lambda key: key[2])
        months = self.selection.months
        return [
            (month, found[n].figures() if n in found else EMPTY_FIGURES)
            for n, month in enumerate(months)
        ]


def _room_to_group() -> None:
    """A province's year groups some four million tally rows into a hundred thousand cells: a
    hash table of about 40 MB. With PostgreSQL's default 4 MB of work memory it sorts them on
    disk instead, twice as slow; this transaction may use more (its end resets it)."""
    prepare_bulk_counting(db.session.connection())


def _sums(cells: dict[tuple, Counts], key: Callable[[tuple], Hashable]) -> dict:
    found: dict[Hashable, Counts] = defaultdict(Counts)
    for cell, counts in cells.items():
        found[key(cell)].add(counts)
    return found


def build_period_report(unit: Unit, period: Period, *, today: date | None = None) -> MonthlyReport:
    _room_to_group()
    unit_ids = list_unit_subtree_ids(unit.id)
    cube = PeriodCube(unit, period)
    officers = evaluate_officers(unit, period.last, cube=cube)
    rollup = build_rollup(unit, period.months, cube, officers)
    figures = officers.unit_figures
    levels = levels_counted_with_figures(cube.counted[1], unit_ids, period.months)
    items = _item_rows(figures, levels.by_item)
    complaints = _complaints(unit_ids, period)
    links = [count_dossier_links(unit_ids, month) for month in period.months]
    themes = count_period_themes(ResponseFilter(unit_ids=frozenset(unit_ids)), period.months)
    theme_counts, theme_proposals = narrative_themes(themes)
    with force_locale("vi"):
        facts = NarrativeFacts(
            unit_name=unit.name,
            period_label=period.label(),
            figures=figures,
            item_texts={(row.figure.instrument, row.figure.code): row.text for row in items},
            previous=_comparison(unit_ids, period.previous()),
            last_year=_comparison(unit_ids, period.shifted_years(-1), same_period=True),
            officers=officers,
            complaints=complaints,
            themes=theme_counts,
            proposals=theme_proposals,
            children=rollup.children if rollup else (),
        )
    return MonthlyReport(
        unit=unit,
        month=period.last,
        title=_title_block(unit, today or _local_day(utcnow())),
        figures=figures,
        items=items,
        instruments=_instrument_names(figures, levels.versions),
        participation=Participation(
            levels.responses_by_channel, *map(sum, zip(*links, strict=True))
        ),
        officers=officers,
        complaints=complaints,
        trend=cube.trend(),
        closed=None,
        narrative=narrative_in_force(unit, period.key, facts),
        period=period,
        themes=tuple(themes),
        rollup=rollup,
    )


def _complaints(unit_ids: list[int], period: Period) -> TicketFigures:
    """Counts of the months added; what is open is what was open at the period's end; the
    average days to answer weighted by the answers of each month."""
    months = [ticket_figures(unit_ids, month) for month in period.months]
    answered = sum(found.answered for found in months)
    days = sum(
        found.average_working_days * found.answered
        for found in months
        if found.average_working_days is not None
    )
    return TicketFigures(
        received=sum(found.received for found in months),
        answered=answered,
        on_time=sum(found.on_time for found in months),
        on_time_after_extension=sum(found.on_time_after_extension for found in months),
        late_answered=sum(found.late_answered for found in months),
        overdue_open=months[-1].overdue_open,
        still_open=months[-1].still_open,
        average_working_days=rounded_float(days / answered, 1) if answered else None,
    )


def _comparison(
    unit_ids: list[int], period: Period | None, same_period: bool = False
) -> Comparison | None:
    if period is None:
        return None
    found = figures_by_month(ResponseFilter(unit_ids=frozenset(unit_ids)), period.months)
    label = f"cùng kỳ năm {period.year}" if same_period else period.label()
    return Comparison(label, sum_figures(found.values()) if found else None)
