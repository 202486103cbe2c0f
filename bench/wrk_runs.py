"""What bench/yardstick_run.py needs around wrk: running it with a Lua script, reading its
figures, the CPU the servers used meanwhile, and the inputs of the Lua scripts (device tokens;
QR forms opened once for their session cookie and CSRF token; phone cookies signed as the
server signs them).
"""

import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests
from itsdangerous import URLSafeSerializer

from bench.cpu_usage import tree_cpu_seconds

BENCH = Path(__file__).resolve().parent
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]*)"')
PHONE_SALT = "rating-phone"  # survey_app/blueprints/phone_cookie.py
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


@dataclass
class WrkResult:
    name: str
    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float = float("nan")
    p99_ms: float = float("nan")
    non_2xx: int = 0
    socket_errors: str = ""
    accepted: int | None = None  # counted by the Lua script: 201 (kiosk) or 303 (QR)
    cpu_s: dict[str, float] = field(default_factory=dict)  # server, postgres, redis

    def cpu_ms_per_request(self, part: str) -> float:
        return 1000 * self.cpu_s.get(part, float("nan")) / max(self.requests, 1)


def require_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    return found


def _latency_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()
    return float(number) * UNITS_MS[unit]


def parse_wrk(name: str, output: str) -> WrkResult:
    result = WrkResult(name)
    if found := re.search(r"(\d+) requests in ([\d.]+)(s|m)", output):
        result.requests = int(found.group(1))
        result.seconds = float(found.group(2)) * (60 if found.group(3) == "m" else 1)
    if found := re.search(r"Requests/sec:\s+([\d.]+)", output):
        result.rps = float(found.group(1))
    for percent, attribute in (("50", "p50_ms"), ("99", "p99_ms")):
        if found := re.search(
            rf"^\s+{percent}(?:\.000)?%\s+([\d.]+(?:us|ms|s|m|h))\s*$", output, re.M
        ):
            setattr(result, attribute, _latency_ms(found.group(1)))
    if found := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        result.non_2xx = int(found.group(1))
    if found := re.search(r"Socket errors: (.*)", output):
        result.socket_errors = found.group(1)
    if found := re.search(r"^ACCEPTED (\d+)$", output, re.M):
        result.accepted = int(found.group(1))
    return result


# A meter reads the CPU used so far by some processes, by pid.
Meter = Callable[[], dict[int, float]]


def run_wrk(
    name: str, url: str, script: str, script_args: list[str], options, meters: dict[str, Meter]
) -> WrkResult:
    """wrk with the yardstick's client settings; the CPU each meter saw used during the run."""
    command = [require_wrk(), f"-t{options.threads}", f"-c{options.connections}"]
    command += [f"-d{options.seconds:g}s", "--latency", "-s", str(BENCH / script), url]
    command += ["--", *script_args] if script_args else []
    before = {part: meter() for part, meter in meters.items()}
    done = subprocess.run(command, capture_output=True, text=True)
    after = {part: meter() for part, meter in meters.items()}
    if done.returncode != 0 or "PANIC" in done.stdout:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    result = parse_wrk(name, done.stdout)
    result.cpu_s = {part: used(before[part], after[part]) for part in meters}
    if options.verbose:
        print(done.stdout, flush=True)
    return result


def tree_meter(pid: int | None) -> Meter:
    """A process and its children (gunicorn's master and workers; Redis)."""
    return lambda: {pid: tree_cpu_seconds(pid)} if pid else {}


def used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two readings: processes started meanwhile count from zero; processes
    ended meanwhile are lost (rare: the pools keep their connections)."""
    if not after:
        return float("nan")
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def write_lines(path: Path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def open_forms(base_url: str, codes: dict[str, list[str]], per_code: int = 2) -> list[str]:
    """Open each survey form `per_code` times as a phone would: one line per visit for
    wrk_qr.lua (path, session cookie, CSRF token, item codes)."""
    lines = []
    for code, items in codes.items():
        for _ in range(per_code):
            visit = requests.Session()
            page = visit.get(f"{base_url}/s/{code}", timeout=30)
            page.raise_for_status()
            token = CSRF_INPUT.search(page.text).group(1)
            cookie = f"session={visit.cookies['session']}"
            lines.append("\t".join((f"/s/{code}", cookie, token, ",".join(items))))
    return lines


def phone_cookies(secret_key: str, count: int, seed: int) -> list[str]:
    """`count` phones' cookies, signed with the server's key as the form's page would sign them
    (blueprints/phone_cookie.py): every rating of the run comes from a phone of its own."""
    signer = URLSafeSerializer(secret_key, salt=PHONE_SALT)
    return [signer.dumps(f"bench-{seed}-{n}") for n in range(count)]


def settle(seconds: float = 1.0) -> None:
    """A pause between runs: PostgreSQL's and the workers' leftovers of one run should not
    weigh on the next."""
    time.sleep(seconds)
