"""Reading the interchange CSV (domain.md §4) one row at a time: header checks, then each row
into the values to store or into errors named by row number and column.

Every cell is trimmed. An empty item cell means "no opinion". Times: see response_import.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cached_property
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from survey_app.core.csv_cells import restore
from survey_app.core.extensions import db
from survey_app.models import OVERALL_ITEM, Channel, Counter, Instrument, Item, Officer, Unit
from survey_app.models.levels import encode
from survey_app.models.response import CLIENT_REF_MAX_LENGTH, COMMENT_MAX_LENGTH
from survey_app.queries.instruments import get_current_instrument, get_instrument
from survey_app.queries.units import get_unit_by_code
from survey_app.services.responses.submit import answer_errors, is_flagged

LEADING_COLUMNS = (
    "ref",
    "submitted_at",
    "unit_code",
    "counter_code",
    "officer_code",
    "channel",
    "instrument",
)
COMMENT_COLUMN = "comment"
REQUIRED_COLUMNS = ("ref", "submitted_at", "unit_code", OVERALL_ITEM)
HEADER_ROW = 1
# A paper form often carries only its date: noon keeps it inside that local day.
DATE_ONLY_TIME = time(12, 0)
VERSION_SEPARATOR = "@"

_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_LEVELS = {str(level): level for level in range(1, 6)}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """A valid row: the survey_responses values, its answers among them (levels)."""

    number: int
    response: dict

    @property
    def key(self) -> tuple[int, str]:
        return self.response["unit_id"], self.response["client_ref"]


def missing_columns(header: Sequence[str]) -> list[RowError]:
    return [
        RowError(HEADER_ROW, name, _("This column is missing."))
        for name in REQUIRED_COLUMNS
        if name not in header
    ]


def header_errors(header: Sequence[str], item_codes: Iterable[str]) -> list[RowError]:
    known = {*LEADING_COLUMNS, COMMENT_COLUMN, *item_codes}
    errors, seen = [], set()
    for name in header:
        if name in seen:
            errors.append(RowError(HEADER_ROW, name, _("This column appears twice.")))
        elif name and name not in known:
            errors.append(RowError(HEADER_ROW, name, _("Unknown column.")))
        seen.add(name)
    return errors


def parse_time(text: str, zone: ZoneInfo) -> datetime | None:
    """ISO 8601 to aware UTC; no offset means local time, a bare date means noon local."""
    try:
        if _DATE_ONLY.fullmatch(text):
            moment = datetime.combine(date.fromisoformat(text), DATE_ONLY_TIME)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


class Catalogue:
    """Units, counters, officers and instruments by code, each looked up once per import."""

    def __init__(self) -> None:
        self._units: dict[str, Unit | None] = {}
        self._members: dict[tuple[type, str], Counter | Officer | None] = {}
        self._instruments: dict[str, Instrument | None] = {}
        self._item_codes: dict[int, list[str]] = {}

    @cached_property
    def item_codes(self) -> frozenset[str]:
        """Every item code of every loaded instrument: the item columns a header may carry."""
        return frozenset(db.session.scalars(sa.select(Item.code).distinct()))

    def unit(self, code: str) -> Unit | None:
        if code not in self._units:
            self._units[code] = get_unit_by_code(code)
        return self._units[code]

    def member(self, model: type[Counter] | type[Officer], code: str) -> Counter | Officer | None:
        if (model, code) not in self._members:
            found = db.session.scalar(sa.select(model).where(model.code == code))
            self._members[model, code] = found
        return self._members[model, code]

    def instrument(self, name: str) -> Instrument | None:
        """`code` is the newest loaded version, `code@version` a given one."""
        if name not in self._instruments:
            self._instruments[name] = _load_instrument(name)
        return self._instruments[name]

    def item_codes_of(self, instrument: Instrument) -> list[str]:
        """The instrument's item codes in position order: the order of its levels."""
        if instrument.id not in self._item_codes:
            self._item_codes[instrument.id] = [item.code for item in instrument.items]
        return self._item_codes[instrument.id]


def _load_instrument(name: str) -> Instrument | None:
    code, separator, version = name.partition(VERSION_SEPARATOR)
    if not separator:
        return get_current_instrument(code)
    if not (version.isascii() and version.isdecimal()):
        return None
    return get_instrument(code, int(version))


class RowReader:
    """Turns the cells of one row into a ParsedRow, or into the list of its errors."""

    def __init__(self, header: Sequence[str], catalogue: Catalogue, zone: ZoneInfo, now: datetime):
        # The first of two same-named columns wins; header_errors reports the second.
        self.columns = {name: index for index, name in reversed(list(enumerate(header))) if name}
        self.width = len(header)
        self.unnamed = [index for index, name in enumerate(header) if not name]
        self.item_codes = [name for name in self.columns if name in catalogue.item_codes]
        self.catalogue = catalogue
        self.zone = zone
        self.now = now
        self._first_row_of: dict[tuple[int, str], int] = {}

    def read(self, number: int, cells: Sequence[str]) -> ParsedRow | list[RowError]:
        errors: dict[str, str] = {}
        values = self._values(cells, errors)
        unit = self._unit(values["unit_code"], errors)
        instrument = self._instrument(values.get("instrument", ""), unit, errors)
        response = self._response(values, unit, errors)
        answers = self._answers(values, instrument, errors)
        self._check_unique(number, response, errors)
        if errors:
            ordered = sorted(errors.items(), key=lambda error: self.columns.get(error[0], -1))
            return [RowError(number, column, message) for column, message in ordered]
        response["instrument_id"] = instrument.id
        response["flagged"] = is_flagged(answers)
        response["levels"] = encode(self.catalogue.item_codes_of(instrument), answers)
        return ParsedRow(number, response)

    def _values(self, cells: Sequence[str], errors: dict[str, str]) -> dict[str, str]:
        if len(cells) > self.width or self.unnamed:
            stray = [*cells[self.width :], *(cells[i] for i in self.unnamed if i < len(cells))]
            if any(cell.strip() for cell in stray):
                errors[""] = _("This row has cells outside the named columns.")
        return {
            name: restore(cells[index].strip()) if index < len(cells) else ""
            for name, index in self.columns.items()
        }

    def _response(self, values: dict[str, str], unit: Unit | None, errors) -> dict:
        return {
            "client_ref": self._ref(values["ref"], errors),
            "unit_id": unit.id if unit else None,
            "counter_id": self._member_id(Counter, "counter_code", unit, values, errors),
            "officer_id": self._member_id(Officer, "officer_code", unit, values, errors),
            "procedure_id": None,
            "channel": self._channel(values.get("channel", ""), errors),
            "submitted_at": self._submitted_at(values["submitted_at"], errors),
            "received_at": self.now,
            "comment": self._comment(values.get(COMMENT_COLUMN, ""), errors),
            "is_spam": False,
        }

    def _ref(self, ref: str, errors: dict[str, str]) -> str:
        if not ref:
            errors["ref"] = _("The ref is missing.")
        elif len(ref) > CLIENT_REF_MAX_LENGTH:
            errors["ref"] = _(
                "The ref is longer than %(max)d characters.", max=CLIENT_REF_MAX_LENGTH
            )
        return ref

    def _unit(self, code: str, errors: dict[str, str]) -> Unit | None:
        unit = self.catalogue.unit(code) if code else None
        if unit is None:
            errors["unit_code"] = (
                _("No unit has this code.") if code else _("The unit code is missing.")
            )
        return unit

    def _member_id(self, model, column: str, unit: Unit | None, values, errors) -> int | None:
        code = values.get(column, "")
        if not code or unit is None:
            return None
        member = self.catalogue.member(model, code)
        if member is None or member.unit_id != unit.id:
            message = (
                _("Unit %(unit)s has no counter with this code.", unit=unit.code)
                if model is Counter
                else _("Unit %(unit)s has no officer with this code.", unit=unit.code)
            )
            errors[column] = message
            return None
        return member.id

    def _channel(self, text: str, errors: dict[str, str]) -> Channel | None:
        if not text:
            return Channel.PAPER
        try:
            return Channel(text.lower())
        except ValueError:
            choices = ", ".join(channel.value for channel in Channel)
            errors["channel"] = _("Use one of: %(choices)s.", choices=choices)
            return None

    def _submitted_at(self, text: str, errors: dict[str, str]) -> datetime | None:
        moment = parse_time(text, self.zone) if text else None
        if moment is None:
            errors["submitted_at"] = _(
                "Write a date and time such as 2026-03-01T08:30, or a date such as 2026-03-01."
            )
        elif moment > self.now:
            errors["submitted_at"] = _("This time is in the future.")
        return moment

    def _comment(self, comment: str, errors: dict[str, str]) -> str:
        if len(comment) > COMMENT_MAX_LENGTH:
            errors[COMMENT_COLUMN] = _(
                "The comment is too long (at most %(max)d characters).", max=COMMENT_MAX_LENGTH
            )
        return comment

    def _instrument(self, name: str, unit: Unit | None, errors) -> Instrument | None:
        if not name and unit is None:
            return None
        # The unit's questionnaire, named by its code or not at all: the version it chose.
        chosen = name
        if unit is not None and name in ("", unit.instrument_code):
            chosen = f"{unit.instrument_code}{VERSION_SEPARATOR}{unit.instrument_version}"
        instrument = self.catalogue.instrument(chosen)
        if instrument is None:
            errors["instrument"] = (
                _("No instrument has this code (write e.g. sipas-2023 or sipas-2023@1).")
                if name
                else _("The unit's instrument %(code)s is not loaded.", code=unit.instrument_code)
            )
        return instrument

    def _answers(self, values, instrument: Instrument | None, errors) -> dict[str, int]:
        answers = {}
        for code in self.item_codes:
            text = values[code]
            if not text:
                continue
            level = _LEVELS.get(text)
            if level is None and not (text.isascii() and text.isdecimal()):
                errors[code] = _("Write a whole number from 1 to 5, or leave the cell empty.")
                continue
            answers[code] = level if level is not None else int(text)
        if instrument is not None:
            for code, message in answer_errors(instrument, answers).items():
                errors.setdefault(code, message)
        return answers

    def _check_unique(self, number: int, response: dict, errors: dict[str, str]) -> None:
        """A ref repeated for the same unit is an error on the later row, naming the first."""
        if response["unit_id"] is None or "ref" in errors:
            return
        key = (response["unit_id"], response["client_ref"])
        first = self._first_row_of.setdefault(key, number)
        if first != number:
            errors["ref"] = _("Row %(row)d has the same ref for this unit.", row=first)
