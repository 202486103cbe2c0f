"""The organisation in the browser: what its pages show, and the changes made there to units,
counters, officers and officers' photos.

Each public change is one user action: it checks the rules, stages the change with its audit
event and commits once. Codes never change after creation: they key the organisation CSV, the
URLs and the printed material, so a re-import always finds the same thing again.
"""

import io
import re
import secrets
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps

from survey_app.collation import sorted_vi
from survey_app.extensions import db
from survey_app.models import Counter, Instrument, Officer, SurveyResponse, Unit
from survey_app.queries import get_current_instrument, get_instrument, unit_subtree_ids_query
from survey_app.services.audit import record_change
from survey_app.services.errors import DomainError
from survey_app.services.org import add_counter, add_officer, add_unit

CODE_MAX_LENGTH = 40
NAME_MAX_LENGTH = 200
# Codes travel in URLs, CSV files and on posters: plain letters, digits and . - _ only.
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
KINDS = {Unit: "unit", Counter: "counter", Officer: "officer"}

MAX_PHOTO_BYTES = 2 * 1024 * 1024
PHOTO_SIDE = 512
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
# A small file can still claim a huge canvas (a "decompression bomb"): refuse it unread.
MAX_PHOTO_PIXELS = 40_000_000

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


@dataclass
class UnitNode:
    """A unit of the tree with its counts as (active, all)."""

    unit: Unit
    counters: tuple[int, int] = (0, 0)
    officers: tuple[int, int] = (0, 0)
    children: list["UnitNode"] = field(default_factory=list)


def unit_tree(root: Unit) -> UnitNode:
    """The root and every unit below it, each with its counter and officer counts."""
    ids = unit_subtree_ids_query(root.id)
    units = db.session.scalars(sa.select(Unit).where(Unit.id.in_(ids)).order_by(Unit.code))
    nodes = {unit.id: UnitNode(unit) for unit in sorted_vi(units, key=lambda unit: unit.name)}
    for unit_id, active, total in _member_counts(Counter, ids):
        nodes[unit_id].counters = (active, total)
    for unit_id, active, total in _member_counts(Officer, ids):
        nodes[unit_id].officers = (active, total)
    for node in nodes.values():
        if node.unit.id != root.id:
            nodes[node.unit.parent_id].children.append(node)
    return nodes[root.id]


def _member_counts(model: type[Counter | Officer], unit_ids: sa.Select) -> sa.Result:
    active = sa.func.sum(sa.case((model.active, 1), else_=0))
    query = sa.select(model.unit_id, active, sa.func.count()).where(model.unit_id.in_(unit_ids))
    return db.session.execute(query.group_by(model.unit_id))


def count_responses_by(column: sa.Column, ids: list[int]) -> dict[int, int]:
    """Responses (spam left out) per counter or officer, active or not: history stays."""
    query = (
        sa.select(column, sa.func.count())
        .where(column.in_(ids), SurveyResponse.is_spam.is_(False))
        .group_by(column)
    )
    return dict(db.session.execute(query).all())


def list_instrument_codes() -> list[str]:
    return list(db.session.scalars(sa.select(Instrument.code).distinct().order_by(Instrument.code)))


def list_current_instruments() -> list[Instrument]:
    """The newest version of every loaded questionnaire, for a unit to choose from."""
    return [get_current_instrument(code) for code in list_instrument_codes()]


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


# Officer photos ---------------------------------------------------------------------------


def photo_folder() -> Path:
    """<instance>/uploads/officers, outside the database; SURVEY_UPLOADS_DIR moves uploads/."""
    uploads = current_app.config.get("SURVEY_UPLOADS_DIR") or Path(
        current_app.instance_path, "uploads"
    )
    return Path(uploads, "officers")


def photo_file(officer: Officer) -> Path | None:
    return photo_folder() / officer.photo_path if officer.photo_path else None


def set_officer_photo(officer: Officer, data: bytes) -> None:
    """Store a re-encoded copy (no metadata, at most 512 px); the previous file is deleted."""
    picture = reencoded_photo(data)
    folder = photo_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.jpg"
    (folder / name).write_bytes(picture)
    old = officer.photo_path
    officer.photo_path = name
    record_change("officer.photo", officer, {"replaced": old is not None})
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        (folder / name).unlink(missing_ok=True)
        raise
    _delete_photo(old)


def remove_officer_photo(officer: Officer) -> None:
    old = officer.photo_path
    if old is None:
        return
    officer.photo_path = None
    record_change("officer.photo_remove", officer)
    db.session.commit()
    _delete_photo(old)


def reencoded_photo(data: bytes) -> bytes:
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidChange("photo", _("The photo is larger than 2 MB."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _reencoded(data)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as error:
        raise InvalidChange("photo", _("This file is not a JPEG, PNG or WebP picture.")) from error


def _reencoded(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data), formats=PHOTO_FORMATS) as probe:
        if probe.width * probe.height > MAX_PHOTO_PIXELS:
            raise ValueError("too many pixels")
        probe.verify()  # checks the whole file; the image must then be opened again
    with Image.open(io.BytesIO(data), formats=PHOTO_FORMATS) as image:
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
        output = io.BytesIO()
        _on_white(upright).save(output, "JPEG", quality=85, optimize=True)
    return output.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: lay a transparent picture on white, not on black."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _delete_photo(name: str | None) -> None:
    if name:
        (photo_folder() / name).unlink(missing_ok=True)
