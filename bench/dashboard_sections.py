"""Where a province's monthly dashboard spends its time, section by section, on a database that
bench/national.py kept:

    .venv/bin/python bench/national.py --n 10000000 --keep --phases tally,size
    .venv/bin/python bench/dashboard_sections.py

Builds the dashboard of the largest province for March three times (the first in a new process),
then once more with each section the dashboard calls timed on its own, and prints the sections,
slowest first. The goal (issue 19) is the whole under 1 s. With --profile, the cProfile
functions of one more build, heaviest first (--sort tottime or cumulative).
"""

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.analytics import bench_app  # noqa: E402
from bench.national import DEFAULT_URL, MONTH, _largest_province  # noqa: E402
from survey_app.core.gunicorn_conf import tune_garbage_collection  # noqa: E402

# What analytics.dashboard.build_dashboard calls, by the names it imports them under.
SECTIONS = (
    "month_cube", "evaluate_officers", "published_trend", "figures_by_counter",
    "figures_by_channel", "arrival_grid", "list_recent_comments", "count_period_themes",
    "list_flagged_responses", "get_closure", "amendment", "item_texts", "count_follow_ups",
)  # fmt: skip


def timed_sections(build) -> dict[str, float]:
    """Seconds in each section during one `build()`: each name wrapped where the dashboard
    module looks it up, and put back afterwards."""
    import analytics.dashboard as dashboard

    spent = dict.fromkeys(SECTIONS, 0.0)
    originals = {name: getattr(dashboard, name) for name in SECTIONS}

    def wrapped(name, function):
        def run(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - began

        return run

    try:
        for name, function in originals.items():
            setattr(dashboard, name, wrapped(name, function))
        build()
    finally:
        for name, function in originals.items():
            setattr(dashboard, name, function)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--profile", action="store_true", help="cProfile one more build")
    parser.add_argument("--sort", default="cumulative", help="pstats order for --profile")
    parser.add_argument("--top", type=int, default=60, help="functions shown for --profile")
    arguments = parser.parse_args()
    app = bench_app(arguments.database_url)
    tune_garbage_collection()  # as a web worker does once it has loaded the app
    with app.app_context():
        from analytics.dashboard import build_dashboard
        from survey_app.core.extensions import db
        from survey_app.models import Unit
        from survey_app.months import Month

        province_id, month = _largest_province().id, Month.parse(MONTH)
        for run in range(3):
            db.session.remove()  # each build in a session of its own, as each request
            began = time.perf_counter()
            province = db.session.get(Unit, province_id)
            build_dashboard(province, month)
            print(f"dashboard, build {run + 1}: {time.perf_counter() - began:.2f} s (goal < 1 s)")
        db.session.remove()
        province = db.session.get(Unit, province_id)
        spent = timed_sections(lambda: build_dashboard(province, month))
        print(f"\n{province.name}, {month}: seconds per section")
        for name, seconds in sorted(spent.items(), key=lambda pair: -pair[1]):
            print(f"  {name:24} {seconds:6.3f}")
        if arguments.profile:
            db.session.remove()
            province = db.session.get(Unit, province_id)
            profiler = cProfile.Profile(time.process_time)
            profiler.runcall(build_dashboard, province, month)
            stats = pstats.Stats(profiler).strip_dirs()
            stats.sort_stats(arguments.sort).print_stats(arguments.top)


if __name__ == "__main__":
    main()
