"""CPU time of the processes a load run involves, read from /proc: a gunicorn server (master
and workers, including workers already replaced), the PostgreSQL server (postmaster and every
backend, whatever database it serves) and the Redis server holding the rate-limit counters, so
a run can say where each request's CPU went.
"""

import os
from pathlib import Path

import redis
import sqlalchemy as sa

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after `pid (comm)`: [0] state, [1] ppid, [11] utime,
    [12] stime, [13] cutime, [14] cstime (children waited for)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def tree_cpu_seconds(root: int) -> float:
    """CPU used so far by `root`, its live children and the children it has reaped."""
    fields = _stat(root)
    ticks = sum(int(value) for value in fields[11:15])
    for child in _children(root):
        try:
            ticks += sum(int(value) for value in _stat(child)[11:15])
        except FileNotFoundError:  # ended meanwhile: counted in the root's cutime once reaped
            continue
    return ticks / TICKS_PER_SECOND


def postgres_server_pid(url: str) -> int | None:
    """The postmaster behind `url`, when it runs on this machine and /proc shows it."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            backend = connection.scalar(sa.text("SELECT pg_backend_pid()"))
        postmaster = int(_stat(backend)[1])
        tree_cpu_seconds(postmaster)
        return postmaster
    except (OSError, ValueError, sa.exc.SQLAlchemyError):
        return None
    finally:
        engine.dispose()


def redis_server_pid(url: str) -> int | None:
    """The Redis server behind `url` (the rate-limit counters), when it runs on this machine;
    None for other storage."""
    if not url.startswith("redis://"):
        return None
    try:
        pid = int(redis.Redis.from_url(url, socket_connect_timeout=1).info("server")["process_id"])
        tree_cpu_seconds(pid)
        return pid
    except (OSError, ValueError, KeyError, redis.RedisError):
        return None


def process_cpu_seconds(pid: int) -> float:
    """CPU used so far by one process (not its children)."""
    return sum(int(value) for value in _stat(pid)[11:13]) / TICKS_PER_SECOND


def backends_cpu(url: str, database: str) -> dict[int, float]:
    """CPU used so far by each PostgreSQL backend serving `database` (its connections only: the
    machine's other work on the same server is left out), by backend pid. Compare two readings
    pid by pid: a backend may start or end between them."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            pids = connection.scalars(
                sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :name"),
                {"name": database},
            ).all()
    finally:
        engine.dispose()
    found = {}
    for pid in pids:
        try:
            found[pid] = process_cpu_seconds(pid)
        except (FileNotFoundError, ProcessLookupError):  # ended meanwhile
            continue
    return found
