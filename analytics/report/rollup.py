"""A report of a unit with units below it (a province, a provincial centre): the ranking of its
child units, and the below-average officers of the units below it grouped by their unit."""

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from analytics.breakdowns import rank_units
from analytics.evaluation import OfficerEvaluation, OfficerSheet
from analytics.figures import Figures
from survey_app.core.extensions import db
from survey_app.models import Officer, Ticket, Unit
from survey_app.months import Month, survey_zone


@dataclass(frozen=True)
class ChildRow:
    unit: Unit
    figures: Figures  # the child with the units below it
    answered: int  # complaints answered in the period
    on_time: int  # of those, by their due date (an extension's when granted)

    @property
    def on_time_pct(self) -> float | None:
        return 100 * self.on_time / self.answered if self.answered else None


@dataclass(frozen=True)
class Rollup:
    children: list[ChildRow]  # ranked by SIPAS index; too small a sample last
    below_by_unit: list[tuple[str, list[OfficerEvaluation]]]  # unit name → its officers


def build_rollup(unit: Unit, months: tuple[Month, ...], cube, sheet: OfficerSheet) -> Rollup | None:
    """None for a unit without units below it. `cube` counts the period (a month's cube or
    analytics.report.period.PeriodCube)."""
    if not unit.children:
        return None
    ranked = rank_units(unit, months[-1], cube)
    answered = _complaints_by_child(unit, [child for child, _ in ranked], months)
    children = [
        ChildRow(child, figures, *answered.get(child.id, (0, 0))) for child, figures in ranked
    ]
    return Rollup(children, _below_by_unit(unit, sheet))


def _complaints_by_child(
    parent: Unit, children: list[Unit], months: tuple[Month, ...]
) -> dict[int, tuple[int, int]]:
    """(answered, on time) per child with its subtree, in one query over the period."""
    owner = _child_of_each_unit(parent, children)
    start, end = months[0].bounds(survey_zone())[0], months[-1].bounds(survey_zone())[1]
    rows = db.session.execute(
        sa.select(Ticket.unit_id, Ticket.answered_at, Ticket.due_at, Ticket.extended_due_at).where(
            Ticket.unit_id.in_(list(owner)), Ticket.answered_at >= start, Ticket.answered_at < end
        )
    )
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for unit_id, answered_at, due_at, extended_due_at in rows:
        found = counts[owner[unit_id]]
        found[0] += 1
        found[1] += answered_at <= (extended_due_at or due_at)
    return {child: (answered, on_time) for child, (answered, on_time) in counts.items()}


def _child_of_each_unit(parent: Unit, children: list[Unit]) -> dict[int, int]:
    """Every unit below `parent` → the child of `parent` it is under (or is)."""
    owner = {child.id: child.id for child in children}
    frontier = list(owner)
    while frontier:
        rows = db.session.execute(
            sa.select(Unit.id, Unit.parent_id).where(Unit.parent_id.in_(frontier))
        )
        frontier = []
        for unit_id, parent_id in rows:
            owner[unit_id] = owner[parent_id]
            frontier.append(unit_id)
    return owner


def _below_by_unit(unit: Unit, sheet: OfficerSheet) -> list[tuple[str, list[OfficerEvaluation]]]:
    """The officers of the units below `unit` who are below their own unit's average."""
    below = [row for row in sheet.officers if row.below_unit_average]
    if not below:
        return []
    units = dict(
        db.session.execute(
            sa.select(Officer.code, Unit.name)
            .join(Unit, Unit.id == Officer.unit_id)
            .where(Officer.code.in_([row.officer_code for row in below]), Unit.id != unit.id)
        ).all()
    )
    grouped: dict[str, list[OfficerEvaluation]] = defaultdict(list)
    for row in below:
        if row.officer_code in units:
            grouped[units[row.officer_code]].append(row)
    return sorted(grouped.items())
