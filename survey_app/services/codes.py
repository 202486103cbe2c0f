"""Survey codes: rotating a counter's or officer's code, and one-time links for a dossier."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from survey_app.core.extensions import db
from survey_app.models import ApiKey, Counter, Officer, SurveyCode, Unit, utcnow
from survey_app.queries.codes import get_dossier_link
from survey_app.queries.units import list_unit_subtree_ids
from survey_app.services.audit import record_change
from survey_app.services.errors import DomainError
from survey_app.services.org.members import new_public_code

# The API speaks to developers of the dossier software: its messages are plain English.
TARGET_NAMES = {"unit_code": "unit", "counter_code": "counter", "officer_code": "officer"}


class CodeNotRotatable(DomainError):
    """Only a live counter or officer code can be replaced."""


class LinkTargetNotFound(DomainError):
    """A unit, counter or officer of a link request is unknown or outside the key's scope."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class InvalidLinkRequest(DomainError):
    """`errors` maps a request field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True, kw_only=True)
class LinkRequest:
    dossier_code: str
    unit_code: str | None = None
    counter_code: str | None = None
    officer_code: str | None = None


@dataclass(frozen=True)
class LinkResult:
    link: SurveyCode
    created: bool


def rotate_code(survey_code: SurveyCode) -> SurveyCode:
    """Revoke the code and give its counter or officer a new one; returns the new code."""
    if survey_code.single_use:
        raise CodeNotRotatable(str(_l("A one-time dossier link cannot be replaced.")))
    # Conditional update: of two managers rotating at once, only one replaces the code.
    revoked = db.session.execute(
        sa.update(SurveyCode)
        .where(SurveyCode.code == survey_code.code, SurveyCode.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if revoked.rowcount != 1:
        db.session.rollback()
        raise CodeNotRotatable(str(_l("This code has already been replaced.")))
    replacement = SurveyCode(
        code=new_public_code(),
        unit=survey_code.unit,
        counter=survey_code.counter,
        officer=survey_code.officer,
    )
    db.session.add(replacement)
    details = {"replaced_by": replacement.code} | _owner_of(survey_code)
    record_change("survey_code.rotate", survey_code, details)
    db.session.commit()
    return replacement


def _owner_of(survey_code: SurveyCode) -> dict[str, str]:
    if survey_code.counter is not None:
        return {"counter": survey_code.counter.code}
    return {"officer": survey_code.officer.code}


def create_dossier_link(api_key: ApiKey, request: LinkRequest) -> LinkResult:
    """The one-time link of a dossier; asking again for the same dossier returns the same link."""
    unit, counter, officer = _resolve_target(api_key, request)
    api_key.last_used_at = utcnow()
    existing = get_dossier_link(unit.id, request.dossier_code)
    if existing is not None:
        db.session.commit()
        return LinkResult(existing, created=False)
    link = SurveyCode(
        code=new_public_code(),
        unit=unit,
        counter=counter,
        officer=officer,
        dossier_code=request.dossier_code,
        single_use=True,
    )
    db.session.add(link)
    try:
        db.session.commit()
    except IntegrityError:
        # The software sent the same dossier twice at once; the other request made the link.
        db.session.rollback()
        existing = get_dossier_link(unit.id, request.dossier_code)
        if existing is None:
            raise
        return LinkResult(existing, created=False)
    return LinkResult(link, created=True)


def _resolve_target(api_key: ApiKey, request: LinkRequest):
    scope = frozenset(list_unit_subtree_ids(api_key.unit_id))
    unit = _find_in_scope(Unit, "unit_code", request.unit_code, scope)
    counter = _find_in_scope(Counter, "counter_code", request.counter_code, scope)
    officer = _find_in_scope(Officer, "officer_code", request.officer_code, scope)
    unit = unit or (counter or officer).unit
    errors = {} if unit.active else {"unit_code": "This unit is inactive."}
    for field, owner in (("counter_code", counter), ("officer_code", officer)):
        if owner is not None and owner.unit_id != unit.id:
            errors[field] = f"This {TARGET_NAMES[field]} does not belong to unit {unit.code}."
        elif owner is not None and not owner.active:
            errors[field] = f"This {TARGET_NAMES[field]} is inactive."
    if errors:
        raise InvalidLinkRequest(errors)
    return unit, counter, officer


def _find_in_scope(model, field: str, code: str | None, scope: frozenset[int]):
    if code is None:
        return None
    found = db.session.scalar(sa.select(model).where(model.code == code))
    unit_id = None if found is None else (found.id if model is Unit else found.unit_id)
    if unit_id not in scope:
        message = f"No {TARGET_NAMES[field]} has the code {code!r} within this key's units."
        raise LinkTargetNotFound(field, message)
    return found
