"""The load of bench/load.py and bench/soak.py: a light asyncio HTTP client, the scenarios (QR
form, kiosk API, yardstick) and their tally.

The client is a few lines of asyncio on raw sockets rather than requests or httpx: on a 2-core
machine that also runs the server and PostgreSQL, every microsecond the client spends is taken
from the server, so it must cost little and say what it cost (client CPU is printed).
"""

import asyncio
import itertools
import json
import re
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_setup import KIOSK_INSTRUMENT, KioskTarget, QrTarget  # noqa: E402

CSRF_INPUT = re.compile(rb'name="csrf_token"[^>]*value="([^"]*)"')
KIOSK_ITEMS = ("TC", "TT", "CC", "KQ", "PA", "CHUNG")


# --- a small HTTP/1.1 client ----------------------------------------------------------------


class HttpError(Exception):
    pass


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


class Connection:
    """One keep-alive connection with its own cookies; reconnects when the server closes."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}
        self._reader = self._writer = None

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict | None = None
    ) -> Reply:
        """Send on the kept-alive connection; if the server had closed it meanwhile (its idle
        timeout), send once more on a new one: every rating carries its id, so a repeat is safe."""
        reused = self._writer is not None
        try:
            return await self._request(method, path, body, headers)
        except (ConnectionError, asyncio.IncompleteReadError):
            if not reused:
                raise
            return await self._request(method, path, body, headers)

    async def _request(self, method: str, path: str, body: bytes, headers: dict | None) -> Reply:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        lines.append(f"Content-Length: {len(body)}")
        try:
            self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            reply = await self._read_reply()
        except (OSError, asyncio.IncompleteReadError, HttpError):
            self.close()
            raise
        if reply.headers.get("connection", "").lower() == "close":
            self.close()
        return reply

    async def _read_reply(self) -> Reply:
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers: dict[str, str] = {}
        for line in header_lines:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                self.cookies[cookie_name] = rest.split(";", 1)[0]
            headers[name] = value
        if "content-length" in headers:
            body = await self._reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._read_chunked()
        else:
            raise HttpError("reply without a length")
        return Reply(int(status_line.split(" ", 2)[1]), headers, body)

    async def _read_chunked(self) -> bytes:
        parts = []
        while size := int((await self._reader.readuntil(b"\r\n")).strip(), 16):
            parts.append(await self._reader.readexactly(size + 2))
        await self._reader.readuntil(b"\r\n")
        return b"".join(part[:-2] for part in parts)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


# --- the scenarios --------------------------------------------------------------------------


def levels(count: int, rng) -> list[int]:
    return [rng.choice((3, 4, 4, 5, 5)) for _ in range(count)]


class QrClient:
    """A phone that opened the survey once (CSRF token, session cookie) and sends ratings; with
    `visits`, every rating is a new visit: a new session opens the form, then sends it. With
    `others`, it rates them in turn (same questionnaire; its session's CSRF token is good for
    every code): a load spread over many counters rather than one."""

    expected = 303

    def __init__(
        self,
        base_url: str,
        target: QrTarget,
        rng,
        visits: bool = False,
        citizens=None,
        others: list[QrTarget] = (),
    ):
        self.connection, self.target, self.rng = Connection(base_url), target, rng
        self.path = f"/s/{target.code}"
        self.targets = itertools.cycle(others or [target])
        self.token = None
        self.visits = visits
        # (phone cookie, address) pairs: each rating from a citizen of its own, behind the
        # trusted proxy, so the hold rules run in full (bench/yardstick_run.py).
        self.citizens = citizens

    async def send(self) -> Reply:
        if self.visits:
            self.connection.cookies.clear()
            self.token = None
        if self.token is None:
            page = await self.connection.request("GET", self.path)
            found = CSRF_INPUT.search(page.body)
            if found is None:
                raise HttpError(f"GET {self.path}: {page.status} without a form")
            self.token = found.group(1).decode()
        self.target = next(self.targets)
        codes = list(self.target.items)
        form = dict(zip(codes, map(str, levels(len(codes), self.rng)), strict=True))
        form |= {"csrf_token": self.token, "submission_id": uuid.uuid4().hex, "comment": ""}
        body = urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.citizens is not None:
            phone, address = next(self.citizens)
            self.connection.cookies["sipas_phone"] = phone
            headers["X-Forwarded-For"] = address
        path = f"/s/{self.target.code}"
        return await self.connection.request("POST", path, body, headers)


class KioskClient:
    expected = 201

    def __init__(self, base_url: str, target: KioskTarget, rng):
        self.connection, self.target, self.rng = Connection(base_url), target, rng
        self.headers = {
            "Authorization": f"Bearer {target.token}",
            "Content-Type": "application/json",
        }

    async def send(self) -> Reply:
        body = {
            "id": str(uuid.uuid4()),
            "instrument": KIOSK_INSTRUMENT,
            "submitted_at": datetime.now(UTC).isoformat(),
            "answers": dict(zip(KIOSK_ITEMS, levels(len(KIOSK_ITEMS), self.rng), strict=True)),
        }
        return await self.connection.request(
            "POST", "/api/v1/responses", json.dumps(body).encode(), self.headers
        )


class YardstickClient:
    """The same response (same rows, same number of answers) for the yardstick app."""

    expected = 201

    def __init__(self, base_url: str, target: QrTarget | KioskTarget, rng):
        self.connection, self.target, self.rng = Connection(base_url), target, rng

    async def send(self) -> Reply:
        target = self.target
        values = levels(len(target.items), self.rng)
        body = {
            "client_ref": uuid.uuid4().hex,
            "unit_id": target.unit_id,
            "counter_id": target.counter_id,
            "officer_id": getattr(target, "officer_id", None),
            "instrument_id": target.instrument_id,
            "answers": dict(zip(map(str, target.items.values()), values, strict=True)),
        }
        headers = {"Content-Type": "application/json"}
        return await self.connection.request(
            "POST", "/responses", json.dumps(body).encode(), headers
        )


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


async def one_request(client, tally: Tally) -> None:
    started = time.perf_counter()
    try:
        reply = await client.send()
    except (OSError, asyncio.IncompleteReadError, HttpError) as error:
        tally.error(type(error).__name__)
        return
    if reply.status != client.expected:
        tally.error(f"HTTP {reply.status}")
        return
    tally.latencies_ms.append((time.perf_counter() - started) * 1000)


async def closed_loop(clients: list, seconds: float) -> Tally:
    """Each client sends, waits for the answer, sends again, until the time is up."""
    tally = Tally()
    deadline = time.perf_counter() + seconds

    async def run(client) -> None:
        while time.perf_counter() < deadline:
            await one_request(client, tally)
        client.connection.close()

    await asyncio.gather(*(run(client) for client in clients))
    return tally


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


@dataclass
class Measure:
    name: str
    seconds: float
    tally: Tally
    client_cpu_s: float
    # CPU of the server under test and of PostgreSQL meanwhile (bench/cpu_usage.py), if known.
    server_cpu_s: float = float("nan")
    db_cpu_s: float = float("nan")
    redis_cpu_s: float = float("nan")  # the rate-limit counters' server, when it is Redis

    @property
    def done(self) -> int:
        return len(self.tally.latencies_ms)

    @property
    def throughput(self) -> float:
        return self.done / self.seconds

    def p(self, n: int) -> float:
        return percentile(self.tally.latencies_ms, n)


def measure(name: str, clients: list, seconds: float) -> Measure:
    """Run the clients for `seconds` in a fresh event loop and time them."""
    cpu, started = time.process_time(), time.perf_counter()
    tally = asyncio.run(closed_loop(clients, seconds))
    elapsed = time.perf_counter() - started
    return Measure(name, elapsed, tally, time.process_time() - cpu)
