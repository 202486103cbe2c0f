"""When a unit's ratings arrived: a month's counted responses by local weekday and hour, the
grid of a manager's dashboard.

From the arrival tallies (survey_app.models.tallies.ArrivalTally) plus the responses not
tallied yet, as every figure (analytics.counting); from the responses alone while the tallies
are of another zone. Responses are counted per quarter hour in SQL and placed in local weekday
and hour here: exact for every time zone offset in use, and at most ~3,000 rows a month.
"""

from datetime import UTC, datetime

import sqlalchemy as sa

from analytics import counting
from analytics.counting import untallied
from analytics.selection import ResponseFilter, response_conditions
from survey_app.core.extensions import db
from survey_app.models import ArrivalTally, Unit
from survey_app.models import SurveyResponse as Response
from survey_app.models.types import epoch_seconds
from survey_app.months import Month, survey_zone
from survey_app.queries.units import list_unit_subtree_ids

ARRIVAL_BUCKET_SECONDS = 900
WEEKDAYS, HOURS = 7, 24


def arrival_grid(unit: Unit, month: Month) -> list[list[int]]:
    """Responses of the unit and the units below it by local weekday (Monday first) and local
    hour: 7 rows of 24 counts."""
    zone = survey_zone()
    unit_ids = list_unit_subtree_ids(unit.id)
    start, end = month.bounds(zone)
    grid = [[0] * HOURS for _ in range(WEEKDAYS)]
    raw = response_conditions(ResponseFilter(unit_ids=frozenset(unit_ids)), start, end)
    if counting.tallied_zone() == zone.key:  # read through the module: tests stand in for it
        for slot, count in db.session.execute(_tallied(unit_ids, month)):
            grid[slot // HOURS][slot % HOURS] += int(count)
        raw = sa.and_(raw, untallied(start, end))
    bucket = epoch_seconds(Response.submitted_at) // ARRIVAL_BUCKET_SECONDS
    query = sa.select(bucket.label("bucket"), sa.func.count()).where(raw).group_by(bucket)
    for number, count in db.session.execute(query):
        moment = datetime.fromtimestamp(int(number) * ARRIVAL_BUCKET_SECONDS, UTC).astimezone(zone)
        grid[moment.weekday()][moment.hour] += int(count)
    return grid


def _tallied(unit_ids: list[int], month: Month) -> sa.Select:
    return (
        sa.select(ArrivalTally.slot, sa.func.sum(ArrivalTally.responses))
        .where(ArrivalTally.month == str(month), ArrivalTally.unit_id.in_(unit_ids))
        .group_by(ArrivalTally.slot)
    )
