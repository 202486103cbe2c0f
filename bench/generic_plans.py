"""The plans of a QR rating's insert (its hold rules count the target's recent ratings) on a
national database: the generic plan PostgreSQL keeps once psycopg has prepared the statement,
against the plan made for each rating's values.

    .venv/bin/python bench/national.py --n 2000000 --keep --phases size
    .venv/bin/python bench/generic_plans.py [--database-url ...] [--heavy 6500]

The database is one bench/national.py kept (January–March 2026). Inside one transaction, rolled
back at the end, this adds `--heavy` QR ratings to one target over the four weeks before the
rating (half of them naming its officer: a busy counter of a provincial centre), analyses the
table, then for each shape of target (officer and counter, officer, counter, the unit alone)
prints the indexes each plan reads, and the database's time per insert with each plan. A
generic plan that read the unit's index for an officer's target would read every rating of the
unit: the row counts show it.
"""

import argparse
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.national import DEFAULT_URL  # noqa: E402
from survey_app.models import Channel, SurveyResponse  # noqa: E402
from survey_app.models.integrity import default_rules  # noqa: E402
from survey_app.queries.code_cache import RulesCopy  # noqa: E402
from survey_app.services.responses.holding_rules import RatingSource, screen_qr_rating  # noqa: E402
from survey_app.services.responses.inserts import _insert_with_queue_row, _row  # noqa: E402

# The rating's own time: the last week of the national quarter. The added ratings come one
# every six minutes before it (6,500: 27 days).
AT = datetime(2026, 3, 25, 3, 0, tzinfo=UTC)
MODES = ("force_generic_plan", "force_custom_plan")
RUNS = 50

ADD_HEAVY_TARGET = """
INSERT INTO survey_responses (client_ref, unit_id, counter_id, officer_id, instrument_id,
    channel, submitted_at, received_at, comment, flagged, is_spam, held, levels, phone_hash,
    address_hash)
SELECT 'plans-' || n, %(unit)s, %(counter)s, CASE WHEN n %% 2 = 0 THEN %(officer)s END,
    %(instrument)s, 'qr', %(since)s + n * interval '6 minutes',
    %(since)s + n * interval '6 minutes', '', false, false, false, %(levels)s,
    substr(md5(n::text), 1, 16), substr(md5((n / 3)::text), 1, 16)
FROM generate_series(1, %(count)s) n
"""


def busiest_target(cursor) -> dict:
    """The QR target (officer and counter) of the quarter's last month with most ratings."""
    cursor.execute(
        "SELECT unit_id, officer_id, counter_id, min(instrument_id), min(levels)"
        " FROM survey_responses WHERE channel = 'qr' AND submitted_at >= '2026-03-01'"
        " AND officer_id IS NOT NULL AND counter_id IS NOT NULL"
        " GROUP BY 1, 2, 3 ORDER BY count(*) DESC LIMIT 1"
    )
    unit, officer, counter, instrument, levels = cursor.fetchone()
    return {"unit": unit, "officer": officer, "counter": counter, "instrument": instrument,
            "levels": levels}  # fmt: skip


def insert_of(dialect, target: dict, officer: int | None, counter: int | None):
    """The rating's insert for this shape of target, as the app builds it, in PostgreSQL's own
    placeholders ($1...) for PREPARE, with the parameters' values in their order."""
    response = SurveyResponse(
        client_ref="plans-new", unit_id=target["unit"], officer_id=officer, counter_id=counter,
        channel=Channel.QR, submitted_at=AT, received_at=AT, instrument_id=target["instrument"],
        levels=target["levels"], comment="", flagged=False, is_spam=False,
    )  # fmt: skip
    rules = RulesCopy(**default_rules(target["unit"]))
    check = screen_qr_rating(response, RatingSource("p" * 16, "a" * 16), rules)
    row = _row(response)
    statement = _insert_with_queue_row(tuple(sorted(row)), ("qr", officer is None, counter is None))
    compiled = statement.compile(dialect=dialect)
    params = compiled.construct_params(row | check.params)
    processed = set()
    for bind, name in compiled.bind_names.items():
        process = bind.type._cached_bind_processor(dialect)
        if process and name not in processed:
            params[name] = process(params[name])
            processed.add(name)
    order: list[str] = []

    def numbered(match: re.Match) -> str:
        if match.group(1) not in order:
            order.append(match.group(1))
        return f"${order.index(match.group(1)) + 1}"

    sql = re.sub(r"%\((\w+)\)s", numbered, compiled.string)
    return sql, [params[name] for name in order]


def measure(cursor, name: str, values: list, client_ref_at: int) -> None:
    placeholders = ", ".join(["%s"] * len(values))
    for mode in MODES:
        cursor.execute(f"SET plan_cache_mode = {mode}")
        cursor.execute("SAVEPOINT plan")
        cursor.execute(f"EXPLAIN (ANALYZE) EXECUTE {name}({placeholders})", values)
        plan = [line for (line,) in cursor.fetchall()]
        cursor.execute("ROLLBACK TO SAVEPOINT plan")
        started = time.perf_counter()
        for run in range(RUNS):
            values[client_ref_at] = f"plans-{mode}-{run}"
            cursor.execute(f"EXECUTE {name}({placeholders})", values)
        per_run = 1000 * (time.perf_counter() - started) / RUNS
        cursor.execute("ROLLBACK TO SAVEPOINT plan")
        print(f"  {mode:20} {per_run:6.2f} ms per insert")
        for line in plan:
            if "Index" in line or "Seq Scan" in line:
                print("   ", re.sub(r"\s*\(cost=[^)]*\)", "", line.strip()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--heavy", type=int, default=6500, help="ratings added to one target")
    args = parser.parse_args()
    engine = sa.create_engine(args.database_url)
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as connection:  # one transaction, rolled back on leaving
        cursor = psycopg.ClientCursor(connection)
        target = busiest_target(cursor)
        since = AT.replace(tzinfo=None) - timedelta(minutes=6 * args.heavy)
        cursor.execute(ADD_HEAVY_TARGET, target | {"since": since, "count": args.heavy})
        cursor.execute("ANALYZE survey_responses")
        named = f"unit {target['unit']}, officer {target['officer']}, counter {target['counter']}"
        print(f"target: {named}; {args.heavy} QR ratings added over the four weeks before")
        shapes = {
            "officer and counter": (target["officer"], target["counter"]),
            "officer": (target["officer"], None),
            "counter": (None, target["counter"]),
            "unit alone": (None, None),
        }
        for number, (label, (officer, counter)) in enumerate(shapes.items()):
            sql, values = insert_of(engine.dialect, target, officer, counter)
            cursor.execute(f"PREPARE rating_{number} AS {sql}")
            print(f"\n{label}:")
            measure(cursor, f"rating_{number}", values, values.index("plans-new"))
        connection.rollback()
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
