"""The organisation in the browser: what its pages show, and the changes made there to units,
counters, officers and officers' photos.

Each public change is one user action: it checks the rules, stages the change with its audit
event and commits once. Codes never change after creation: they key the organisation CSV, the
URLs and the printed material, so a re-import always finds the same thing again."""

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from survey_app.core.extensions import db
from survey_app.models import Counter, Instrument, Officer, Unit, max_length
from survey_app.queries.instruments import get_current_instrument, get_instrument
from survey_app.queries.org import list_instrument_codes
from survey_app.services.audit import record_change
from survey_app.services.errors import DomainError
from survey_app.services.org.members import add_counter, add_officer, add_unit

CODE_MAX_LENGTH = max_length(Unit.code)


NAME_MAX_LENGTH = max_length(Unit.name)


# Codes travel in URLs, CSV files and on posters: plain letters, digits and . - _ only.
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


KINDS = {Unit: "unit", Counter: "counter", Officer: "officer"}


Member = Unit | Counter | Officer


class InvalidChange(DomainError):
    """A change broke a rule; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def code_problem(code: str, max_length: int = CODE_MAX_LENGTH) -> str | None:
    if not code:
        return _("Enter a code.")
    if len(code) > max_length or not CODE_PATTERN.fullmatch(code):
        return _(
            "Use at most %(count)d letters, digits, dots, hyphens or underscores.",
            count=max_length,
        )
    return None


def taken_message(model: type[Member]) -> str:
    messages = {
        Unit: _("This code is already used by another unit."),
        Counter: _("This code is already used by another counter."),
        Officer: _("This code is already used by another officer."),
    }
    return messages[model]


def list_instrument_versions() -> list[tuple[int, str]]:
    """(version, "sipas-2023 v2, v1") for the unit form: the codes having each version."""
    rows = db.session.execute(
        sa.select(Instrument.version, Instrument.code).order_by(Instrument.version, Instrument.code)
    )
    codes: dict[int, list[str]] = {}
    for version, code in rows:
        codes.setdefault(version, []).append(code)
    return [(version, f"v{version} ({', '.join(found)})") for version, found in codes.items()]


def apply_changes(target, **values) -> dict[str, list]:
    """Set the attributes that differ; return them as {name: [old, new]} for the audit log."""
    changes = {}
    for name, value in values.items():
        old = getattr(target, name)
        if old != value:
            changes[name] = [old, value]
            setattr(target, name, value)
    return changes


def create_unit(
    *, parent: Unit, code: str, name: str, instrument_code: str,
    instrument_version: int | None = None, auto_close_days: int | None = None,
) -> Unit:  # fmt: skip
    """A new unit takes the newest version of its questionnaire unless one is chosen."""
    _check_new_code(Unit, code)
    _check_instrument(instrument_code)
    version = instrument_version or get_current_instrument(instrument_code).version
    _check_version(instrument_code, version)
    unit = add_unit(code=code, name=name, parent=parent, instrument_code=instrument_code)
    unit.instrument_version = version
    unit.auto_close_days = auto_close_days or unit.auto_close_days or 10
    details = {"name": name, "parent": parent.code, "instrument": instrument_code}
    details |= {"instrument_version": version, "auto_close_days": unit.auto_close_days}
    record_change("unit.create", unit, details)
    db.session.commit()
    return unit


def update_unit(
    unit: Unit, *, name: str, instrument_code: str, instrument_version: int | None = None,
    auto_close_days: int | None = None,
) -> None:  # fmt: skip
    """`instrument_version`, `auto_close_days`: None keeps the unit's (a new questionnaire
    version is taken up only when the unit chooses it)."""
    _check_instrument(instrument_code)
    version = instrument_version or unit.instrument_version
    _check_version(instrument_code, version)
    changes = apply_changes(
        unit,
        name=name,
        instrument_code=instrument_code,
        instrument_version=version,
        auto_close_days=auto_close_days or unit.auto_close_days,
    )
    _commit_changes("unit.update", unit, changes)


def set_active(target: Member, active: bool) -> None:
    """Deactivate or reactivate; history stays: responses keep their unit, counter, officer."""
    if target.active == active:
        return
    target.active = active
    action = "reactivate" if active else "deactivate"
    record_change(f"{KINDS[type(target)]}.{action}", target)
    db.session.commit()


def create_counter(*, unit: Unit, code: str, name: str, field: str) -> Counter:
    _check_new_code(Counter, code)
    counter = add_counter(unit=unit, code=code, name=name, field=field)
    record_change("counter.create", counter, {"name": name, "field": field})
    db.session.commit()
    return counter


def update_counter(counter: Counter, *, name: str, field: str) -> None:
    _commit_changes("counter.update", counter, apply_changes(counter, name=name, field=field))


def create_officer(
    *, unit: Unit, code: str, full_name: str, counter_codes: list[str], email: str | None = None
) -> Officer:
    _check_new_code(Officer, code)
    counters = counters_of_unit(unit, counter_codes)
    officer = add_officer(unit=unit, code=code, full_name=full_name, counters=counters)
    officer.email = email or None
    details = {"full_name": full_name, "counters": [c.code for c in counters]}
    record_change("officer.create", officer, details)
    db.session.commit()
    return officer


def update_officer(
    officer: Officer, *, full_name: str, counter_codes: list[str], email: str | None = None
) -> None:
    """`email` None (or empty) removes the address: the officer page always sends it."""
    counters = counters_of_unit(officer.unit, counter_codes)
    changes = apply_changes(officer, full_name=full_name, email=email or None)
    changes |= set_officer_counters(officer, counters)
    _commit_changes("officer.update", officer, changes)


def set_officer_counters(officer: Officer, counters: list[Counter]) -> dict[str, list]:
    old = sorted(c.code for c in officer.counters)
    new = sorted(c.code for c in counters)
    if old == new:
        return {}
    officer.counters = list(counters)
    return {"counters": [old, new]}


def counters_of_unit(unit: Unit, codes: list[str]) -> list[Counter]:
    """The unit's counters with these codes; any other code is refused by name."""
    wanted = list(dict.fromkeys(codes))
    found = {
        counter.code: counter
        for counter in db.session.scalars(
            sa.select(Counter).where(Counter.unit_id == unit.id, Counter.code.in_(wanted))
        )
    }
    for code in wanted:
        if code not in found:
            message = _("Counter %(code)s is not a counter of this unit.", code=code)
            raise InvalidChange("counters", message)
    return [found[code] for code in wanted]


def _commit_changes(action: str, target: Member, changes: dict) -> None:
    if changes:
        record_change(action, target, changes)
        db.session.commit()


def _check_new_code(model: type[Member], code: str) -> None:
    if problem := code_problem(code):
        raise InvalidChange("code", problem)
    if db.session.scalar(sa.select(model.id).where(model.code == code)) is not None:
        raise InvalidChange("code", taken_message(model))


def _check_instrument(code: str) -> None:
    if code not in list_instrument_codes():
        raise InvalidChange("instrument_code", _("Choose one of the questionnaires."))


def _check_version(code: str, version: int) -> None:
    if get_instrument(code, version) is None:
        raise InvalidChange(
            "instrument_version", _("This questionnaire has no such version; choose another.")
        )
