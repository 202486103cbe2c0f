"""Everything the monthly report of domain.md §4 shows for one unit (with the units below it) and
one month, gathered once for the XLSX and PDF writers.

The heavy counting is done by the analytics modules (the officer evaluation brings the unit's
own figures with it); this module adds what only the report needs: the title block, responses
by channel, the response rate, the answers per level and the texts of the questions. Flagged
responses are read only when a writer asks for them.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale

from analytics.breakdowns import month_cube
from analytics.closures import frozen_levels, get_closure
from analytics.dashboard import item_texts
from analytics.evaluation import OfficerSheet, evaluate_officers
from analytics.figures import Figures, ItemFigure
from analytics.flagged import FlaggedResponse, iter_flagged_responses
from analytics.follow_ups import FollowUpCounts, count_follow_ups
from analytics.indices import (
    TICKET_RATING_SOURCE,
    ResponseFilter,
    monthly_trend,
    response_conditions,
)
from analytics.integrity import IntegrityCounts, integrity_counts
from analytics.periods import Period
from analytics.report.closure import ClosedMonth, closed_month
from analytics.report.counts import AnswerLevels, count_answer_levels, count_dossier_links
from analytics.report.document import DocumentSettings, document_settings
from analytics.report.narrative import Narrative, NarrativeFacts
from analytics.report.narrative_sections import month_comparisons, month_label, narrative_in_force
from analytics.report.rollup import Rollup, build_rollup
from analytics.report.text import (
    COMPLAINT_RATING,
    COMPLAINT_RATINGS,
    SUBJECT_PERIOD,
    VERSIONED_NAME,
    subject,
)
from analytics.themes import ThemeCount, count_period_themes, narrative_themes
from analytics.tickets import TicketFigures, ticket_figures
from survey_app.core.extensions import db
from survey_app.models import SCALE, Channel, Instrument, MonthClosure, Unit, utcnow
from survey_app.models import SurveyResponse as Response
from survey_app.months import Month, survey_zone
from survey_app.queries.units import list_unit_subtree_ids

TREND_MONTHS = 12
NO_LEVELS = (0,) * len(SCALE)
# "UBND xã An Bình", "Trung tâm Phục vụ hành chính công tỉnh Lâm Đồng" → "An Bình", "Lâm Đồng":
# the place written before the date, when SURVEY_REPORT_PLACE does not name it.
_ORGAN = r"(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd|trung tâm phục vụ hành chính công)\s+"
_LEVEL = r"(?:tỉnh|thành phố|tp\.?|xã|phường|đặc khu|thị trấn|thị xã|quận|huyện)\s+"
_PLACE_PREFIX = re.compile(rf"^(?:{_ORGAN})?(?:{_LEVEL})?", re.IGNORECASE)


@dataclass(frozen=True)
class TitleBlock:
    unit_code: str
    unit_name: str
    document: DocumentSettings  # issuing and governing body, symbol, place, signer, recipients
    day: date  # the report's date: today, or the day a closed month was closed

    @property
    def parent_name(self) -> str | None:
        """The governing body written above the issuing body, if the unit has one."""
        return self.document.governing_body or None

    @property
    def place(self) -> str:
        return self.document.place


@dataclass(frozen=True)
class Participation:
    by_channel: dict[Channel, int]
    dossier_links: int  # one-time dossier links issued in the month
    rated_links: int  # of those, the ones whose dossier has been rated
    # Held, rejected, filtered ratings and the share through dossier links (as of now).
    integrity: IntegrityCounts | None = None

    @property
    def rate(self) -> float | None:
        """Responses per known dossier, in %; None when no dossier is known."""
        return 100 * self.rated_links / self.dossier_links if self.dossier_links else None


@dataclass(frozen=True)
class ItemRow:
    figure: ItemFigure
    text: str  # the question, in the report's language
    levels: tuple[int, ...] | None  # answers at level 1, 2, 3, 4, 5; None: not a question


@dataclass(frozen=True)
class MonthlyReport:
    unit: Unit
    month: Month
    title: TitleBlock
    figures: Figures  # as published when the month is closed, else as of now
    items: list[ItemRow]
    instruments: dict[str, str]  # code → name, of the questionnaires answered
    participation: Participation
    officers: OfficerSheet
    complaints: TicketFigures
    trend: list[tuple[Month, Figures]]
    closed: ClosedMonth | None
    narrative: Narrative  # the manager's text for the month, else the draft from the figures
    period: Period | None = None  # a quarter, half-year, nine months or year; None: the month
    themes: tuple[ThemeCount, ...] = ()  # of the comments, most frequent first, masked examples
    rollup: Rollup | None = None  # the units below, ranked; None without any
    # Of the flagged responses: as of the report's day; a closed month's as of its closing.
    follow_ups: FollowUpCounts | None = None

    @property
    def subject(self) -> str:
        """The subject line under "BÁO CÁO"."""
        if self.period is None:
            return subject(self.month)
        return str(SUBJECT_PERIOD) % {"period": self.period.label()}

    @property
    def column_label(self) -> str:
        """The heading of a column of this report's figures: "03/2026", "2026-Q3"."""
        return self.month.slashed() if self.period is None else self.period.key

    def flagged(self, limit: int | None = None) -> Iterator[FlaggedResponse]:
        """The month's flagged responses, newest first, comments masked; read on demand, all
        of them streamed, or the `limit` newest."""
        if self.period is None:
            return iter_flagged_responses(self.unit, self.month, limit=limit)
        return _flagged_over(self.unit, self.period.months, limit)

    @property
    def levels_total(self) -> tuple[int, ...]:
        """Answers per level over every question (CHUNG included)."""
        rows = [row.levels for row in self.items if row.levels is not None]
        return tuple(sum(levels[position] for levels in rows) for position in range(len(SCALE)))


def _flagged_over(unit: Unit, months, limit: int | None) -> Iterator[FlaggedResponse]:
    """A period's flagged responses, newest month first, at most `limit` in all."""
    left = limit
    for month in reversed(months):
        for found in iter_flagged_responses(unit, month, limit=left):
            yield found
            if left is not None:
                left -= 1
        if left is not None and left <= 0:
            return


def build_monthly_report(unit: Unit, month: Month, *, today: date | None = None) -> MonthlyReport:
    """The report as of now; a closed month's as published, with its amendment beside it."""
    unit_ids = list_unit_subtree_ids(unit.id)
    closure = get_closure(unit, month)
    closed = closed_month(unit, month, closure) if closure is not None else None
    cube = month_cube(unit, month)
    officers = closed.officers if closed else evaluate_officers(unit, month, cube)
    figures = officers.unit_figures
    levels = _levels(unit_ids, month, closure)
    channels = closed.channels if closed else levels.responses_by_channel
    items = _item_rows(figures, levels.by_item)
    complaints = closed.complaints if closed else ticket_figures(unit_ids, month)
    trend = _trend(unit_ids, month, figures)
    themes = count_period_themes(ResponseFilter(unit_ids=frozenset(unit_ids)), [month])
    rollup = build_rollup(unit, (month,), cube, officers)
    theme_counts, theme_proposals = narrative_themes(themes)
    follow_ups = (closed and closed.follow_ups) or count_follow_ups(unit, month, utcnow())
    facts = NarrativeFacts(
        unit_name=unit.name,
        period_label=month_label(month),
        figures=figures,
        item_texts={(row.figure.instrument, row.figure.code): row.text for row in items},
        previous=(compared := month_comparisons(unit_ids, month, trend))[0],
        last_year=compared[1],
        officers=officers,
        complaints=complaints,
        themes=theme_counts,
        proposals=theme_proposals,
        children=rollup.children if rollup else (),
        follow_ups=follow_ups,
    )
    return MonthlyReport(
        unit=unit,
        month=month,
        title=_title_block(unit, _local_day(closure.closed_at) if closure else today),
        figures=figures,
        items=items,
        instruments=_instrument_names(figures, _answered_versions(unit_ids, (month,))),
        participation=Participation(
            channels,
            *count_dossier_links(unit_ids, month),
            integrity=(closed and closed.integrity) or integrity_counts(unit_ids, month),
        ),
        officers=officers,
        complaints=complaints,
        trend=trend,
        closed=closed,
        narrative=narrative_in_force(unit, str(month), facts),
        themes=tuple(themes),
        rollup=rollup,
        follow_ups=follow_ups,
    )


def _levels(unit_ids: list[int], month: Month, closure: MonthClosure | None) -> AnswerLevels:
    """A closed month's as frozen; from a snapshot older than that, counted again over the
    responses the closure saw, so that they agree with the frozen figures."""
    if closure is None:
        return count_answer_levels(unit_ids, month)
    frozen = frozen_levels(closure)
    if frozen is not None:
        return AnswerLevels(frozen, {})
    return count_answer_levels(unit_ids, month, closure.closed_at)


def _title_block(unit: Unit, day: date | None) -> TitleBlock:
    place = current_app.config.get("SURVEY_REPORT_PLACE") or report_place(unit.name)
    return TitleBlock(
        unit_code=unit.code,
        unit_name=unit.name,
        document=document_settings(unit, place),
        day=day or _local_day(utcnow()),
    )


def _local_day(moment: datetime) -> date:
    return moment.astimezone(survey_zone()).date()


def report_place(unit_name: str) -> str:
    """The unit's locality, as written before a report's date ("An Bình, ngày ...")."""
    return _PLACE_PREFIX.sub("", unit_name.strip(), count=1) or unit_name


def _item_rows(figures: Figures, levels: dict[tuple[str, str], tuple[int, ...]]) -> list[ItemRow]:
    texts = item_texts(figures, _locale())
    return [_item_row(item, texts, levels) for item in figures.items]


def _item_row(item: ItemFigure, texts: dict, levels: dict) -> ItemRow:
    key = (item.instrument, item.code)
    if item.instrument == TICKET_RATING_SOURCE:
        # Complaint ratings count in the PA factor but are not answers to a question.
        return ItemRow(figure=item, text=str(COMPLAINT_RATING), levels=None)
    return ItemRow(figure=item, text=texts.get(key, ""), levels=tuple(levels.get(key, NO_LEVELS)))


def _instrument_names(figures: Figures, answered: dict[str, set[int]]) -> dict[str, str]:
    """Each instrument of the month by code, named in the report's language (newest version
    answered) with the versions the month's responses answered (`answered`: code → versions);
    complaint ratings, which count in the PA factor, are no questionnaire."""
    codes = sorted({item.instrument for item in figures.items})
    rows = db.session.execute(
        sa.select(Instrument.code, Instrument.version, Instrument.name_vi, Instrument.name_en)
        .where(Instrument.code.in_(codes))
        .order_by(Instrument.version)
    )
    english = _locale() == "en"
    names = {
        code: name_en if english else name_vi
        for code, version, name_vi, name_en in rows
        if version in answered.get(code, {version})
    }
    names = {
        code: str(VERSIONED_NAME) % {"name": name, "versions": _versions(answered.get(code))}
        if answered.get(code)
        else name
        for code, name in names.items()
    }
    return names | (
        {TICKET_RATING_SOURCE: str(COMPLAINT_RATINGS)} if TICKET_RATING_SOURCE in codes else {}
    )


def _answered_versions(unit_ids: list[int], months) -> dict[str, set[int]]:
    """The questionnaire versions the responses of the months (one after another: a month or a
    period) answered, by instrument code; one query over their whole span."""
    zone = survey_zone()
    start, end = months[0].bounds(zone)[0], months[-1].bounds(zone)[1]
    conditions = response_conditions(ResponseFilter(unit_ids=frozenset(unit_ids)), start, end)
    used = sa.select(Response.instrument_id).where(conditions).distinct().subquery()
    rows = db.session.execute(
        sa.select(Instrument.code, Instrument.version).where(Instrument.id.in_(sa.select(used)))
    )
    found: dict[str, set[int]] = {}
    for code, version in rows:
        found.setdefault(code, set()).add(version)
    return found


def _versions(versions: set[int] | None) -> str:
    return ", ".join(str(version) for version in sorted(versions or ()))


def _locale() -> str:
    return str(get_locale() or "vi")


def _trend(unit_ids: list[int], month: Month, current: Figures) -> list[tuple[Month, Figures]]:
    """The twelve months ending with this one; this month's figures are already counted."""
    earlier = monthly_trend(
        ResponseFilter(unit_ids=frozenset(unit_ids)), month.previous(), TREND_MONTHS - 1
    )
    return [*earlier, (month, current)]
