"""An open-loop measurement for bench/load.py, apart from its goal: each client sends at its
own fixed pace whatever the server does, as tablets and phones do, and a request's latency
counts from the moment it was due, so a server that falls behind cannot hide it by slowing the
senders down (a closed loop's clients wait for each answer before sending again).
"""

import asyncio
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count

from itsdangerous import URLSafeSerializer

from bench.load_clients import KioskClient, Measure, QrClient, Tally, one_request, percentile


async def _paced(clients: list, rate: float, seconds: float) -> Tally:
    tally = Tally()
    start = time.perf_counter() + 0.05
    interval = 1 / rate

    async def run(index: int, client) -> None:
        # Spread the clients over one interval, then each keeps its own pace.
        due = start + interval * index / len(clients)
        while due < start + seconds:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            late = time.perf_counter() - due  # > 0 when this client's last answer came late
            before = len(tally.latencies_ms)
            await one_request(client, tally)
            if len(tally.latencies_ms) > before:
                tally.latencies_ms[-1] += 1000 * max(0.0, late)
            due += interval
        client.connection.close()

    await asyncio.gather(*(run(index, client) for index, client in enumerate(clients)))
    return tally


def measure_open_loop(name: str, clients: list, rate: float, seconds: float) -> Measure:
    """`rate` requests a second from each client, for `seconds`."""
    cpu, started = time.process_time(), time.perf_counter()
    tally = asyncio.run(_paced(clients, rate, seconds))
    return Measure(name, time.perf_counter() - started, tally, time.process_time() - cpu)


# --- the open loop: ratings offered at a fixed total rate, half kiosk, half QR -----

OPEN_GOAL_P99_MS = 50.0


@dataclass
class MixedOpenLoop:
    rate: float
    seconds: float
    kiosk: Measure
    qr: Measure
    offered: int

    @property
    def done(self) -> int:
        return self.kiosk.done + self.qr.done

    @property
    def p99(self) -> float:
        return percentile(self.kiosk.tally.latencies_ms + self.qr.tally.latencies_ms, 99)

    @property
    def meets_goal(self) -> bool:
        errors = self.kiosk.tally.error_count + self.qr.tally.error_count
        return errors == 0 and self.done == self.offered and self.p99 < OPEN_GOAL_P99_MS

    def summary(self) -> str:
        lines = [
            f"\nopen loop: {self.rate:g} ratings/s offered (half kiosk, half QR) for "
            f"{self.seconds:g} s; latency counted from when each was due"
        ]
        for m in (self.kiosk, self.qr):
            lines.append(
                f"  {m.name:10} {m.done:6d} ok {m.tally.error_count:4d} err {m.throughput:7.1f}"
                f" req/s  p50 {m.p(50):6.1f}  p99 {m.p(99):6.1f} ms  {dict(m.tally.errors)}"
            )
        lines.append(
            f"  together: {self.done} of {self.offered} offered answered, p99 {self.p99:.1f} ms"
            f" (goal < {OPEN_GOAL_P99_MS:g}) -> {'meets' if self.meets_goal else 'misses'} it"
        )
        return "\n".join(lines)


def _citizens(secret_key: str, seed: int) -> Iterator[tuple[str, str]]:
    """Endless (phone cookie, address) pairs, a new citizen each time."""
    signer = URLSafeSerializer(secret_key, salt="rating-phone")
    for n in count():
        yield signer.dumps(f"open-{seed}-{n}"), f"10.200.{n // 256 % 256}.{n % 256}"


def mixed_open_loop(base_url: str, data, env: dict, options) -> MixedOpenLoop:
    """options.open_rate ratings a second for options.open_seconds, half through the kiosk
    API (one client per paired tablet), half through the QR form (as many phones' sessions,
    each rating from a new citizen)."""
    rng = random.Random(2026)
    citizens = _citizens(env["SURVEY_SECRET_KEY"], rng.randrange(2**31))
    qr_targets = [t for t in data.qr if t.counter_id is not None]
    kiosks = [KioskClient(base_url, t, random.Random(rng.random())) for t in data.kiosks]
    phones = [
        QrClient(
            base_url,
            qr_targets[n % len(qr_targets)],
            random.Random(rng.random()),
            citizens=citizens,
            others=qr_targets[n :: len(kiosks)],
        )
        for n in range(len(kiosks))
    ]
    per_client = options.open_rate / 2 / len(kiosks)

    async def both() -> tuple[Tally, Tally]:
        return await asyncio.gather(
            _paced(kiosks, per_client, options.open_seconds),
            _paced(phones, per_client, options.open_seconds),
        )

    cpu, started = time.process_time(), time.perf_counter()
    kiosk_tally, qr_tally = asyncio.run(both())
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    # Every request sent is either answered as expected or counted as an error.
    offered = sum(len(t.latencies_ms) + t.error_count for t in (kiosk_tally, qr_tally))
    return MixedOpenLoop(
        options.open_rate,
        options.open_seconds,
        Measure("kiosk api", elapsed, kiosk_tally, cpu / 2),
        Measure("qr form", elapsed, qr_tally, cpu / 2),
        offered,
    )
