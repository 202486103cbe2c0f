"""Closed months: the frozen snapshot of a unit's monthly figures, and the amendment that later
responses (a paper import, a kiosk back online) make to them.

A snapshot holds plain JSON: the headline, factors and items (with their counts, so the exact
Figures can be rebuilt), the officers' rows, responses per channel and the complaint figures.
"""

from dataclasses import asdict, dataclass

import sqlalchemy as sa

from analytics.breakdowns import figures_by_channel, month_cube
from analytics.evaluation import evaluate_officers, officer_frame, reference_record
from analytics.figures import Figures, ItemFigure, build_figures
from analytics.follow_ups import FollowUpCounts, count_follow_ups
from analytics.indices import (
    ResponseFilter,
    compute_figures,
    figures_by_month,
    response_conditions,
)
from analytics.integrity import IntegrityCounts, integrity_counts
from analytics.report.counts import count_answer_levels
from analytics.tickets import ticket_figures
from survey_app.core.extensions import db
from survey_app.models import Factor, MonthClosure, Unit, utcnow
from survey_app.models import SurveyResponse as Response
from survey_app.months import Month, months_ending, survey_zone
from survey_app.queries.units import list_unit_subtree_ids

# 2: answers per level of each question ("levels") are frozen too. 3: the responses of each
# instrument per factor ("weights"): factors of several instruments are weighted means. 4: the
# follow-up of the flagged responses and the ratings left out (held, rejected, filtered) as they
# stood at closing, which the frozen text of the report quotes.
SNAPSHOT_VERSION = 4
HEADLINE_FIELDS = (
    "responses",
    "flagged",
    "flagged_pct",
    "overall_pct",
    "mean_overall",
    "sipas_index",
    "sipas_mean",
)
ITEM_COUNTS = ("instrument", "code", "factor", "answers", "satisfied", "total", "position")


@dataclass(frozen=True)
class Amendment:
    """What changed since the month was closed: the frozen report stays as published."""

    late_responses: int  # responses of the month received after the closure
    frozen: Figures
    current: Figures

    @property
    def differences(self) -> dict[str, float | None]:
        """Current minus frozen, per headline figure (None where either has no data)."""
        now, then = headline(self.current), headline(self.frozen)
        return {
            name: None if now[name] is None or then[name] is None else now[name] - then[name]
            for name in HEADLINE_FIELDS
        }


def get_closure(unit: Unit, month: Month) -> MonthClosure | None:
    return db.session.scalar(
        sa.select(MonthClosure).where(
            MonthClosure.unit_id == unit.id, MonthClosure.month == str(month)
        )
    )


def list_closures(unit: Unit, months: list[Month]) -> dict[Month, MonthClosure]:
    found = db.session.scalars(
        sa.select(MonthClosure).where(
            MonthClosure.unit_id == unit.id, MonthClosure.month.in_([str(m) for m in months])
        )
    )
    return {Month.parse(closure.month): closure for closure in found}


def published_trend(
    unit: Unit, last_month: Month, months: int, last: Figures | None = None
) -> list[tuple[Month, Figures]]:
    """The unit's figures month by month, oldest first: a closed month as it was published
    (read from its snapshot, not counted again), an open one counted now. `last`, when
    given, stands for `last_month` (already counted by the caller, as it stands now)."""
    chosen = months_ending(last_month, months)
    frozen = {month: frozen_figures(c) for month, c in list_closures(unit, chosen).items()}
    if last is not None:
        frozen[last_month] = last
    counted = [month for month in chosen if month not in frozen]
    found = figures_by_month(ResponseFilter.unit_subtree(unit.id), counted) if counted else {}
    return [(month, frozen[month] if month in frozen else found[month]) for month in chosen]


def build_snapshot(unit: Unit, month: Month) -> dict:
    cube = month_cube(unit, month)
    sheet = evaluate_officers(unit, month, cube)
    figures = sheet.unit_figures
    unit_ids = list_unit_subtree_ids(unit.id)
    complaints = ticket_figures(unit_ids, month)
    levels = count_answer_levels(unit_ids, month)
    return {
        "version": SNAPSHOT_VERSION,
        "unit": {"code": unit.code, "name": unit.name},
        "month": str(month),
        "headline": headline(figures),
        "factors": {factor.value: asdict(figure) for factor, figure in figures.factors.items()},
        "items": [_item_record(item) for item in figures.items],
        "weights": [
            {"instrument": instrument, "factor": factor.value, "responses": count}
            for (instrument, factor), count in (figures.weights or {}).items()
        ],
        "officers": [
            record | reference_record(row)
            for record, row in zip(
                officer_frame(sheet).to_dict(orient="records"), sheet.officers, strict=True
            )
        ],
        "channels": {
            str(channel): found.responses
            for channel, found in figures_by_channel(unit, month, cube)
        },
        "complaints": asdict(complaints) | {"late": complaints.late},
        "levels": [
            {"instrument": instrument, "code": code, "levels": list(counts)}
            for (instrument, code), counts in levels.by_item.items()
        ],
        "follow_ups": asdict(count_follow_ups(unit, month, utcnow())),
        "integrity": asdict(integrity_counts(unit_ids, month)),
    }


def frozen_standing(closure: MonthClosure) -> tuple[FollowUpCounts | None, IntegrityCounts | None]:
    """The follow-up and the ratings left out as they stood at closing; None in a snapshot
    older than that (the report then counts them as of now)."""
    snapshot = closure.figures
    follow_ups, integrity = snapshot.get("follow_ups"), snapshot.get("integrity")
    return (
        FollowUpCounts(**follow_ups) if follow_ups is not None else None,
        IntegrityCounts(**integrity) if integrity is not None else None,
    )


def frozen_levels(closure: MonthClosure) -> dict[tuple[str, str], tuple[int, ...]] | None:
    """Answers per level of each question as closed; None in a snapshot older than that."""
    records = closure.figures.get("levels")
    if records is None:
        return None
    return {(r["instrument"], r["code"]): tuple(r["levels"]) for r in records}


def frozen_figures(closure: MonthClosure) -> Figures:
    """The Figures of the report as it was closed, rebuilt exactly from the frozen counts."""
    snapshot = closure.figures
    items = [
        ItemFigure(**(record | {"factor": _factor(record["factor"])}))
        for record in ({name: item[name] for name in ITEM_COUNTS} for item in snapshot["items"])
    ]
    head = snapshot["headline"]
    return build_figures(head["responses"], head["flagged"], items, _frozen_weights(snapshot))


def _frozen_weights(snapshot: dict) -> dict[tuple[str, Factor], int] | None:
    """None in a snapshot closed before the weighted rule: it is rebuilt as published."""
    if "weights" not in snapshot:
        return None
    return {(w["instrument"], Factor(w["factor"])): w["responses"] for w in snapshot["weights"]}


def amendment(unit: Unit, month: Month, current: Figures | None = None) -> Amendment | None:
    """None while the month is open, or when nothing changed since it was closed. `current`:
    the month's figures as they stand now, when the caller has already counted them."""
    closure = get_closure(unit, month)
    if closure is None:
        return None
    response_filter = ResponseFilter.unit_subtree(unit.id)
    late = db.session.scalar(
        sa.select(sa.func.count()).where(
            response_conditions(response_filter, *month.bounds(survey_zone())),
            Response.received_at > closure.closed_at,
        )
    )
    now = current if current is not None else compute_figures(response_filter, month)
    found = Amendment(late, frozen_figures(closure), now)
    if not late and not any(found.differences.values()):
        return None
    return found


def headline(figures: Figures) -> dict[str, float | None]:
    return {name: getattr(figures, name) for name in HEADLINE_FIELDS}


def _item_record(item: ItemFigure) -> dict:
    record = asdict(item) | {"factor": item.factor.value if item.factor else None}
    return record | {"index": item.index, "mean": item.mean}


def _factor(code: str | None) -> Factor | None:
    return None if code is None else Factor(code)
