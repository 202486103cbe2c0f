"""Soak: steady load for a long while, to see whether memory or latency creep up.

    .venv/bin/python bench/soak.py --minutes 10 --rate 40

gunicorn serves the real app on a bench database `bench_soak` (127.0.0.1:5432, demo data, made
and dropped here). Ratings arrive at a fixed rate whatever the server does (open loop: a slow
answer does not slow the arrivals, and latency counts from the moment a rating was due), half as
QR visits (open the form in a new session, send it) and half through the kiosk API. Every
--sample seconds it prints the throughput, p50/p99 and the resident memory of all the workers;
at the end, the trend of each over the run (least squares, the first sample left out as warm-up)
and whether memory and latency stayed flat.

gunicorn's worker recycling (max_requests) would hide a leak, so it is off unless --recycle.
"""

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_clients import (  # noqa: E402
    KioskClient,
    QrClient,
    Tally,
    one_request,
    percentile,
)
from bench.load_setup import (  # noqa: E402
    bench_database,
    count_new_responses,
    last_response_id,
    prepare,
    real_server,
    worker_rss_kib,
)

# Flat: the fitted change over the run stays within these shares of the run's mean.
FLAT_MEMORY_SHARE = 0.10
FLAT_P99_SHARE = 0.50
CLIENTS_PER_KIND = 48  # enough idle clients that the arrivals never wait for one


@dataclass
class Sample:
    at_s: float
    sent: int
    ok: int
    errors: int
    p50_ms: float
    p99_ms: float
    rss_mib: float
    load: float  # the machine's 1-minute load average: other work shows up in the latency


async def run_load(clients: list[list], args, on_sample) -> int:
    """Send at `args.rate` per second, alternating between the kinds of client; returns how
    many were accepted. A rating counts in the sample during which its answer came."""
    loop = asyncio.get_running_loop()
    idle = [asyncio.Queue() for _ in clients]
    for queue, group in zip(idle, clients, strict=True):
        for client in group:
            queue.put_nowait(client)
    state = {"window": Tally(), "sent": 0, "accepted": 0}
    pending = set()
    start = loop.time()
    next_sample = start + args.sample
    for n in range(int(args.rate * args.minutes * 60)):
        due = start + n / args.rate
        await asyncio.sleep(max(0.0, due - loop.time()))
        queue = idle[n % len(idle)]
        if queue.empty():
            state["window"].error("no idle client: the server fell behind")
        else:
            task = asyncio.create_task(_send(queue, await queue.get(), due, state, loop))
            pending.add(task)
            task.add_done_callback(pending.discard)
            state["sent"] += 1
        if loop.time() >= next_sample:
            on_sample(loop.time() - start, state["sent"], state["window"])
            state |= {"window": Tally(), "sent": 0}
            next_sample += args.sample
    await asyncio.gather(*pending)
    on_sample(loop.time() - start, state["sent"], state["window"])
    return state["accepted"]


async def _send(queue: asyncio.Queue, client, due: float, state: dict, loop) -> None:
    """One rating; its latency counts from when it was due, not from when it left."""
    late_ms = (loop.time() - due) * 1000
    own = Tally()
    await one_request(client, own)
    queue.put_nowait(client)
    window = state["window"]
    window.latencies_ms += [latency + late_ms for latency in own.latencies_ms]
    for kind, count in own.errors.items():
        window.errors[kind] = window.errors.get(kind, 0) + count
    state["accepted"] += len(own.latencies_ms)


def slope_over_run(samples: list[Sample], value) -> tuple[float, float]:
    """(fitted change from the first to the last sample, mean), least squares."""
    xs = [s.at_s for s in samples]
    ys = [value(s) for s in samples]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return slope * (xs[-1] - xs[0]), mean_y


def verdict(samples: list[Sample]) -> bool:
    steady = samples[1:] if len(samples) > 2 else samples
    if len(steady) < 2:
        print("too short a run for a trend")
        return False
    flat = True
    for name, value, share, unit in (
        ("memory (all workers)", lambda s: s.rss_mib, FLAT_MEMORY_SHARE, "MiB"),
        ("p99 latency", lambda s: s.p99_ms, FLAT_P99_SHARE, "ms"),
        ("p50 latency", lambda s: s.p50_ms, FLAT_P99_SHARE, "ms"),
    ):
        change, mean = slope_over_run(steady, value)
        ok = abs(change) <= share * mean
        flat &= ok
        print(
            f"{name}: {change:+.1f} {unit} over the run (mean {mean:.1f} {unit}) -> "
            f"{'flat' if ok else 'NOT flat'} (limit ±{share:.0%} of the mean)"
        )
    return flat


def run(args: argparse.Namespace) -> bool:
    print(
        f"== soak: {args.rate:g} ratings/s for {args.minutes:g} min (half QR visits, half kiosk), "
        f"sampled every {args.sample:g} s; worker recycling {'on' if args.recycle else 'off'}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before start ==",
        flush=True,
    )
    samples: list[Sample] = []
    with tempfile.TemporaryDirectory() as work_dir, bench_database(args.database) as url:
        data = prepare(url, work_dir, kiosks=CLIENTS_PER_KIND)
        since = last_response_id(url)
        extra = [] if args.recycle else ["--max-requests", "0"]
        with real_server(url, work_dir, args.workers, extra) as server:
            rng = random.Random(2026)
            qr = [t for t in data.qr if t.counter_id is not None]
            clients = [
                [
                    QrClient(server.base_url, qr[n % len(qr)], random.Random(rng.random()), True)
                    for n in range(CLIENTS_PER_KIND)
                ],
                [
                    KioskClient(
                        server.base_url, data.kiosks[n % len(data.kiosks)], random.Random(n)
                    )
                    for n in range(CLIENTS_PER_KIND)
                ],
            ]
            print(
                f"{'t (s)':>6} {'sent':>6} {'ok':>6} {'err':>5} {'req/s':>7} {'p50':>7} "
                f"{'p99':>7} {'RSS MiB':>8} {'load':>5}  (workers: {len(server.worker_pids())})"
            )

            def on_sample(at: float, sent: int, tally: Tally) -> None:
                sample = Sample(
                    at_s=at,
                    sent=sent,
                    ok=len(tally.latencies_ms),
                    errors=tally.error_count,
                    p50_ms=percentile(tally.latencies_ms, 50),
                    p99_ms=percentile(tally.latencies_ms, 99),
                    rss_mib=worker_rss_kib(server) / 1024,
                    load=os.getloadavg()[0],
                )
                samples.append(sample)
                window = at - (samples[-2].at_s if len(samples) > 1 else 0)
                print(
                    f"{at:6.0f} {sent:6d} {sample.ok:6d} {sample.errors:5d} "
                    f"{sample.ok / window:7.1f} {sample.p50_ms:7.1f} {sample.p99_ms:7.1f} "
                    f"{sample.rss_mib:8.1f} {sample.load:5.1f}",
                    flush=True,
                )
                for kind, count in sorted(tally.errors.items()):
                    print(f"{'':8}error {kind} x{count}")

            cpu, started = time.process_time(), time.perf_counter()
            accepted = asyncio.run(run_load(clients, args, on_sample))
            elapsed = time.perf_counter() - started
        print(f"client CPU: {100 * (time.process_time() - cpu) / elapsed:.0f}% of one core")
        flat = verdict(samples)
        rows, distinct = count_new_responses(url, since)
        exact = rows == distinct == accepted
        print(
            f"check: {rows} rows stored, {distinct} distinct ids, {accepted} accepted: "
            f"{'OK' if exact else 'MISMATCH'}"
        )
        return flat and exact and not any(s.errors for s in samples)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=40, help="ratings per second, in all")
    parser.add_argument("--sample", type=float, default=30, help="seconds between samples")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config's)")
    parser.add_argument("--recycle", action="store_true", help="keep gunicorn's max_requests")
    parser.add_argument("--database", default="bench_soak", help="made and dropped on the server")
    return parser.parse_args()


def main() -> int:
    try:
        return 0 if run(parse_args()) else 1
    except KeyboardInterrupt:
        print("\ninterrupted: server stopped, database dropped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
