"""Bytes per stored rating: N sipas-2023 ratings in a fresh database, then the size of every table
holding response data and of each of its indexes, divided by N.

    .venv/bin/python bench/storage.py --n 200000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/survey_bench_storage
    .venv/bin/python bench/storage.py --n 200000          # a temporary SQLite file

PostgreSQL: pg_relation_size of each table, its TOAST and each index after ANALYZE; the total is
pg_total_relation_size. SQLite: the pages of each table and index (the dbstat table). With
--tally the sizes are printed again after a tally run and VACUUM (PostgreSQL): the run marks
every rating tallied, as the timer does in production.

The ratings are as the service stores them: a 36-character client id (a UUID, as the tablet and
the form send), QR ratings (60 %) with their phone and address hashes, kiosk ratings (10 %) with
their tablet, one in ten with a dossier code, 80 % with an officer, 70 % with a counter, a few
comments; answers as in bench/analytics_data.py (about 6 % of the items unanswered).

The script also measures the layout before migration 0013 (one row per answer in `answers`):
run it from a checkout of that revision; it writes whichever layout the schema has.
"""

import argparse
import os
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHANNELS = ("qr", "kiosk", "web", "paper")
CHANNEL_WEIGHTS = (0.6, 0.1, 0.1, 0.2)
DBSTAT = "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"
COLUMNS = (
    "id, client_ref, unit_id, counter_id, officer_id, kiosk_id, instrument_id, channel, "
    "dossier_code, submitted_at, received_at, comment, flagged, is_spam, phone_hash, address_hash"
)


def load(n: int) -> None:
    from flask_migrate import upgrade

    from bench.analytics_data import CHUNK, MONTH, ZONE, _organisation, vacuum_analyze
    from survey_app.core.extensions import db
    from survey_app.models import Kiosk
    from survey_app.months import Month
    from survey_app.queries.instruments import get_current_instrument

    upgrade()
    units = _organisation()
    kiosks = {}
    for _unit_id, counters, _officers in units:
        for counter_id in counters:
            kiosk = Kiosk(counter_id=counter_id, name=f"Máy {counter_id}")
            db.session.add(kiosk)
            db.session.flush()
            kiosks[counter_id] = kiosk.id
    db.session.commit()
    instrument = get_current_instrument("sipas-2023")
    items = [item.id for item in instrument.items]
    start, end = Month.parse(MONTH).bounds(ZoneInfo(ZONE))
    levels = "levels" in {c["name"] for c in sa.inspect(db.engine).get_columns("survey_responses")}
    rng = np.random.default_rng(2026)
    connection = db.engine.raw_connection()
    cursor = connection.cursor()
    for first in range(1, n + 1, CHUNK):
        size = min(CHUNK, n + 1 - first)
        rows, values = _chunk(rng, first, size, units, kiosks, instrument, start, end)
        _write(cursor, db.engine.dialect.name, rows, values, items, levels)
    cursor.close()
    connection.commit()
    connection.close()
    # No transaction of this process may stay open: VACUUM keeps what its snapshot could see.
    db.session.remove()
    vacuum_analyze()


def _chunk(rng, first: int, size: int, units, kiosks, instrument, start, end):
    from bench.analytics_data import COMMENTS, _values

    unit_index = rng.integers(0, len(units), size)
    low = rng.random(size) < 0.12
    values = _values(rng, low, list(instrument.items))
    flagged = ((values > 0) & (values <= 3)).any(axis=1)
    channel = rng.choice(len(CHANNELS), size, p=CHANNEL_WEIGHTS)
    seconds = rng.random(size) * (end - start).total_seconds()
    slot = rng.integers(0, 10, size)
    has = rng.random((size, 4)) < (0.8, 0.7, 0.1, 0.15)  # officer, counter, dossier, comment
    naive_start = start.replace(tzinfo=None)
    rows = []
    for row in range(size):
        unit_id, counters, officers = units[unit_index[row]]
        counter = counters[slot[row] % len(counters)]
        kind = CHANNELS[channel[row]]
        kiosk = kiosks[counter] if kind == "kiosk" else None
        at = naive_start + timedelta(seconds=int(seconds[row]))
        hashes = (uuid.uuid4().hex[:16], uuid.uuid4().hex[:16]) if kind == "qr" else (None, None)
        rows.append(
            (
                first + row,
                str(uuid.uuid4()),
                unit_id,
                counter if has[row, 1] or kiosk else None,
                officers[slot[row]] if has[row, 0] else None,
                kiosk,
                instrument.id,
                kind,
                f"H{first + row:09d}" if has[row, 2] else None,
                at,
                at,
                COMMENTS[1 + row % 3] if has[row, 3] else "",
                bool(flagged[row]),
                False,
                *hashes,
            )
        )
    return rows, values


def _write(cursor, dialect: str, rows, values, items: list[int], levels: bool) -> None:
    from bench.analytics_data import _sqlite_time

    columns = COLUMNS + (", levels" if levels else "")
    if levels:
        from bench.analytics_data import as_levels

        rows = [(*row, text) for row, text in zip(rows, as_levels(values), strict=True)]
    answered, positions = np.nonzero(values)
    answers = zip(
        (answered + rows[0][0]).tolist(),
        np.array(items)[positions].tolist(),
        values[answered, positions].tolist(),
        strict=True,
    )
    if dialect == "postgresql":
        with cursor.copy(f"COPY survey_responses ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        if levels:  # the layout of 0013 queues the new responses for the tally run
            with cursor.copy("COPY untallied_responses (response_id) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((row[0],))
        if not levels:
            with cursor.copy("COPY answers (response_id, item_id, value) FROM STDIN") as copy:
                for row in answers:
                    copy.write_row(row)
        return
    marks = ", ".join("?" * len(rows[0]))
    timed = [(*row[:9], _sqlite_time(row[9]), _sqlite_time(row[10]), *row[11:]) for row in rows]
    cursor.executemany(f"INSERT INTO survey_responses ({columns}) VALUES ({marks})", timed)
    if levels:
        queued = ((row[0],) for row in rows)
        cursor.executemany("INSERT INTO untallied_responses (response_id) VALUES (?)", queued)
    if not levels:
        cursor.executemany("INSERT INTO answers VALUES (?, ?, ?)", answers)


def sizes() -> list[tuple[str, str, int]]:
    """(table, relation, bytes) of every table holding response data and of its indexes."""
    from survey_app.core.extensions import db

    names = ("survey_responses", "answers", "untallied_responses")
    tables = [t for t in names if sa.inspect(db.engine).has_table(t)]
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "postgresql":
            connection.execute(sa.text("ANALYZE"))
            return [row for table in tables for row in _pg_sizes(connection, table)]
        pages = {name: size for name, size in connection.execute(sa.text(DBSTAT))}
        owned = connection.execute(sa.text("SELECT tbl_name, name FROM sqlite_master")).all()
        return [(t, name, pages.get(name, 0)) for t, name in owned if t in tables]


def _pg_sizes(connection, table: str) -> list[tuple[str, str, int]]:
    heap = connection.scalar(sa.text("SELECT pg_relation_size(:t)"), {"t": table})
    total = connection.scalar(sa.text("SELECT pg_total_relation_size(:t)"), {"t": table})
    indexes = connection.execute(
        sa.text(
            "SELECT c.relname, pg_relation_size(c.oid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = CAST(:t AS regclass) "
            "ORDER BY 2 DESC"
        ),
        {"t": table},
    ).all()
    toast = total - heap - sum(size for _name, size in indexes)
    return [(table, table, heap), (table, "(toast)", toast), *((table, *row) for row in indexes)]


def report(title: str, n: int, found: list[tuple[str, str, int]]) -> None:
    print(f"\n{title}: {n:,} ratings of 20 items")
    print(f"{'relation':48} {'MB':>9} {'bytes/rating':>13}")
    for table, relation, size in found:
        name = relation if relation == table else f"  {relation}"
        print(f"{name:48} {size / 2**20:9.1f} {size / n:13.1f}")
    total = sum(size for _table, _relation, size in found)
    print(f"{'total':48} {total / 2**20:9.1f} {total / n:13.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--tally", action="store_true", help="sizes again after a tally run")
    parser.add_argument("--keep", action="store_true", help="keep a PostgreSQL bench database")
    arguments = parser.parse_args()
    from bench.analytics import bench_app, bench_database
    from bench.analytics_data import vacuum_analyze

    with (
        bench_database(arguments.database_url, arguments.keep) as url,
        bench_app(url).app_context(),
    ):
        began = time.perf_counter()
        load(arguments.n)
        print(f"loaded {arguments.n:,} ratings in {time.perf_counter() - began:.0f} s")
        backend = make_url(url).get_backend_name()
        report(f"{backend}, as loaded", arguments.n, sizes())
        if arguments.tally:
            from survey_app.core.extensions import db
            from survey_app.services.tallies import tally_responses

            began = time.perf_counter()
            tally_responses()
            print(f"\ntally run: {time.perf_counter() - began:.1f} s")
            db.session.remove()
            vacuum_analyze()
            report(f"{backend}, after the tally run", arguments.n, sizes())
    print(f"load average: {' '.join(f'{load:.1f}' for load in os.getloadavg())}")


if __name__ == "__main__":
    main()
