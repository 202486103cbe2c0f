"""An open-loop measurement for bench/load.py, apart from its goal: each client sends at its
own fixed pace whatever the server does, as tablets and phones do, and a request's latency
counts from the moment it was due, so a server that falls behind cannot hide it by slowing the
senders down (a closed loop's clients wait for each answer before sending again).
"""

import asyncio
import time

from bench.load_clients import Measure, Tally, one_request


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
