"""The raw-data export: one row per response, in the interchange CSV format (domain.md §4) that
survey_app.services.responses.importing reads back.

A month is a calendar month in the configured time zone; spam is left out; times are written in
local time with their offset; an instrument is written as `code` when it is the newest loaded
version, else as `code@version`.
"""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa

from survey_app.core.csv_cells import neutralise_frame
from survey_app.core.extensions import db
from survey_app.models import OVERALL_ITEM, Counter, Instrument, Item, Officer, Unit
from survey_app.models import SurveyResponse as Response
from survey_app.models.levels import answered, value_at
from survey_app.models.response import counted
from survey_app.months import Month
from survey_app.queries.instruments import get_current_instrument
from survey_app.queries.units import unit_subtree_ids_query
from survey_app.services.responses.rows import COMMENT_COLUMN, LEADING_COLUMNS, VERSION_SEPARATOR

_RESPONSE_COLUMNS = (
    Response.id,
    Response.client_ref.label("ref"),
    Response.submitted_at,
    Unit.code.label("unit_code"),
    Counter.code.label("counter_code"),
    Officer.code.label("officer_code"),
    Response.channel,
    Response.instrument_id,
    Response.comment,
)


def export_frame(unit: Unit, month: Month, zone: ZoneInfo) -> pd.DataFrame:
    """Responses of the unit and every unit below it submitted in the local month."""
    selected = _selection(unit.id, *month.bounds(zone))
    responses = _response_table(selected)
    instrument_ids = sorted(set(responses["instrument_id"].tolist())) or _unit_instrument_ids(unit)
    items = _item_columns(instrument_ids)
    answers = _answer_table(selected, items)
    responses = responses.sort_values(["submitted_at", "ref"], kind="stable")
    responses["submitted_at"] = [at.astimezone(zone).isoformat() for at in responses.submitted_at]
    responses["channel"] = [str(channel) for channel in responses["channel"]]
    responses["instrument"] = responses["instrument_id"].map(_instrument_labels())
    shaped = responses.join(answers, on="id")
    return shaped[[*LEADING_COLUMNS, *items, COMMENT_COLUMN]].reset_index(drop=True)


def write_export(frame: pd.DataFrame, path: Path) -> None:
    # CRLF as RFC 4180 and Excel have it; it also makes the writer quote a comment holding
    # either line-break character, so the comment reads back unchanged. Cells a spreadsheet
    # would run as a formula get an apostrophe in front, which the import removes.
    with open(path, "w", encoding="utf-8", newline="") as stream:
        neutralise_frame(frame).to_csv(stream, index=False, lineterminator="\r\n")


def _selection(unit_id: int, start: datetime, end: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        Response.unit_id.in_(unit_subtree_ids_query(unit_id)),
        Response.submitted_at >= start,
        Response.submitted_at < end,
        counted(),
    )


def _response_table(selected: sa.ColumnElement[bool]) -> pd.DataFrame:
    query = (
        sa.select(*_RESPONSE_COLUMNS)
        .join(Unit, Response.unit_id == Unit.id)
        .outerjoin(Counter, Response.counter_id == Counter.id)
        .outerjoin(Officer, Response.officer_id == Officer.id)
        .where(selected)
    )
    return pd.DataFrame(_tuples(query), columns=[column.key for column in _RESPONSE_COLUMNS])


def _item_columns(instrument_ids: list[int]) -> list[str]:
    """Item codes over the instruments, by instrument code then item position; CHUNG last."""
    codes = db.session.scalars(
        sa.select(Item.code)
        .join(Instrument)
        .where(Item.instrument_id.in_(instrument_ids), Item.code != OVERALL_ITEM)
        .order_by(Instrument.code, Instrument.version, Item.position)
    )
    return [*dict.fromkeys(codes), OVERALL_ITEM]


def _answer_table(selected: sa.ColumnElement[bool], items: list[str]) -> pd.DataFrame:
    """One row per response id, one nullable-integer column per item (written 4, never 4.0)."""
    query = (
        sa.select(Response.id, Item.code, value_at(Response.levels, Item.position))
        .join(Item, answered(Response, Item))
        .where(selected)
    )
    answers = pd.DataFrame(_tuples(query), columns=["response_id", "code", "value"])
    table = answers.pivot(index="response_id", columns="code", values="value")
    return table.reindex(columns=items).astype("Int64")


def _tuples(query: sa.Select) -> list[tuple]:
    """Plain tuples through the session's connection: pandas probes every Row object it is
    given, and the ORM result layer is not needed for columns; both cost seconds per 10⁵ rows."""
    return [tuple(row) for row in db.session.connection().execute(query)]


def _instrument_labels() -> dict[int, str]:
    rows = db.session.execute(sa.select(Instrument.id, Instrument.code, Instrument.version)).all()
    newest = {}
    for _id, code, version in rows:
        newest[code] = max(version, newest.get(code, version))
    return {
        instrument_id: code if version == newest[code] else f"{code}{VERSION_SEPARATOR}{version}"
        for instrument_id, code, version in rows
    }


def _unit_instrument_ids(unit: Unit) -> list[int]:
    """An empty month still gets the unit's item columns, so the file stays a valid template."""
    instrument = get_current_instrument(unit.instrument_code)
    return [instrument.id] if instrument is not None else []
