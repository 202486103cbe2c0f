"""Time `import_responses` on a fresh SQLite and/or PostgreSQL database.

    .venv/bin/python bench/import_responses.py --rows 100000 --backend both

Builds a province with communes, counters and officers, writes a realistic interchange CSV of
sipas-2023 paper forms, then times a first import, a second (idempotent) one and, for scale,
the export of one month of the province.
"""

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from survey_app import create_app  # noqa: E402
from survey_app.core.extensions import db  # noqa: E402
from survey_app.months import Month  # noqa: E402
from survey_app.queries.instruments import get_current_instrument
from survey_app.queries.units import get_unit_by_code  # noqa: E402
from survey_app.services.org.members import add_counter, add_officer, add_unit  # noqa: E402
from survey_app.services.responses.export import export_frame, write_export  # noqa: E402
from survey_app.services.responses.importing import import_responses  # noqa: E402
from tests.helpers.databases import fresh_database  # noqa: E402

COMMUNES = 40
COUNTERS_PER_COMMUNE = 3
OFFICERS_PER_COMMUNE = 4
LEVELS, LEVEL_WEIGHTS = (5, 4, 3, 2, 1), (55, 33, 8, 3, 1)
COMMENTS = (
    "Cán bộ hướng dẫn tận tình, chu đáo.",
    "Thời gian chờ hơi lâu, đề nghị bố trí thêm quầy.",
    "Phòng chờ sạch sẽ, có ghế ngồi và nước uống.",
    "Hồ sơ trả đúng hẹn, rất hài lòng.",
    "Cần niêm yết rõ hơn mức phí, lệ phí.",
    'Nhân viên nói "sẽ gọi lại", nhưng chưa thấy.\nMong được phản hồi sớm.',
)


def build_organisation() -> list[tuple[str, list[str], list[str]]]:
    """(commune code, counter codes, officer codes) for every commune of one province."""
    province = add_unit(code="BENCH", name="UBND tỉnh Thử Nghiệm")
    communes = []
    for number in range(1, COMMUNES + 1):
        unit = add_unit(code=f"X{number:03d}", name=f"UBND xã Số {number}", parent=province)
        counters = [
            add_counter(unit=unit, code=f"X{number:03d}-Q{q}", name=f"Quầy {q}").code
            for q in range(1, COUNTERS_PER_COMMUNE + 1)
        ]
        officers = [
            add_officer(unit=unit, code=f"X{number:03d}-CB{o}", full_name=f"Cán bộ {o}").code
            for o in range(1, OFFICERS_PER_COMMUNE + 1)
        ]
        communes.append((unit.code, counters, officers))
    db.session.commit()
    return communes


def write_csv(path: Path, rows: int, communes, item_codes: list[str]) -> None:
    rng = random.Random(2026)
    start = datetime(2026, 1, 5, 7, 30)
    header = ["ref", "submitted_at", "unit_code", "counter_code", "officer_code", "channel"]
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([*header, *item_codes, "comment"])
        for number in range(rows):
            unit, counters, officers = rng.choice(communes)
            moment = start + timedelta(minutes=rng.randrange(60 * 24 * 80))
            writer.writerow(
                [
                    f"PAPER-{number:07d}",
                    moment.isoformat(timespec="minutes"),
                    unit,
                    rng.choice(counters) if rng.random() < 0.7 else "",
                    rng.choice(officers) if rng.random() < 0.5 else "",
                    "paper",
                    *(_answer(rng, code) for code in item_codes),
                    rng.choice(COMMENTS) if rng.random() < 0.1 else "",
                ]
            )


def _answer(rng: random.Random, code: str) -> str:
    if code != "CHUNG" and rng.random() < 0.05:
        return ""  # "Không có ý kiến"
    return str(rng.choices(LEVELS, LEVEL_WEIGHTS)[0])


def run(backend: str, rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), backend) as url:
        app = create_app({"SURVEY_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            communes = build_organisation()
            items = [item.code for item in get_current_instrument("sipas-2023").items]
            path = Path(tmp) / "responses.csv"
            write_csv(path, rows, communes, items)
            for attempt in ("first import", "second import"):
                began = time.perf_counter()
                result = import_responses(path)
                seconds = time.perf_counter() - began
                print(
                    f"{backend:10} {attempt:13} {rows:>7} rows  {seconds:6.2f} s  "
                    f"{rows / seconds:>8,.0f} rows/s  imported={result.imported} "
                    f"already_present={result.already_present} errors={len(result.errors)}"
                )
            time_export(backend, Path(tmp) / "export.csv")
            db.engine.dispose()


def time_export(backend: str, path: Path) -> None:
    began = time.perf_counter()
    frame = export_frame(get_unit_by_code("BENCH"), Month(2026, 2), ZoneInfo("Asia/Ho_Chi_Minh"))
    write_export(frame, path)
    seconds = time.perf_counter() - began
    print(f"{backend:10} {'export 2026-02':13} {len(frame):>7} rows  {seconds:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    arguments = parser.parse_args()
    backends = ("sqlite", "postgresql") if arguments.backend == "both" else (arguments.backend,)
    for backend in backends:
        run(backend, arguments.rows)


if __name__ == "__main__":
    main()
