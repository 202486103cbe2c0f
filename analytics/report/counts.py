"""What only the monthly report counts: answers at each level of each question, responses by
channel, and the dossiers that were given a survey link.

Levels and channels come from one grouped query over the month's tallied answers (by channel
and item, a column per level), and the answers not tallied yet (analytics.counting).
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from analytics.counting import LEVEL_COLUMNS, level_rows, response_rows
from analytics.selection import CHANNEL, ResponseFilter, Selection
from survey_app.core.extensions import db
from survey_app.models import OVERALL_ITEM, SCALE, Channel, Instrument, Item, SurveyCode
from survey_app.models import SurveyResponse as Response
from survey_app.models.response import counted
from survey_app.months import Month, survey_zone


@dataclass(frozen=True)
class AnswerLevels:
    by_item: dict[tuple[str, str], tuple[int, ...]]  # (instrument, item) → answers at 1…5
    responses_by_channel: dict[Channel, int]
    # instrument code → the versions whose questions were answered (every response answers
    # CHUNG, so these are the versions the responses answered); empty when frozen without them
    versions: dict[str, set[int]] = field(default_factory=dict)


def count_answer_levels(
    unit_ids: list[int], month: Month, received_by: datetime | None = None
) -> AnswerLevels:
    """Of the month's responses (only those received by `received_by` when given)."""
    return count_period_levels(unit_ids, (month,), received_by)


def count_period_levels(
    unit_ids: list[int], months: tuple[Month, ...], received_by: datetime | None = None
) -> AnswerLevels:
    """Of the months' responses, in one query over them all. Every response answers CHUNG (it
    is required on every channel), so its CHUNG answers count the responses of a channel
    without a second pass."""
    response_filter = ResponseFilter(unit_ids=frozenset(unit_ids))
    selection = Selection(response_filter, months, survey_zone(), received_by)
    rows = level_rows(selection, [CHANNEL])
    # Grouped by the item's id, a small integer, and named afterwards: no join per answer.
    channel = rows.c.key0
    at_level = [sa.func.sum(rows.c[name]) for name in LEVEL_COLUMNS]
    query = sa.select(channel, rows.c.item_id, *at_level).group_by(channel, rows.c.item_id)
    counts = [
        (Channel(channel), item_id, value, count)
        for channel, item_id, *found in db.session.execute(query)
        for value, count in zip(SCALE, found, strict=True)
        if count  # answers taken out of the tallies again (spam) sum to nothing
    ]
    return _shape(counts, _item_names({item_id for _, item_id, _, _ in counts}))


def levels_counted_with_figures(
    levels: Mapping[int, Mapping[int, int]], unit_ids: list[int], months: tuple[Month, ...]
) -> AnswerLevels:
    """The AnswerLevels of the months from `levels` (item id → level → answers, counted with
    the figures: analytics.report.period), the responses by channel from their counts: what
    count_period_levels finds, without a second pass over the answers (every response
    answers CHUNG once, so its versions are those of the items answered, and its CHUNG
    answers by channel are its responses by channel)."""
    names = _item_names(set(levels))
    by_item: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(SCALE))
    versions: dict[str, set[int]] = defaultdict(set)
    for item_id, found in levels.items():
        instrument, code, version = names[item_id]
        versions[instrument].add(version)
        for value, count in found.items():
            by_item[(instrument, code)][SCALE.index(value)] += count
    found_levels = {key: tuple(counts) for key, counts in by_item.items()}
    return AnswerLevels(found_levels, _responses_by_channel(unit_ids, months), dict(versions))


def _responses_by_channel(unit_ids: list[int], months: tuple[Month, ...]) -> dict[Channel, int]:
    selection = Selection(ResponseFilter(unit_ids=frozenset(unit_ids)), months, survey_zone())
    rows = response_rows(selection, [CHANNEL])
    query = sa.select(rows.c.key0, sa.func.sum(rows.c.responses)).group_by(rows.c.key0)
    channels = dict.fromkeys(Channel, 0)
    for channel, responses in db.session.execute(query):
        channels[Channel(channel)] += int(responses or 0)
    return channels


def _item_names(item_ids: set[int]) -> dict[int, tuple[str, str, int]]:
    """Item id → (instrument code, item code, instrument version)."""
    rows = db.session.execute(
        sa.select(Item.id, Instrument.code, Item.code, Instrument.version)
        .join(Instrument, Instrument.id == Item.instrument_id)
        .where(Item.id.in_(sorted(item_ids)))
    )
    return {item_id: tuple(rest) for item_id, *rest in rows}


def _shape(counts: list[tuple], names: dict[int, tuple[str, str, int]]) -> AnswerLevels:
    levels: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(SCALE))
    channels = dict.fromkeys(Channel, 0)
    versions: dict[str, set[int]] = defaultdict(set)
    for channel, item_id, value, count in counts:
        instrument, code, version = names[item_id]
        levels[(instrument, code)][SCALE.index(value)] += int(count)
        versions[instrument].add(version)
        if code == OVERALL_ITEM:
            channels[channel] += int(count)
    by_item = {key: tuple(found) for key, found in levels.items()}
    return AnswerLevels(by_item, channels, dict(versions))


def count_dossier_links(unit_ids: list[int], month: Month) -> tuple[int, int]:
    """One-time dossier links issued in the month, and how many of those dossiers were rated."""
    start, end = month.bounds(survey_zone())
    rated = sa.and_(
        Response.unit_id == SurveyCode.unit_id,
        Response.dossier_code == SurveyCode.dossier_code,
        counted(),
    )
    links, rated_links = db.session.execute(
        sa.select(sa.func.count(SurveyCode.code), sa.func.count(Response.id))
        .outerjoin(Response, rated)
        .where(
            SurveyCode.single_use.is_(True),
            SurveyCode.unit_id.in_(unit_ids),
            SurveyCode.created_at >= start,
            SurveyCode.created_at < end,
        )
    ).one()
    return int(links), int(rated_links)
