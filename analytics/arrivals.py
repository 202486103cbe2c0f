"""When a unit's ratings arrived: a month's counted responses by local weekday and hour, the
grid of a manager's dashboard.

From the arrival tallies (survey_app.models.tallies.ArrivalTally) plus the responses not
tallied yet, as every figure (analytics.counting); from the responses alone while the tallies
are of another zone. Both are keyed by the same local hour of the week (weekly_slot_in).
"""

import sqlalchemy as sa

from analytics import counting
from analytics.counting import untallied
from analytics.selection import ResponseFilter, response_conditions
from survey_app.core.extensions import db
from survey_app.models import ArrivalTally, Unit
from survey_app.models import SurveyResponse as Response
from survey_app.models.tallies import HOURS_A_DAY, HOURS_A_WEEK, weekly_slot_in
from survey_app.months import Month, survey_zone
from survey_app.queries.units import list_unit_subtree_ids


def arrival_grid(unit: Unit, month: Month) -> list[list[int]]:
    """Responses of the unit and the units below it by local weekday (Monday first) and local
    hour: 7 rows of 24 counts."""
    zone = survey_zone()
    unit_ids = list_unit_subtree_ids(unit.id)
    start, end = month.bounds(zone)
    slots = [0] * HOURS_A_WEEK
    raw = response_conditions(ResponseFilter(unit_ids=frozenset(unit_ids)), start, end)
    if counting.tallied_zone() == zone.key:  # read through the module: tests stand in for it
        for weekday, *hours in db.session.execute(_tallied(unit_ids, month)):
            for hour, count in enumerate(hours):
                slots[weekday * HOURS_A_DAY + hour] += int(count)
        raw = sa.and_(raw, untallied(start, end))
    for slot, count in db.session.execute(_untallied(raw, month)):
        slots[int(slot)] += int(count)
    return [slots[day : day + HOURS_A_DAY] for day in range(0, HOURS_A_WEEK, HOURS_A_DAY)]


def _tallied(unit_ids: list[int], month: Month) -> sa.Select:
    """Per local weekday, the units' arrivals at each hour."""
    hours = [sa.func.sum(ArrivalTally.at_hour(hour)) for hour in range(HOURS_A_DAY)]
    return (
        sa.select(ArrivalTally.weekday, *hours)
        .where(ArrivalTally.month == str(month), ArrivalTally.unit_id.in_(unit_ids))
        .group_by(ArrivalTally.weekday)
    )


def _untallied(raw: sa.ColumnElement[bool], month: Month) -> sa.Select:
    """The responses `raw` selects, counted by the slot the tally run gives them. Keyed in a
    subquery first: PostgreSQL matches a GROUP BY to its SELECT only on plain columns."""
    slot = weekly_slot_in(Response.submitted_at, [month], survey_zone())
    keyed = sa.select(slot.label("slot")).where(raw).subquery("keyed")
    return sa.select(keyed.c.slot, sa.func.count()).group_by(keyed.c.slot)
