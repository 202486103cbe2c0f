"""The rating paths against the SHARED yardstick (/work/shared/yardstick: dbinsert.py, the least
anyone could write to store a rating), in one run, on PostgreSQL, with the same worker model and
the same client as its README: gunicorn 3 workers x 4 threads, `wrk -t2 -c32 -d10s`.

    .venv/bin/python bench/yardstick_run.py [--seconds 10] [--rounds 1] [--qr-targets 1000]
        [--open-rate 300]

The yardstick runs from its own folder (nothing is copied here); without that folder this says
so and stops. Our app runs as shipped (gunicorn settings of survey_app/core/gunicorn_conf.py,
production settings, rate limits counted in Redis, CSRF, validation, hold rules), with the
limits' amounts raised so that the load is never refused (their round trips stay). Each path
gets a warm-up, then `--rounds` turns of wrk taken in rotation:
- yardstick: POST /r with post.lua;
- kiosk API: POST /api/v1/responses, a new rating id each time, from 32 paired tablets
  (bench/wrk_kiosk.lua);
- QR form: POST /s/<code> with a form opened once (session cookie, CSRF token), each rating
  from a new phone and address with a new submission id (bench/wrk_qr.lua), so the hold rules
  run in full; the forms of 1,000 counters of 200 new communes in turn (--qr-targets), as a
  country's ratings arrive. `--qr-targets 0` sends them all to the demo's few counters: a
  stuffing attack, which the hold rules mostly hold (its figures are printed, by reason).
Prints requests/s, p50/p99, CPU ms per request (gunicorn, PostgreSQL, Redis) and each path's
ratio to the yardstick; checks every accepted rating is stored exactly once. With --open-rate,
then the open loop of the issue: that many ratings a second, half kiosk, half QR, for
--open-seconds (bench/open_loop.py).
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cpu_usage import backends_cpu, redis_server_pid  # noqa: E402
from bench.load_setup import (  # noqa: E402
    SERVER_URL,
    app_environment,
    bench_database,
    count_new_responses,
    last_response_id,
    prepare,
    rate_limit_storage,
)
from bench.open_loop import mixed_open_loop  # noqa: E402
from bench.sampling import sampled, summary  # noqa: E402
from bench.wrk_runs import (  # noqa: E402
    WrkResult,
    open_forms,
    phone_cookies,
    run_wrk,
    settle,
    tree_meter,
    write_lines,
)
from tests.helpers.live_server import gunicorn  # noqa: E402

YARDSTICK_DIR = Path(os.environ.get("BENCH_YARDSTICK_DIR", "/work/shared/yardstick"))
ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "survey_app" / "core" / "gunicorn_conf.py"
GOALS = {"kiosk api": 1.0, "qr form": 0.8}
PATHS = ("yardstick", "kiosk api", "qr form")


def worker_model(options) -> list[str]:
    return ["--workers", str(options.workers), "--threads", str(options.worker_threads)]


def start_yardstick(url: str, work_dir: str, options):
    """dbinsert.py from its folder; its tables made once first, as its README says."""
    env = {"DATABASE_URL": url, "PYTHONDONTWRITEBYTECODE": "1"}
    subprocess.run(
        [sys.executable, "-c", "import dbinsert"],
        cwd=YARDSTICK_DIR,
        env=os.environ | env,
        check=True,
    )
    args = ["--chdir", str(YARDSTICK_DIR), *worker_model(options), "--access-logfile", "/dev/null"]
    return gunicorn("dbinsert:app", env, Path(work_dir), args)


def start_app(env: dict, work_dir: str, options):
    args = ["--config", str(GUNICORN_CONF), *worker_model(options)]
    return gunicorn("survey_app:create_app()", env, Path(work_dir), args)


def qr_codes(data) -> dict[str, list[str]]:
    return {t.code: list(t.items) for t in data.qr if t.counter_id is not None}


def run(options) -> bool:
    if not (YARDSTICK_DIR / "dbinsert.py").exists():
        print(f"The shared yardstick is not at {YARDSTICK_DIR}: nothing to compare with.")
        return False
    print(
        f"== rating paths vs the shared yardstick: wrk -t{options.threads} "
        f"-c{options.connections} -d{options.seconds:g}s x {options.rounds} round(s); gunicorn "
        f"{options.workers} x {options.worker_threads}; {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}; rate-limit counters in {rate_limit_storage()} ==",
        flush=True,
    )
    with (
        tempfile.TemporaryDirectory() as work_dir,
        bench_database("bench_ystick_app") as url,
        bench_database("bench_ystick_shared") as shared_url,
    ):
        data = prepare(url, work_dir, kiosks=options.connections, qr_targets=options.qr_targets)
        env = app_environment(url, work_dir) | {"SURVEY_TRUSTED_PROXIES": "1"}
        since = last_response_id(url)
        with (
            start_yardstick(shared_url, work_dir, options) as yardstick,
            start_app(env, work_dir, options) as app,
        ):
            inputs = script_inputs(Path(work_dir), app.base_url, data, env, options)
            urls = {"app": url, "yardstick": shared_url}
            results = measure_paths(options, yardstick, app, inputs, urls)
            paced = None
            if options.open_rate:
                paced = mixed_open_loop(app.base_url, data, env, options)
        return report(results, options) & check_stored(
            url, since, results, paced, options.connections
        )


def script_inputs(work_dir: Path, base_url: str, data, env: dict, options) -> dict:
    nonce = random.Random().randrange(2**31)
    tokens = write_lines(work_dir / "tokens.txt", [k.token for k in data.kiosks])
    per_code = 1 if options.qr_targets else 2
    opened = open_forms(base_url, qr_codes(data), per_code)
    forms = write_lines(work_dir / "forms.txt", opened)

    def phones(run: int, seconds: float) -> str:
        """New phones for each wrk run (a phone that rated the same code within the repeat
        window would be held after one cheap query: not the path measured)."""
        wanted = int(options.qr_phones or 3000 * seconds + 1000)
        cookies = phone_cookies(env["SURVEY_SECRET_KEY"], wanted, nonce + run)
        return write_lines(work_dir / f"phones-{run}.txt", cookies)

    inputs = {"tokens": tokens, "forms": forms, "phones": phones, "nonce": nonce}
    return inputs | {"work_dir": work_dir}


def measure_paths(
    options, yardstick, app, inputs: dict, urls: dict[str, str]
) -> dict[str, list[WrkResult]]:
    """urls: the app's and the yardstick's databases. PostgreSQL's CPU is that of the backends
    serving the measured server's database: other work on the same PostgreSQL is left out."""
    redis = tree_meter(redis_server_pid(rate_limit_storage()))
    runs = 0

    def one(path: str, seconds: float) -> WrkResult:
        nonlocal runs
        runs += 1
        nonce = str(inputs["nonce"] + runs)
        if path == "yardstick":
            spec = (yardstick, "/r", str(YARDSTICK_DIR / "post.lua"), [])
        elif path == "kiosk api":
            spec = (app, "", "wrk_kiosk.lua", [inputs["tokens"], nonce])
        else:
            phones = inputs["phones"](runs, seconds)
            spec = (app, "", "wrk_qr.lua", [inputs["forms"], phones, nonce])
        server, suffix, script, args = spec
        database = urls["yardstick" if server is yardstick else "app"]
        meters = {
            "server": tree_meter(server.process.pid),
            "postgres": lambda: backends_cpu(SERVER_URL, make_url(database).database),
            "redis": redis,
        }
        settle()
        timed = argparse.Namespace(**{**vars(options), "seconds": seconds})
        if path != options.sample or seconds == options.warmup:
            return run_wrk(path, server.base_url + suffix, script, args, timed, meters)
        samples = Path(options.sample_dir or inputs["work_dir"]) / f"samples-{runs}.txt"
        with sampled(server.process.pid, samples):
            result = run_wrk(path, server.base_url + suffix, script, args, timed, meters)
        print(f"-- {path}, round {runs}: {summary(samples)}", flush=True)
        return result

    warm = {path: one(path, options.warmup) for path in PATHS}
    results = {path: [] for path in PATHS}
    for turn in range(options.rounds):
        for path in PATHS:
            results[path].append(one(path, options.seconds))
        print(
            f"  round {turn + 1}/{options.rounds}: "
            + ", ".join(f"{p} {r[-1].rps:.0f} req/s" for p, r in results.items()),
            flush=True,
        )
    results["warm-up"] = list(warm.values())
    return results


def combined(runs: list[WrkResult]) -> WrkResult:
    """Several rounds of one path as one: requests and CPU summed; the latencies are those of
    the round nearest the median throughput (wrk prints percentiles, not samples)."""
    middle = sorted(runs, key=lambda r: r.rps)[len(runs) // 2]
    total = WrkResult(runs[0].name, p50_ms=middle.p50_ms, p99_ms=middle.p99_ms)
    total.requests = sum(r.requests for r in runs)
    total.seconds = sum(r.seconds for r in runs)
    total.rps = total.requests / total.seconds if total.seconds else 0.0
    total.non_2xx = sum(r.non_2xx for r in runs)
    total.socket_errors = "; ".join(r.socket_errors for r in runs if r.socket_errors)
    for part in runs[0].cpu_s:
        total.cpu_s[part] = sum(r.cpu_s[part] for r in runs)
    return total


def report(results: dict[str, list[WrkResult]], options) -> bool:
    print(
        f"\n{'path':12} {'requests':>9} {'non-2xx':>8} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7}"
        f"   CPU ms/request: {'server':>7} {'postgres':>8} {'redis':>6} {'total':>6}"
    )
    measured = {path: combined(results[path]) for path in PATHS}
    for m in measured.values():
        cpu = [m.cpu_ms_per_request(part) for part in ("server", "postgres", "redis")]
        total = sum(part for part in cpu if part == part)
        print(
            f"{m.name:12} {m.requests:9d} {m.non_2xx:8d} {m.rps:8.0f} {m.p50_ms:7.1f}"
            f" {m.p99_ms:7.1f}   {'':16}{cpu[0]:7.2f} {cpu[1]:8.2f} {cpu[2]:6.2f} {total:6.2f}"
        )
        if m.socket_errors:
            print(f"{'':14}socket errors: {m.socket_errors}")
    print("(CPU during the run of the gunicorn tree, of the PostgreSQL backends serving its")
    print(" database, and of Redis; the machine's other work is not counted, but slows every path)")
    passed = True
    base = measured["yardstick"].rps
    for path, goal in GOALS.items():
        ratio = measured[path].rps / base if base else float("nan")
        meets = ratio >= goal and measured[path].non_2xx == 0
        passed &= meets
        print(
            f"{path}: {ratio:.2f}x the yardstick ({measured[path].rps:.0f} vs {base:.0f} req/s);"
            f" goal >= {goal:.1f}x -> {'meets' if meets else 'misses'} it"
        )
    return passed


def check_stored(url: str, since: int, results: dict, paced, connections: int) -> bool:
    """Every rating the app accepted (201 or 303, counted by the Lua scripts and the open-loop
    clients) is stored, once. wrk stops with up to one request in flight per connection, which
    the server still stores but wrk never counts: so many rows more than accepted are no loss."""
    wrk_runs = [r for path in ("kiosk api", "qr form") for r in results[path]]
    wrk_runs += [r for r in results["warm-up"] if r.name != "yardstick"]
    accepted = sum(r.accepted or 0 for r in wrk_runs)
    in_flight = connections * len(wrk_runs)
    if paced is not None:
        accepted += paced.done
        print(paced.summary())
    rows, distinct = count_new_responses(url, since)
    exact = rows == distinct and accepted <= rows <= accepted + in_flight
    print(
        f"check: {rows} response rows stored, {distinct} distinct ids, {accepted} accepted "
        f"(+ at most {in_flight} in flight when wrk stopped): {'OK' if exact else 'MISMATCH'}"
    )
    print_holds(url, since)
    return exact and (paced is None or paced.meets_goal)


def print_holds(url: str, since: int) -> None:
    """How the stored ratings came out of the hold rules, by channel: QR ratings from new
    phones and addresses meet every rule; the load itself soon makes a counter's burst."""
    engine = sa.create_engine(url)
    query = sa.text(
        "SELECT channel, coalesce(hold_reason, 'counted'), count(*) FROM survey_responses "
        "WHERE id > :since GROUP BY 1, 2 ORDER BY 1, 2"
    )
    with engine.connect() as connection:
        rows = connection.execute(query, {"since": since}).all()
    engine.dispose()
    print("stored: " + ", ".join(f"{channel} {reason} {n}" for channel, reason, n in rows))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="wrk -d, per path and round")
    parser.add_argument("--rounds", type=int, default=1, help="turns of the three paths")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured wrk run first")
    parser.add_argument("--connections", type=int, default=32, help="wrk -c")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers, both servers")
    parser.add_argument("--worker-threads", type=int, default=4, help="gunicorn threads")
    parser.add_argument("--qr-phones", type=int, help="phone cookies made for the QR script")
    parser.add_argument(
        "--qr-targets",
        type=int,
        default=1000,
        help="counters the QR ratings are spread over (0: the demo's few, a stuffing attack)",
    )
    parser.add_argument("--open-rate", type=float, default=0, help="then an open loop (req/s)")
    parser.add_argument("--open-seconds", type=float, default=60)
    parser.add_argument("--sample", choices=PATHS, help="py-spy that path's rounds: where CPU goes")
    parser.add_argument("--sample-dir", help="keep py-spy's folded stacks there")
    parser.add_argument("--verbose", action="store_true", help="print wrk's own output")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(0 if run(parse_args()) else 1)
