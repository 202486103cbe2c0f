"""The address `survey-app demo` serves, remembered beside its database so that commands run on
the demo's data later (posters, QR images) encode the link that opens on this computer.

The file lives in the instance folder and names each demo database by a hash of its URL (a URL
may hold a password). A database counts as the demo's only while it still holds the demo's root
unit: a stale entry for a file since replaced by real data is ignored.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from survey_app.queries.units import get_unit_by_code

FILE_NAME = "demo-addresses.json"


@dataclass(frozen=True)
class DemoAddress:
    public_url: str
    unit_code: str


def remember(app: Flask, public_url: str, unit_code: str) -> None:
    """Record that the app's database holds the demo, served at `public_url`."""
    path = _file(app)
    entries = _entries(path)
    entries[_key(app)] = {"public_url": public_url, "unit": unit_code}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(entries, indent=1, sort_keys=True), encoding="utf-8")


def recall(app: Flask) -> DemoAddress | None:
    """The demo's address if the app's database is a demo's; call inside an app context."""
    entry = _entries(_file(app)).get(_key(app))
    if not isinstance(entry, dict) or not entry.get("public_url") or not entry.get("unit"):
        return None
    if get_unit_by_code(entry["unit"]) is None:
        return None
    return DemoAddress(public_url=entry["public_url"], unit_code=entry["unit"])


def _file(app: Flask) -> Path:
    return Path(app.instance_path) / FILE_NAME


def _key(app: Flask) -> str:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    return hashlib.sha256(url.encode()).hexdigest()[:32]


def _entries(path: Path) -> dict:
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, or unreadable: no demo is known
        return {}
    return entries if isinstance(entries, dict) else {}
