"""Reading small CSV tables (organisation, procedures catalogue): rows numbered as in a
spreadsheet, errors by row and column, lookups of stored rows by code."""

import csv
import os
from typing import TextIO

import sqlalchemy as sa
from flask_babel import gettext as _

from survey_app.core.extensions import db
from survey_app.services.org.admin import NAME_MAX_LENGTH
from survey_app.services.responses.importing import BYTE_ORDER_MARK, UnreadableFile
from survey_app.services.responses.rows import HEADER_ROW, RowError

LOOKUP_CHUNK = 500


def read_csv(source: str | os.PathLike | TextIO) -> list[list[str]]:
    """Every row of a UTF-8 CSV file; a byte-order mark, as Excel writes it, is dropped."""
    try:
        if isinstance(source, str | os.PathLike):
            with open(source, encoding="utf-8-sig", newline="") as stream:
                rows = list(csv.reader(stream))
        else:
            rows = list(csv.reader(source))
    except (UnicodeDecodeError, csv.Error) as error:
        raise UnreadableFile(
            _("The file is not a UTF-8 CSV file (%(error)s).", error=error)
        ) from error
    if rows and rows[0]:
        rows[0][0] = rows[0][0].removeprefix(BYTE_ORDER_MARK)
    return rows


def check_header(
    cells: list[str], known: tuple[str, ...], required: tuple[str, ...]
) -> tuple[list[str], list[RowError]]:
    header = [cell.strip() for cell in cells]
    errors = [
        RowError(HEADER_ROW, name, _("This column is missing."))
        for name in required
        if name not in header
    ]
    for position, name in enumerate(header):
        if name in header[:position]:
            errors.append(RowError(HEADER_ROW, name, _("This column appears twice.")))
        elif name not in known:
            errors.append(RowError(HEADER_ROW, name, _("Unknown column.")))
    return header, errors


class Row:
    """One data row: trimmed cells by column name, and the errors found in it."""

    def __init__(self, number: int, header: list[str], cells: list[str]):
        self.number = number
        self.header = header
        self.cells = dict(zip(header, (cell.strip() for cell in cells), strict=False))
        self.errors: list[RowError] = []
        if len(cells) > len(header):
            self.error("", _("This row has more cells than the header has columns."))

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")

    def has(self, column: str) -> bool:
        return column in self.header

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))


def numbered_rows(header: list[str], table: list[list[str]]) -> list[Row]:
    """Rows numbered as in a spreadsheet (the header is row 1); blank rows are left out."""
    return [
        Row(number, header, cells)
        for number, cells in enumerate(table, start=HEADER_ROW + 1)
        if any(cell.strip() for cell in cells)
    ]


def name_problem(name: str, max_length: int = NAME_MAX_LENGTH) -> str | None:
    if not name:
        return _("Enter a name.")
    if len(name) > max_length:
        return _("Use at most %(count)d characters.", count=max_length)
    return None


def load_by_code(model, codes, *options) -> dict:
    """Stored rows of `model` whose code is among `codes`, by code."""
    found = {}
    ordered = sorted(set(codes))
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        query = sa.select(model).where(model.code.in_(chunk)).options(*options)
        found |= {thing.code: thing for thing in db.session.scalars(query).unique()}
    return found
