"""A unit's month split by counter, channel, officer, child unit and field of procedures (when
the ratings arrived: analytics.arrivals).

The `MonthCube` counts the month once per breakdown: by (unit, officer), whose cells add up to
the officers', the units' and whole subtrees' figures, and by counter and by channel. The field
has a grouped query of its own (analytics.indices.figures_by_group).
"""

from collections import defaultdict
from collections.abc import Hashable
from functools import cached_property

import sqlalchemy as sa

from analytics import selection
from analytics.figures import EMPTY_FIGURES, Counts, Figures, sum_counts
from analytics.indices import (
    Grouping,
    ResponseFilter,
    figures_by_group,
    grouped_counts,
    min_sample,
)
from analytics.selection import Dimension, Selection
from survey_app.core.extensions import db
from survey_app.display.collation import sorted_vi, vi_key
from survey_app.models import Channel, Counter, Procedure, Ticket, Unit
from survey_app.models import SurveyResponse as Response
from survey_app.months import Month, survey_zone
from survey_app.queries.units import list_unit_subtree_ids

# Who gave the service, and where it was given (complaints have no channel). Two groupings
# rather than one by all four: a province's month has a few hundred cells in each, against
# thousands for every (officer, counter, channel) met.
# A complaint's rating counts for its unit's PA, never for the officer or the counter named in
# the complaint: it goes to the unit's cell without officer, counter and channel.
BY_PERSON = Grouping((selection.UNIT, selection.OFFICER), (Ticket.unit_id, sa.null()))
BY_PLACE = Grouping(
    (selection.UNIT, selection.COUNTER, selection.CHANNEL),
    (Ticket.unit_id, sa.null(), sa.null()),
)
UNIT, OFFICER, COUNTER, CHANNEL = "unit", "officer", "counter", "channel"
EMPTY_COUNTS = Counts()  # never added to: sum_counts adds parts to a new Counts
# Which position of the (unit, officer) cells' key gives each breakdown by person.
CUBE_CELLS = {UNIT: 0, OFFICER: 1}
# Counters and channels are counted each by itself, not summed from (unit, counter, channel)
# cells: a province's month has 1,212 such cells for 205 counters and 4 channels, and each
# cell's counts cost more to read and add up than to count in SQL.
ALONE = {
    COUNTER: Grouping((selection.COUNTER,), (sa.null(),)),
    CHANNEL: Grouping((selection.CHANNEL,), (sa.null(),)),
}
# A response's field: its procedure's, else its counter's (a counter serves one field). The
# tallies do not keep it: these figures are counted from the responses.
FIELD = Dimension(
    sa.func.coalesce(sa.func.nullif(Procedure.field, ""), sa.func.nullif(Counter.field, "")),
    joins=(
        (Procedure, Procedure.id == Response.procedure_id),
        (Counter, Counter.id == Response.counter_id),
    ),
)
BY_FIELD = Grouping((FIELD,))


class MonthCube:
    """A unit's month counted once per breakdown: by (unit, officer) for the units and the
    officers, whose figures are sums of these cells (figures are built from additive counts),
    and by counter and by channel; each on first use. One count serves all the breakdowns of a
    dashboard or a report. Cells are kept and added up as counts: figures are built once per
    group shown."""

    def __init__(self, response_filter: ResponseFilter, month: Month) -> None:
        self.selection = Selection(response_filter, (month,), survey_zone())
        self._alone: dict[str, dict[Hashable, Counts]] = {}

    @cached_property
    def people_counts(self) -> dict[tuple, Counts]:
        return grouped_counts(self.selection, BY_PERSON)

    @property
    def people(self) -> dict[tuple, Figures]:
        return {key: counts.figures() for key, counts in self.people_counts.items()}

    @property
    def places(self) -> dict[tuple, Figures]:
        """By (unit, counter, channel): what the tallies by place hold, cell by cell."""
        cells = grouped_counts(self.selection, BY_PLACE)
        return {key: counts.figures() for key, counts in cells.items()}

    def by(self, name: str) -> dict[Hashable, Figures]:
        return {key: counts.figures() for key, counts in self.counts_by(name).items()}

    def counts_by(self, name: str) -> dict[Hashable, Counts]:
        """Read only: a group of one cell (most officers) is that cell itself, not a copy."""
        if name in ALONE:
            if name not in self._alone:
                self._alone[name] = grouped_counts(self.selection, ALONE[name])
            return self._alone[name]
        position = CUBE_CELLS[name]
        parts: dict[Hashable, list[Counts]] = defaultdict(list)
        for key, counts in self.people_counts.items():
            parts[key[position]].append(counts)
        return {
            key: found[0] if len(found) == 1 else sum_counts(found) for key, found in parts.items()
        }


def month_cube(unit: Unit, month: Month) -> MonthCube:
    """The cells of the unit with the units below it, in the month."""
    return MonthCube(subtree_filter(unit), month)


def subtree_filter(unit: Unit) -> ResponseFilter:
    return ResponseFilter.unit_subtree(unit.id)


def figures_by_counter(
    unit: Unit, month: Month, cube: MonthCube | None = None
) -> list[tuple[Counter, Figures]]:
    """Every active counter of the unit and the units below it, and any other counter rated
    in the month, by name."""
    unit_ids = list_unit_subtree_ids(unit.id)
    found = (cube or month_cube(unit, month)).by(COUNTER)
    rated = [key for key in found if key is not None]
    counters = db.session.scalars(
        sa.select(Counter)
        .where(
            sa.or_(sa.and_(Counter.unit_id.in_(unit_ids), Counter.active), Counter.id.in_(rated))
        )
        .order_by(Counter.code)
    )
    return [
        (counter, found.get(counter.id, EMPTY_FIGURES))
        for counter in sorted_vi(counters, key=lambda counter: counter.name)
    ]


def figures_by_channel(
    unit: Unit, month: Month, cube: MonthCube | None = None
) -> list[tuple[Channel, Figures]]:
    """Every channel, in a fixed order, with empty figures where none came. Complaint ratings
    have no channel: they are not in any of these."""
    found = (cube or month_cube(unit, month)).by(CHANNEL)
    return [(channel, found.get(channel, EMPTY_FIGURES)) for channel in Channel]


def figures_by_field(unit: Unit, month: Month) -> list[tuple[str | None, Figures]]:
    """Per field of procedures, by name; None (no procedure nor counter field) last."""
    found = figures_by_group(subtree_filter(unit), month, BY_FIELD)
    return sorted(found.items(), key=lambda pair: (pair[0] is None, vi_key(pair[0] or "")))


def figures_by_subtree(
    root: Unit, month: Month, cube: MonthCube | None = None
) -> dict[int, Figures]:
    """For the root and every unit below it, the figures of that unit with the units below it:
    the counts of each unit added up the tree."""
    unit_ids = list_unit_subtree_ids(root.id)
    own = (cube or month_cube(root, month)).counts_by(UNIT)
    children = defaultdict(list)
    for unit_id, parent_id in db.session.execute(
        sa.select(Unit.id, Unit.parent_id).where(Unit.id.in_(unit_ids), Unit.id != root.id)
    ):
        children[parent_id].append(unit_id)
    order = [root.id]  # breadth first: every unit after its parent
    for unit_id in order:
        order.extend(children[unit_id])
    totals: dict[int, Counts] = {}
    for unit_id in reversed(order):
        parts = [own.get(unit_id, EMPTY_COUNTS), *(totals[c] for c in children[unit_id])]
        totals[unit_id] = sum_counts(parts)
    return {unit_id: counts.figures() for unit_id, counts in totals.items()}


def rank_units(
    parent: Unit, month: Month, cube: MonthCube | None = None
) -> list[tuple[Unit, Figures]]:
    """The units right below `parent` (active ones, and inactive ones with responses), each
    with its own subtree: the ranked ones by SIPAS index, highest first, then those whose
    sample is too small (or without an index), by name."""
    totals = figures_by_subtree(parent, month, cube)
    children = db.session.scalars(sa.select(Unit).where(Unit.parent_id == parent.id))
    minimum = min_sample()
    shown = [
        (unit, totals[unit.id]) for unit in children if unit.active or totals[unit.id].responses
    ]

    def order(pair: tuple[Unit, Figures]) -> tuple:
        unit, figures = pair
        ranked = figures.has_sample(minimum) and figures.sipas_index is not None
        index = -(figures.sipas_index or 0) if ranked else 0
        return (not ranked, index, vi_key(unit.name), unit.code)

    return sorted(shown, key=order)
