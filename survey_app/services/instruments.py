"""Load the instrument data files into the database.

Written with light Core tables (not the ORM models) so the data migration that seeds a fresh
database keeps working when the models grow later.
"""

import json
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from survey_app.core.paths import INSTRUMENTS_DIR
from survey_app.models.instrument import OVERALL_ITEM, Factor
from survey_app.services.errors import InstrumentChanged

_instruments = sa.table(
    "instruments",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("version", sa.Integer),
    sa.column("name_vi", sa.String),
    sa.column("name_en", sa.String),
    sa.column("source", sa.String),
)
_items = sa.table(
    "items",
    sa.column("instrument_id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("factor", sa.String),
    sa.column("position", sa.Integer),
    sa.column("text_vi", sa.String),
    sa.column("text_en", sa.String),
)
_ITEM_FIELDS = ("code", "factor", "text_vi", "text_en")


def read_instrument_files(directory: Path = INSTRUMENTS_DIR) -> list[dict]:
    documents = []
    for path in sorted(directory.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        _check_document(document, path.name)
        documents.append(document)
    return documents


@cache
def instrument_headings(code: str, version: int) -> dict[str, dict[str, str]]:
    """Notes under a factor's heading (factor code → {"vi": …, "en": …}) as the shipped file
    of that version gives them: sipas-2023 v2 explains what a KQ "result" may be."""
    for document in read_instrument_files():
        if document["code"] == code and document["version"] == version:
            return document.get("headings", {})
    return {}


def _check_document(document: dict, name: str) -> None:
    codes = [item["code"] for item in document["items"]]
    factors = [item["factor"] for item in document["items"]]
    runs = [factor for n, factor in enumerate(factors) if n == 0 or factors[n - 1] != factor]
    if len(runs) != len(set(runs)):
        # The tally run reads a factor's answers as one span of the levels (models/levels.py).
        raise ValueError(f"{name}: the items of a factor must follow one another")
    if OVERALL_ITEM not in codes or len(set(codes)) != len(codes):
        raise ValueError(f"{name}: item codes must be unique and include {OVERALL_ITEM}")
    for item in document["items"]:
        expected_none = item["code"] == OVERALL_ITEM
        if (item["factor"] is None) != expected_none or (
            item["factor"] is not None and item["factor"] not in set(Factor)
        ):
            raise ValueError(f"{name}: item {item['code']} has a wrong factor {item['factor']!r}")


def sync_instruments(connection: Connection, directory: Path = INSTRUMENTS_DIR) -> list[str]:
    """Insert instrument versions that are new; refuse silent edits of a loaded version."""
    added = []
    for document in read_instrument_files(directory):
        existing_id = connection.scalar(
            sa.select(_instruments.c.id).where(
                _instruments.c.code == document["code"],
                _instruments.c.version == document["version"],
            )
        )
        if existing_id is None:
            _insert_instrument(connection, document)
            added.append(f"{document['code']} v{document['version']}")
        else:
            _check_unchanged(connection, existing_id, document)
    return added


def _insert_instrument(connection: Connection, document: dict) -> None:
    fields = {key: document[key] for key in ("code", "version", "name_vi", "name_en", "source")}
    instrument_id = connection.execute(
        _instruments.insert().values(**fields).returning(_instruments.c.id)
    ).scalar_one()
    rows = [
        {"instrument_id": instrument_id, "position": position}
        | {key: item[key] for key in _ITEM_FIELDS}
        for position, item in enumerate(document["items"], start=1)
    ]
    connection.execute(_items.insert(), rows)


def _check_unchanged(connection: Connection, instrument_id: int, document: dict) -> None:
    stored = connection.execute(
        sa.select(*(_items.c[key] for key in _ITEM_FIELDS))
        .where(_items.c.instrument_id == instrument_id)
        .order_by(_items.c.position)
    ).all()
    wanted = [tuple(item[key] for key in _ITEM_FIELDS) for item in document["items"]]
    if [tuple(row) for row in stored] != wanted:
        raise InstrumentChanged(
            f"{document['code']} v{document['version']} differs from the loaded version; "
            "publish the change as a new version."
        )
