"""Importing responses from the interchange CSV (domain.md §4): paper forms typed into a
spreadsheet, or an export of this service.

The file is UTF-8 (a byte-order mark, as Excel writes it, is accepted) with a header row and one
response per row: ref, submitted_at, unit_code, counter_code, officer_code, channel, instrument,
one column per item code (CHUNG included), comment. A header may carry the item columns of
several instruments; a row may only fill those of its own instrument.

`submitted_at` is ISO 8601. With an offset (2026-03-01T08:30+07:00, or Z) it is taken as
written. Without one (2026-03-01T08:30) it is local time in SURVEY_TIMEZONE. A bare date
(2026-03-01), as on most paper forms, means 12:00 local time that day. Times are stored in UTC.

Rules:
- every row is checked and its errors reported by row number (the header is row 1, as in a
  spreadsheet) and column;
- by default nothing is stored when any row has an error; `skip_invalid` stores the valid rows;
- a row whose (unit, ref) is already stored is skipped and counted as already present, so
  importing the same file twice adds nothing;
- blank rows are ignored; a header error (unknown or repeated column) stores nothing at all,
  because it would affect every row.
"""

import csv
import itertools
import os
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import TextIO

import sqlalchemy as sa
from flask_babel import gettext as _

from survey_app.core.extensions import db
from survey_app.models import SurveyResponse, UntalliedResponse, utcnow
from survey_app.months import survey_zone
from survey_app.services.errors import DomainError
from survey_app.services.responses.rows import (
    Catalogue,
    ParsedRow,
    RowError,
    RowReader,
    header_errors,
    missing_columns,
)

# Rows read, checked against the database and inserted together: big enough for fast bulk
# statements, small enough for the IN (...) lookups of every backend.
CHUNK_ROWS = 1000
BYTE_ORDER_MARK = "\ufeff"

Progress = Callable[[int], None]


class UnreadableFile(DomainError):
    """The file is not UTF-8 text or not CSV."""


@dataclass
class ImportResult:
    imported: int = 0
    already_present: int = 0
    invalid: int = 0
    errors: list[RowError] = field(default_factory=list)


def import_responses(
    source: str | os.PathLike | TextIO,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import an interchange CSV in one transaction; `progress(n)` hears of every n rows read."""
    try:
        with _open(source) as stream:
            run = _Import(skip_invalid, progress or (lambda rows: None))
            result = run.read(csv.reader(stream))
    except (UnicodeDecodeError, csv.Error) as error:
        db.session.rollback()
        raise UnreadableFile(
            _("The file is not a UTF-8 CSV file (%(error)s).", error=error)
        ) from error
    except BaseException:
        db.session.rollback()
        raise
    if result.imported:
        db.session.commit()
    else:
        db.session.rollback()
    return result


def _open(source: str | os.PathLike | TextIO):
    if isinstance(source, str | os.PathLike):
        # utf-8-sig drops the byte-order mark Excel writes; newline="" keeps line breaks
        # inside quoted comments as they were.
        return open(source, encoding="utf-8-sig", newline="")
    return nullcontext(source)


class _Import:
    def __init__(self, skip_invalid: bool, progress: Progress):
        self.skip_invalid = skip_invalid
        self.progress = progress
        self.result = ImportResult()
        self.catalogue = Catalogue()

    def read(self, rows: Iterator[list[str]]) -> ImportResult:
        header = _header(next(rows, []))
        self.result.errors = missing_columns(header)
        if self.result.errors:
            return self.result
        self.result.errors = header_errors(header, self.catalogue.item_codes)
        if self.result.errors:
            self.skip_invalid = False  # a bad header affects every row: store nothing
        zone = survey_zone()
        reader = RowReader(header, self.catalogue, zone, utcnow())
        numbered = enumerate(rows, start=2)
        while chunk := list(itertools.islice(numbered, CHUNK_ROWS)):
            self._store(self._check(reader, chunk))
            self.progress(len(chunk))
        if self.result.errors and not self.skip_invalid:
            self.result.imported = 0
        return self.result

    def _check(self, reader: RowReader, chunk: list[tuple[int, list[str]]]) -> list[ParsedRow]:
        valid = []
        for number, cells in chunk:
            if not any(cell.strip() for cell in cells):
                continue
            parsed = reader.read(number, cells)
            if isinstance(parsed, ParsedRow):
                valid.append(parsed)
            else:
                self.result.invalid += 1
                self.result.errors.extend(parsed)
        return valid

    def _store(self, rows: list[ParsedRow]) -> None:
        present = _stored_keys(rows)
        new = [row for row in rows if row.key not in present]
        self.result.already_present += len(rows) - len(new)
        self.result.imported += len(new)
        # After the first error in all-or-nothing mode the rest is only checked.
        if self.skip_invalid or not self.result.errors:
            _insert(new)


def _header(cells: list[str]) -> list[str]:
    header = [cell.strip() for cell in cells]
    if header:
        header[0] = header[0].removeprefix(BYTE_ORDER_MARK).strip()
    return header


def _stored_keys(rows: list[ParsedRow]) -> set[tuple[int, str]]:
    if not rows:
        return set()
    table = SurveyResponse.__table__
    # Row-value IN probes the (unit_id, client_ref) unique index key by key, whatever the
    # table size; two separate INs let PostgreSQL fall back to scanning the table.
    key = sa.tuple_(table.c.unit_id, table.c.client_ref)
    query = sa.select(table.c.unit_id, table.c.client_ref).where(key.in_([r.key for r in rows]))
    found = db.session.execute(query)
    return {(unit_id, ref) for unit_id, ref in found}


def _insert(rows: list[ParsedRow]) -> None:
    """The responses, and their rows on the tally run's queue."""
    if not rows:
        return
    connection = db.session.connection()
    queue = UntalliedResponse.__table__
    if connection.dialect.name == "postgresql":
        ids = _copy_responses(connection, rows)
        _copy(connection, queue, ["response_id"], [(response_id,) for response_id in ids])
    else:
        ids = _insert_responses(rows)
        db.session.execute(sa.insert(queue), [{"response_id": response_id} for response_id in ids])


def _insert_responses(rows: list[ParsedRow]) -> list[int]:
    """Bulk Core insert; RETURNING in parameter order pairs each new id with its row."""
    table = SurveyResponse.__table__
    statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, [row.response for row in rows]))


def _copy_responses(connection: sa.Connection, rows: list[ParsedRow]) -> list[int]:
    """COPY cannot return ids, so take them from the table's sequence first."""
    table = SurveyResponse.__table__
    sequence = sa.func.pg_get_serial_sequence(table.name, table.c.id.name)
    ids = list(
        connection.scalars(
            sa.select(sa.func.nextval(sequence)).select_from(sa.func.generate_series(1, len(rows)))
        )
    )
    # The column types' own bind processing (UTC datetimes, enum values), as Core would do.
    columns = [table.c[name] for name in rows[0].response]
    processors = [column.type.bind_processor(connection.dialect) for column in columns]
    tuples = [
        (response_id, *_processed(row.response, columns, processors))
        for response_id, row in zip(ids, rows, strict=True)
    ]
    _copy(connection, table, ["id", *(column.name for column in columns)], tuples)
    return ids


def _processed(values: dict, columns: list[sa.Column], processors: list) -> tuple:
    return tuple(
        process(values[column.key]) if process else values[column.key]
        for column, process in zip(columns, processors, strict=True)
    )


def _copy(connection: sa.Connection, table: sa.Table, columns, rows: list[tuple]) -> None:
    """PostgreSQL's COPY: several times faster than INSERT."""
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
