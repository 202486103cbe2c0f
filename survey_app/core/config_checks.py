"""Settings that must not reach production: each problem is one line telling how to fix it."""

import os
import re
from pathlib import Path

from flask.helpers import get_debug_flag
from limits import parse_many

from survey_app.core import public_url

MIN_SECRET_KEY_LENGTH = 32
# Where the kernel lists the mounted file systems; a test points it at a file of its own.
MOUNTS_FILE = Path("/proc/mounts")
# SQLite's locking is unreliable on these, and a dropped link corrupts the database file.
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "sshfs", "afs", "ceph", "glusterfs"}
)
KEY_HINT = "python3 -c 'import secrets; print(secrets.token_hex(32))'"


def settings_problems(settings: dict) -> list[str]:
    """Mistakes that stop the service in any environment."""
    problems = []
    for name, value in settings["SURVEY_RATELIMITS"].items():
        try:
            parse_many(value)
        except ValueError:
            problems.append(
                f"SURVEY_RATELIMIT_{name}={value!r} is not a rate limit; write e.g. '10/minute'."
            )
    if settings["SURVEY_TRUSTED_PROXIES"] < 0:
        problems.append("SURVEY_TRUSTED_PROXIES must be 0 or more (1 behind one nginx).")
    if settings.get("SURVEY_OIDC_ISSUER"):
        problems += [
            f"SURVEY_OIDC_ISSUER is set but {name} is not: copy it from the provider's client."
            for name in ("SURVEY_OIDC_CLIENT_ID", "SURVEY_OIDC_CLIENT_SECRET")
            if not settings.get(name)
        ]
    return problems


def production_problems(settings: dict, insecure_keys: frozenset[str]) -> list[str]:
    """Each process is checked for what it does (config.PROCESSES): a command serving no HTTP
    only needs a safe database; serving needs a secret, no debugger and shared rate limits;
    serving citizens also needs a public address their phones reach."""
    process = settings["SURVEY_PROCESS"]
    problems = [] if process == "command" else _serving_problems(settings, insecure_keys)
    if filesystem := sqlite_network_filesystem(settings["SQLALCHEMY_DATABASE_URI"]):
        problems.append(
            f"The SQLite database is on a network file system ({filesystem}); use a local "
            "disk or PostgreSQL (SURVEY_DATABASE_URL=postgresql+psycopg://...)."
        )
    if settings["SURVEY_RATELIMIT_ENABLED"] and not settings["SURVEY_RATELIMIT_STORAGE_URL"]:
        problems.append(
            "SURVEY_RATELIMIT_STORAGE_URL is not set; point it at Redis shared by every worker, "
            "e.g. redis://127.0.0.1:6379/0 (see docs/deploy.md)."
        )
    unreachable = public_url.production_problem(settings["SURVEY_PUBLIC_URL"])
    if process == "web" and unreachable:
        problems.append(unreachable)
    return problems


def _serving_problems(settings: dict, insecure_keys: frozenset[str]) -> list[str]:
    problems = []
    key = settings["SECRET_KEY"] or ""
    if key in insecure_keys:
        problems.append(f"SURVEY_SECRET_KEY is a well-known default; set a random one: {KEY_HINT}")
    elif len(key) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            f"SURVEY_SECRET_KEY has {len(key)} characters; use at least "
            f"{MIN_SECRET_KEY_LENGTH} random ones: {KEY_HINT}"
        )
    if settings.get("DEBUG") or get_debug_flag():
        problems.append("Debug mode is on (FLASK_DEBUG or --debug); never use it in production.")
    return problems


def sqlite_network_filesystem(url: str) -> str | None:
    """The kind of network share an SQLite URL points into (a UNC path counts), or None."""
    if not url.startswith("sqlite:///"):
        return None
    path = url.removeprefix("sqlite:///").split("?", 1)[0]
    if path.startswith(("//", "\\\\")):
        return "UNC path"
    if not path:  # sqlite:/// alone is an in-memory database
        return None
    return network_filesystem_of(os.path.abspath(path))


def network_filesystem_of(path: str) -> str | None:
    """The file system type of the deepest mount holding `path`, if it is a network one."""
    best, best_type = "", None
    for mount_point, fs_type in _mounts():
        inside = path == mount_point or path.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, fs_type
    return best_type if best_type in NETWORK_FILESYSTEMS else None


def _mounts() -> list[tuple[str, str]]:
    try:
        lines = MOUNTS_FILE.read_text().splitlines()
    except OSError:  # not Linux: nothing to look at
        return []
    mounts = []
    for line in lines:
        fields = line.split()
        if len(fields) >= 3:
            mounts.append((_unescape(fields[1]), fields[2]))
    return mounts


def _unescape(field: str) -> str:
    """/proc/mounts writes a space in a path as \\040 (octal)."""
    return re.sub(r"\\([0-7]{3})", lambda match: chr(int(match.group(1), 8)), field)
