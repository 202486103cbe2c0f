"""The data of bench/analytics.py: a province and 39 communes with 10 officers and 3 counters
each (through the services), then N responses of one month with their sipas-2023 answers (the
levels column, survey_app.models.levels), drawn with numpy and written by direct bulk insert
(executemany on SQLite, COPY on PostgreSQL).

About 12 % of the citizens are unhappy (two problem factors rated 1–4, CHUNG 2–4); the others
rate 4 or 5. Each officer has an unhappiness of their own (5–25 %), so the evaluation has both
sides of the unit average. 6 % of the answers are left out ("Không có ý kiến"), 30 % for PA.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import OVERALL_ITEM, Channel, Factor
from survey_app.months import Month
from survey_app.queries.instruments import get_current_instrument
from survey_app.services.org.members import add_counter, add_officer, add_unit

PROVINCE, MONTH, ZONE = "BENCH", "2026-03", "Asia/Ho_Chi_Minh"
COMMUNES, OFFICERS_PER_UNIT, COUNTERS_PER_UNIT = 39, 10, 3
CHUNK = 50_000
CHANNELS = [Channel.QR, Channel.KIOSK, Channel.WEB, Channel.PAPER]
CHANNEL_WEIGHTS = [0.6, 0.1, 0.1, 0.2]
COMMENTS = [
    "",
    "Cán bộ hướng dẫn tận tình, chu đáo.",
    "Thời gian chờ hơi lâu, đề nghị bố trí thêm quầy. Liên hệ 0912 345 678.",
    "Hồ sơ trả đúng hẹn, rất hài lòng.",
]
RESPONSE_COLUMNS = (
    "id, client_ref, unit_id, counter_id, officer_id, instrument_id, channel, submitted_at, "
    "received_at, comment, flagged, levels, is_spam"
)


def load(n: int, year: bool = False) -> None:
    """N responses in MONTH, or spread over MONTH's year (the year report's bench)."""
    from flask_migrate import upgrade

    upgrade()
    units = _organisation()
    instrument = get_current_instrument("sipas-2023")
    items = list(instrument.items)
    rng = np.random.default_rng(2026)
    month = Month.parse(MONTH)
    start, end = month.bounds(ZoneInfo(ZONE))
    if year:
        start = Month(month.year, 1).bounds(ZoneInfo(ZONE))[0]
        end = Month(month.year, 12).bounds(ZoneInfo(ZONE))[1]
    officer_low = rng.uniform(0.05, 0.25, size=len(units) * OFFICERS_PER_UNIT)
    with BulkWriter() as write:
        for first in range(0, n, CHUNK):
            size = min(CHUNK, n - first)
            responses = _chunk(rng, first + 1, size, units, items, officer_low, start, end)
            write(responses, instrument.id)
    vacuum_analyze()


def vacuum_analyze() -> None:
    """What autovacuum does after a large change (PostgreSQL; SQLite needs nothing)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))


def _organisation() -> list[tuple[int, list[int], list[int]]]:
    """(unit id, counter ids, officer ids) of the province and of each commune."""
    province = add_unit(code=PROVINCE, name="UBND tỉnh Thử Nghiệm")
    units = [province] + [
        add_unit(code=f"X{number:03d}", name=f"UBND xã Số {number}", parent=province)
        for number in range(1, COMMUNES + 1)
    ]
    staffed = []
    for unit in units:
        counters = [
            add_counter(unit=unit, code=f"{unit.code}-Q{q}", name=f"Quầy {q}")
            for q in range(1, COUNTERS_PER_UNIT + 1)
        ]
        officers = [
            add_officer(unit=unit, code=f"{unit.code}-CB{o}", full_name=f"Cán bộ {unit.code} {o}")
            for o in range(1, OFFICERS_PER_UNIT + 1)
        ]
        staffed.append((unit, counters, officers))
    db.session.commit()
    return [(u.id, [c.id for c in cs], [o.id for o in os_]) for u, cs, os_ in staffed]


def _chunk(rng, first_id: int, size: int, units, items, officer_low, start, end):
    unit_index = rng.integers(0, len(units), size)
    officer_slot = rng.integers(0, OFFICERS_PER_UNIT, size)
    officer_index = unit_index * OFFICERS_PER_UNIT + officer_slot
    has_officer = rng.random(size) < 0.8
    low_share = np.where(has_officer, officer_low[officer_index], 0.12)
    low = rng.random(size) < low_share
    values = _values(rng, low, items)
    flagged = ((values > 0) & (values <= 3)).any(axis=1)
    span = (end - start).total_seconds()
    seconds = rng.random(size) * span
    channel = rng.choice(len(CHANNELS), size, p=CHANNEL_WEIGHTS)
    counter_slot = rng.integers(0, COUNTERS_PER_UNIT, size)
    has_counter = rng.random(size) < 0.7
    comment = np.where(rng.random(size) < np.where(low, 0.4, 0.1), rng.integers(1, 4, size), 0)
    naive_start = start.replace(tzinfo=None)
    levels = as_levels(values)
    responses = []
    for row in range(size):
        unit_id, counters, officers = units[unit_index[row]]
        moment = naive_start + timedelta(seconds=int(seconds[row]))
        responses.append(
            (
                first_id + row,
                f"b{first_id + row}",
                unit_id,
                counters[counter_slot[row]] if has_counter[row] else None,
                officers[officer_slot[row]] if has_officer[row] else None,
                CHANNELS[channel[row]].value,
                moment,
                moment,
                COMMENTS[comment[row]],
                bool(flagged[row]),
                levels[row],
            )
        )
    return responses


def as_levels(values: np.ndarray) -> list[str]:
    """Each row of levels (0 unanswered) as the levels text: one digit per item position."""
    digits = (values + ord("0")).astype(np.uint8)
    return [row.tobytes().decode("ascii") for row in digits]


def _values(rng, low, items) -> np.ndarray:
    """Values 1–5 per response and item; 0 where the item was left unanswered."""
    size, count = len(low), len(items)
    factors = list(Factor)
    item_factor = np.array([factors.index(i.factor) if i.factor else -1 for i in items])
    overall = np.array([item.code == OVERALL_ITEM for item in items])
    happy = rng.choice([4, 4, 5, 5, 5], (size, count))
    problems = rng.integers(0, len(factors), (size, 2))
    in_problem = (item_factor[None, :] == problems[:, :1]) | (
        item_factor[None, :] == problems[:, 1:]
    )
    unhappy = np.where(
        in_problem,
        rng.choice([1, 2, 2, 3, 3, 3, 4], (size, count)),
        rng.choice([3, 4, 4, 5], (size, count)),
    )
    values = np.where(low[:, None], unhappy, happy)
    values[:, overall] = np.where(
        low, rng.choice([2, 3, 3, 4], size), rng.choice([4, 4, 5, 5, 5], size)
    )[:, None]
    skip_share = np.where(item_factor == factors.index(Factor.FEEDBACK), 0.3, 0.06)
    skipped = (rng.random((size, count)) < skip_share[None, :]) & ~overall[None, :]
    values[skipped] = 0
    return values.astype(np.int16)


class BulkWriter:
    """Writes chunks of responses (and their rows on the tally run's queue) through the
    driver, in one transaction."""

    def __enter__(self):
        self.connection = db.engine.raw_connection()
        self.postgres = db.engine.dialect.name == "postgresql"
        if not self.postgres:
            self.connection.execute("PRAGMA synchronous=OFF")
        return self.write

    def write(self, responses, instrument_id: int) -> None:
        cursor = self.connection.cursor()
        if self.postgres:
            self._copy(cursor, responses, instrument_id)
        else:
            self._insert(cursor, responses, instrument_id)
        cursor.close()

    def _insert(self, cursor, responses, instrument_id):
        cursor.executemany(
            f"INSERT INTO survey_responses ({RESPONSE_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            (
                (
                    i,
                    ref,
                    u,
                    c,
                    o,
                    instrument_id,
                    ch,
                    _sqlite_time(at),
                    _sqlite_time(rec),
                    com,
                    int(fl),
                    lv,
                )
                for i, ref, u, c, o, ch, at, rec, com, fl, lv in responses
            ),
        )
        cursor.executemany(
            "INSERT INTO untallied_responses (response_id) VALUES (?)",
            ((row[0],) for row in responses),
        )

    def _copy(self, cursor, responses, instrument_id):
        with cursor.copy(f"COPY survey_responses ({RESPONSE_COLUMNS}) FROM STDIN") as copy:
            for i, ref, u, c, o, ch, at, rec, com, fl, lv in responses:
                copy.write_row((i, ref, u, c, o, instrument_id, ch, at, rec, com, fl, lv, False))
        with cursor.copy("COPY untallied_responses (response_id) FROM STDIN") as copy:
            for row in responses:
                copy.write_row((row[0],))

    def __exit__(self, *failure):
        if failure[0] is None:
            self.connection.commit()
        self.connection.close()


def _sqlite_time(moment: datetime) -> str:
    """As SQLAlchemy stores a DateTime on SQLite, so that comparisons with its parameters hold."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
