"""Load: gunicorn + PostgreSQL, concurrent clients sending ratings through the QR form and the
kiosk API, against a yardstick (bench/yardstick_app.py: a bare Flask + SQLAlchemy handler
inserting the same rows with no validation) in the same run.

    .venv/bin/python bench/load.py --clients 32 --seconds 30

A bench database `bench_load` is made on 127.0.0.1:5432 with the demo data and dropped after.
Each scenario warms up, then runs C closed-loop clients (each sends, waits, sends again) for a
fixed time, split into short turns taken in rotation so that the machine's other work weighs on
every scenario alike: the QR form (a phone opens the form once for its CSRF token and session, then
posts ratings, each with a new submission id, expecting 303), the kiosk API (POST
/api/v1/responses with a device token, expecting 201), and the yardstick with the same rows as
each. Prints per scenario: requests, throughput, p50/p90/p99, errors and the client's own CPU;
then real / yardstick for each path, and checks that the database holds exactly one row per
accepted request.

Goal: each real path at >= 0.8 of its yardstick's throughput, p99 < 100 ms at 32 clients.

The app's rate limits are on, with limits too high to refuse anyone, and their counters in Redis
as in production when Redis answers on 127.0.0.1:6379 (BENCH_RATELIMIT_STORAGE_URL chooses).

Also printed: the CPU each request cost the server, PostgreSQL, Redis and the client, and the
throughput that CPU alone would allow on this machine. With --open-rate R, a second measurement
follows that is not the goal: the same clients each sending R requests a second whatever the
server does (open loop, bench/open_loop.py), with latencies counted from when each was due.
"""

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cpu_usage import postgres_server_pid, redis_server_pid, tree_cpu_seconds  # noqa: E402
from bench.load_clients import (  # noqa: E402
    KioskClient,
    Measure,
    QrClient,
    Tally,
    YardstickClient,
    measure,
)
from bench.load_setup import (  # noqa: E402
    BenchData,
    bench_database,
    count_new_responses,
    last_response_id,
    prepare,
    rate_limit_storage,
    real_server,
    yardstick_server,
)
from bench.open_loop import measure_open_loop  # noqa: E402

GOAL_RATIO = 0.8
GOAL_P99_MS = 100.0


def scenarios(data: BenchData, real_url: str, yardstick_url: str, clients: int) -> dict:
    """name -> a function making the clients; each client gets its own target and seed."""
    rng = random.Random(2026)

    def spread(targets, make, base_url):
        return lambda: [
            make(base_url, targets[n % len(targets)], random.Random(rng.random()))
            for n in range(clients)
        ]

    qr = [target for target in data.qr if target.counter_id is not None]
    found = {
        "qr form": spread(qr, QrClient, real_url),
        "yardstick (qr rows)": spread(qr, YardstickClient, yardstick_url),
    }
    if data.kiosks:
        found["kiosk api"] = spread(data.kiosks, KioskClient, real_url)
        found["yardstick (kiosk rows)"] = spread(data.kiosks, YardstickClient, yardstick_url)
    return found


def combined(name: str, runs: list[Measure]) -> Measure:
    tally = Tally()
    for run in runs:
        tally.latencies_ms += run.tally.latencies_ms
        for kind, count in run.tally.errors.items():
            tally.errors[kind] = tally.errors.get(kind, 0) + count
    seconds = sum(run.seconds for run in runs)
    total = Measure(name, seconds, tally, sum(run.client_cpu_s for run in runs))
    total.server_cpu_s = sum(run.server_cpu_s for run in runs)
    total.db_cpu_s = sum(run.db_cpu_s for run in runs)
    total.redis_cpu_s = sum(run.redis_cpu_s for run in runs)
    return total


def measure_with_cpu(name: str, clients: list, seconds: float, pids: tuple) -> Measure:
    """measure(), with the CPU the server (pids[0]), PostgreSQL (pids[1]) and Redis (pids[2])
    used meanwhile."""
    before = [tree_cpu_seconds(pid) if pid else float("nan") for pid in pids]
    result = measure(name, clients, seconds)
    after = [tree_cpu_seconds(pid) if pid else float("nan") for pid in pids]
    used = (b - a for a, b in zip(before, after, strict=True))
    result.server_cpu_s, result.db_cpu_s, result.redis_cpu_s = used
    return result


def report_cpu(measures: list[Measure], clients: int) -> None:
    """Where each request's CPU went, the throughput that CPU alone would allow, and so the
    least mean latency the closed loop can have: clients / throughput (Little's law). A p99
    under the goal needs that mean under it first."""
    print(
        f"\n{'CPU per request (ms)':24} {'server':>7} {'postgres':>9} {'redis':>6} {'client':>7}"
        f" {'total':>7}"
    )
    for m in measures:
        count = max(m.done + m.tally.error_count, 1)
        cpu = (m.server_cpu_s, m.db_cpu_s, m.redis_cpu_s, m.client_cpu_s)
        parts = [1000 * seconds / count for seconds in cpu]
        total = sum(part for part in parts if part == part)  # Redis is nan when not used
        ceiling = (os.cpu_count() or 1) * 1000 / total
        print(
            f"{m.name:24} {parts[0]:7.2f} {parts[1]:9.2f} {parts[2]:6.2f} {parts[3]:7.2f}"
            f" {total:7.2f}   -> at most {ceiling:.0f} req/s on {os.cpu_count()} cores, a mean"
            f" latency of at least {1000 * clients / ceiling:.0f} ms at {clients} clients"
        )
    print("(postgres: every backend of the server, whatever it serves; redis: the rate-limit")
    print(" counters' server; the machine's other work is not counted, so the ceiling holds only")
    print(" if nothing else runs)")


def report(measures: list[Measure], clients: int) -> bool:
    print(
        f"\n{'scenario':24} {'ok':>7} {'err':>5} {'req/s':>8} {'p50':>7} {'p90':>7} {'p99':>7}"
        f" {'client CPU':>11} {'µs/req':>7}"
    )
    for m in measures:
        cpu_pct = 100 * m.client_cpu_s / m.seconds
        per_request = 1e6 * m.client_cpu_s / max(m.done + m.tally.error_count, 1)
        print(
            f"{m.name:24} {m.done:7d} {m.tally.error_count:5d} {m.throughput:8.1f} "
            f"{m.p(50):7.1f} {m.p(90):7.1f} {m.p(99):7.1f} {cpu_pct:10.0f}% {per_request:7.0f}"
        )
        for kind, count in sorted(m.tally.errors.items()):
            print(f"{'':26}error {kind} x{count}")
    print(
        "(latencies in ms; client CPU is this process, one core at most: near 100% would mean"
        " the client, not the server, is the limit)"
    )
    by_name = {m.name: m for m in measures}
    passed = True
    for path, yardstick in (
        ("qr form", "yardstick (qr rows)"),
        ("kiosk api", "yardstick (kiosk rows)"),
    ):
        if path not in by_name:
            print(f"{path}: not measured (not in this tree)")
            continue
        real, bare = by_name[path], by_name[yardstick]
        ratio = real.throughput / bare.throughput if bare.throughput else float("nan")
        meets = ratio >= GOAL_RATIO and real.p(99) < GOAL_P99_MS
        passed &= meets
        print(
            f"{path}: {ratio:.2f} of the yardstick's throughput "
            f"({real.throughput:.0f} vs {bare.throughput:.0f} req/s), p99 {real.p(99):.0f} ms "
            f"vs {bare.p(99):.0f} ms at {clients} clients -> "
            f"{'meets' if meets else 'misses'} the goal"
        )
    return passed


def run(args: argparse.Namespace) -> bool:
    print(
        f"== load: {args.clients} clients, {args.seconds:.0f} s per scenario after "
        f"{args.warmup:.0f} s warm-up; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} before start; rate-limit counters in "
        f"{rate_limit_storage()} ==",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as work_dir, bench_database(args.database) as url:
        data = prepare(url, work_dir, kiosks=args.clients)
        since = last_response_id(url)
        accepted = 0
        with (
            real_server(url, work_dir, args.workers) as real,
            yardstick_server(url, work_dir, args.workers) as yardstick,
        ):
            print(
                f"gunicorn workers: real {len(real.worker_pids())}, "
                f"yardstick {len(yardstick.worker_pids())}",
                flush=True,
            )
            # The same clients in every turn: a phone opens the form once, then keeps sending.
            makers = scenarios(data, real.base_url, yardstick.base_url, args.clients)
            clients = {name: make() for name, make in makers.items()}
            db_pids = postgres_server_pid(url), redis_server_pid(rate_limit_storage())
            pids = {
                name: (yardstick if name.startswith("yardstick") else real).process.pid
                for name in makers
            }
            for name, group in clients.items():
                accepted += measure(name, group, args.warmup).done
            measures = closed_loop_turns(clients, pids, db_pids, args)
            accepted += sum(m.done for m in measures)
            paced = [
                measure_open_loop(name, group, args.open_rate, args.seconds)
                for name, group in (clients.items() if args.open_rate else ())
            ]
            accepted += sum(m.done for m in paced)
        passed = report(measures, args.clients)
        report_cpu(measures, args.clients)
        if paced:
            report_open_loop(paced, args.open_rate)
        rows, distinct = count_new_responses(url, since)
        exact = rows == distinct == accepted
        print(
            f"check: {rows} rows stored, {distinct} distinct ids, {accepted} accepted: "
            f"{'OK' if exact else 'MISMATCH'}"
        )
        return passed and exact


def closed_loop_turns(clients: dict, pids: dict, db_pids: tuple, args) -> list[Measure]:
    """Short turns in rotation: the other work on the machine comes and goes, and should weigh
    on every scenario alike."""
    turns = {name: [] for name in clients}
    for turn in range(args.turns):
        for name, group in clients.items():
            seconds = args.seconds / args.turns
            turns[name].append(measure_with_cpu(name, group, seconds, (pids[name], *db_pids)))
        print(
            f"  turn {turn + 1}/{args.turns}: "
            + ", ".join(f"{name} {runs[-1].throughput:.0f} req/s" for name, runs in turns.items()),
            flush=True,
        )
    return [combined(name, runs) for name, runs in turns.items()]


def report_open_loop(measures: list[Measure], rate: float) -> None:
    print(
        f"\nSecond measurement, NOT the issue's goal (open loop: each client sends {rate:g} a"
        " second whatever the server does; latency from when each request was due):"
    )
    for m in measures:
        print(
            f"{m.name:24} {m.done:7d} ok {m.tally.error_count:5d} err {m.throughput:8.1f} req/s"
            f"  p50 {m.p(50):7.1f}  p90 {m.p(90):7.1f}  p99 {m.p(99):7.1f} ms"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=30, help="measured time per scenario")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured time before each")
    parser.add_argument("--turns", type=int, default=6, help="turns the time is split into")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config's)")
    parser.add_argument("--database", default="bench_load", help="made and dropped on the server")
    parser.add_argument(
        "--open-rate",
        type=float,
        default=0,
        help="then also an open-loop run: requests a second from each client (0: none)",
    )
    return parser.parse_args()


def main() -> int:
    try:
        return 0 if run(parse_args()) else 1
    except KeyboardInterrupt:
        print("\ninterrupted: servers stopped, database dropped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
