"""The tally run on a database that holds ratings already (one bench/storage.py left with --keep,
or an SQLite file): every response is put back on the queue and the tallies emptied, then one
run counts them all; prints its seconds and the rows and bytes of each tally table.

    .venv/bin/python bench/storage.py --n 1000000 --keep \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/survey_bench_tallies
    .venv/bin/python bench/tally_run.py --upgrade \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/survey_bench_tallies

--upgrade first migrates the database to the checkout's head (timed: a database tallied by an
older revision converts its tallies then). Bytes: PostgreSQL's pg_total_relation_size after
VACUUM ANALYZE (indexes included); SQLite's dbstat pages. Run it from an older checkout to
measure that revision's run.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TALLIES = (
    *(
        f"{grain}_{kind}_tallies"
        for grain in ("person", "place")
        for kind in ("response", "answer", "factor")
    ),
    "arrival_day_tallies",
)


def requeue() -> int:
    """Every response on the queue again, no tallies: what the next run counts is all of it."""
    from survey_app.core.extensions import db

    for table in (*TALLIES, "untallied_responses"):
        db.session.execute(sa.text(f"DELETE FROM {table}"))
    db.session.execute(
        sa.text("INSERT INTO untallied_responses (response_id) SELECT id FROM survey_responses")
    )
    db.session.commit()
    return db.session.scalar(sa.text("SELECT count(*) FROM untallied_responses"))


def table_sizes() -> list[tuple[str, int, int]]:
    """(table, rows, bytes with its indexes) of each tally table."""
    from survey_app.core.extensions import db

    found = []
    with db.engine.connect() as connection:
        postgresql = connection.dialect.name == "postgresql"
        pages = {}
        if not postgresql:
            pages = dict(
                connection.execute(
                    sa.text("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
                ).all()
            )
            owned = connection.execute(sa.text("SELECT tbl_name, name FROM sqlite_master")).all()
        for table in TALLIES:
            rows = connection.scalar(sa.text(f"SELECT count(*) FROM {table}"))
            if postgresql:
                size = connection.scalar(sa.text("SELECT pg_total_relation_size(:t)"), {"t": table})
            else:
                size = sum(pages.get(name, 0) for owner, name in owned if owner == table)
            found.append((table, rows, size))
    return found


def timed_statements(engine) -> list[tuple[float, str]]:
    """A list that fills with (seconds, SQL) of each statement the engine runs from now on."""
    from sqlalchemy import event

    spent: list[tuple[float, str]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def started(connection, cursor, statement, parameters, context, executemany):
        connection.info["began"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def ended(connection, cursor, statement, parameters, context, executemany):
        spent.append((time.perf_counter() - connection.info["began"], statement))

    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--upgrade", action="store_true", help="migrate to head first (timed)")
    parser.add_argument("--statements", type=int, default=0, help="show the N slowest statements")
    arguments = parser.parse_args()
    from bench.analytics import bench_app
    from bench.analytics_data import vacuum_analyze
    from survey_app.core.extensions import db
    from survey_app.services.tallies import tally_responses

    with bench_app(arguments.database_url).app_context():
        if arguments.upgrade:
            from flask_migrate import upgrade

            began = time.perf_counter()
            upgrade()
            print(f"upgrade to head: {time.perf_counter() - began:.1f} s")
            db.session.remove()
        responses = requeue()
        db.session.remove()
        vacuum_analyze()
        spent = timed_statements(db.engine) if arguments.statements else []
        began = time.perf_counter()
        tally_responses()
        seconds = time.perf_counter() - began
        for duration, statement in sorted(spent, reverse=True)[: arguments.statements]:
            print(f"{duration:7.2f} s  {' '.join(statement.split())[:160]}")
        db.session.remove()
        vacuum_analyze()
        backend = db.engine.dialect.name
        print(f"\n{backend}: tally run of {responses:,} responses: {seconds:.1f} s "
              f"({seconds * 1_000_000 / responses:.1f} s per 1M)")  # fmt: skip
        print(f"{'table':18} {'rows':>12} {'MB':>9} {'bytes/response':>15}")
        for table, rows, size in table_sizes():
            print(f"{table:18} {rows:12,} {size / 2**20:9.1f} {size / responses:15.1f}")
    print(f"load average: {' '.join(f'{load:.1f}' for load in os.getloadavg())}")


if __name__ == "__main__":
    main()
