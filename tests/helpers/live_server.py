"""Real servers for the fault tests and the load benches: the app under gunicorn, and a private
PostgreSQL cluster that a test may stop, restart or kill without touching the machine's own."""

import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60
POSTGRES_BIN_GLOB = "/usr/lib/postgresql/*/bin"
# gunicorn's access log: [23/Nov/2026:00:45:34 +0000] "GET /" 200 837 19ms
ACCESS_LINE = re.compile(r'^\[\d+/\w+/\d+:[\d:]+ [+-]\d+\] "')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Gunicorn:
    process: subprocess.Popen
    base_url: str
    log_path: Path

    def worker_pids(self) -> list[int]:
        """The master's children: the worker processes serving requests."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def errors(self) -> str:
        """The log without the access lines: errors, tracebacks, workers coming and going."""
        return "\n".join(line for line in self.log().splitlines() if not ACCESS_LINE.match(line))


@contextmanager
def gunicorn(
    app_spec: str, env: dict[str, str], work_dir: Path, args: list[str] = ()
) -> Iterator[Gunicorn]:
    """Serve `app_spec` on a free local port until the block ends; `args` go to gunicorn."""
    port = free_port()
    # No control socket: by default every gunicorn of a user shares one path, and these run
    # side by side.
    command = [sys.executable, "-m", "gunicorn", *args, "--no-control-socket"]
    command += ["--bind", f"127.0.0.1:{port}", app_spec]
    log_path = Path(work_dir) / f"gunicorn-{port}.log"
    with open(log_path, "wb") as log:
        # Its own session: a Ctrl+C reaches the caller only, which then stops gunicorn in order.
        process = subprocess.Popen(
            command,
            env=os.environ | env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Gunicorn(process, f"http://127.0.0.1:{port}", log_path)
    try:
        _wait_until_up(server)
        yield server
    finally:
        _stop(process)


def _wait_until_up(server: Gunicorn) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{server.log()[-3000:]}")
        try:
            # Closed at once: an idle kept-alive connection would hold a worker up at the stop.
            requests.get(f"{server.base_url}/", timeout=5, headers={"Connection": "close"})
            return
        except (requests.ConnectionError, requests.Timeout):  # workers still booting
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {STARTUP_SECONDS} s:\n{server.log()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGQUIT)  # quick stop: nothing is in flight by now
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def postgres_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's programs (initdb, pg_ctl), if any."""
    found = sorted(glob.glob(POSTGRES_BIN_GLOB), key=lambda path: int(Path(path).parent.name))
    candidates = [Path(path) for path in found if Path(path, "pg_ctl").exists()]
    return candidates[-1] if candidates else None


class PrivatePostgres:
    """A throw-away cluster on a free port, owned by the `postgres` user when run as root
    (initdb refuses root). Only ever started, stopped and restarted by the test that made it."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.port = free_port()
        self.home = Path(tempfile.mkdtemp(prefix="survey-pg-"))
        self.data_dir = self.home / "data"
        self.log_path = self.home / "postgres.log"
        self._as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as_owner:
            shutil.chown(self.home, user="postgres", group="postgres")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data_dir), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        self.start()

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.home} -c fsync=off"
        )
        self._pg_ctl("start", "-o", options, "-l", str(self.log_path))

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast")

    def restart(self) -> None:
        """Stops (closing every connection) and starts again with the same options."""
        self._pg_ctl("restart", "-m", "fast", "-l", str(self.log_path))

    def destroy(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self._pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.home, ignore_errors=True)

    def _pg_ctl(self, *args: str) -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-w", "-t", "60", *args)

    def _run(self, program: str, *args: str) -> None:
        command = [*self._as_owner, str(self.bin_dir / program), *args]
        subprocess.run(command, check=True, capture_output=True, cwd=self.home)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise FileNotFoundError(f"no PostgreSQL server programs in {POSTGRES_BIN_GLOB}")
    cluster = PrivatePostgres(bin_dir)
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.destroy()
