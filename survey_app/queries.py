"""Reads: small named functions, no commits."""

import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from survey_app.collation import sorted_vi
from survey_app.extensions import db
from survey_app.models import (
    ApiKey,
    Counter,
    Factor,
    Instrument,
    Officer,
    SurveyCode,
    SurveyResponse,
    Unit,
)


def get_survey_code(code: str) -> SurveyCode | None:
    return db.session.scalar(
        sa.select(SurveyCode)
        .where(SurveyCode.code == code)
        .options(
            joinedload(SurveyCode.unit),
            joinedload(SurveyCode.counter),
            joinedload(SurveyCode.officer),
        )
    )


def get_active_survey_code(code: str) -> SurveyCode | None:
    """The code behind a QR, if it still opens a survey (not revoked, owner still active)."""
    survey_code = get_survey_code(code)
    if survey_code is None or survey_code.revoked_at is not None:
        return None
    # A one-time dossier link may name a counter, an officer, both or neither.
    owners = [owner for owner in (survey_code.counter, survey_code.officer) if owner is not None]
    if not (survey_code.unit.active and all(owner.active for owner in owners)):
        return None
    return survey_code


def get_response_by_dossier(unit_id: int, dossier_code: str) -> SurveyResponse | None:
    return db.session.scalar(
        sa.select(SurveyResponse).where(
            SurveyResponse.unit_id == unit_id, SurveyResponse.dossier_code == dossier_code
        )
    )


def get_dossier_link(unit_id: int, dossier_code: str) -> SurveyCode | None:
    return db.session.scalar(
        sa.select(SurveyCode).where(
            SurveyCode.unit_id == unit_id, SurveyCode.dossier_code == dossier_code
        )
    )


def is_link_answered(survey_code: SurveyCode) -> bool:
    """A one-time link is spent once used, or once its dossier was rated some other way."""
    if survey_code.used_at is not None:
        return True
    return get_response_by_dossier(survey_code.unit_id, survey_code.dossier_code) is not None


def list_unit_codes(unit_id: int) -> list[SurveyCode]:
    """The live counter and officer codes of one unit (one-time dossier links left out)."""
    query = (
        sa.select(SurveyCode)
        .outerjoin(Counter, SurveyCode.counter)
        .outerjoin(Officer, SurveyCode.officer)
        .where(
            SurveyCode.unit_id == unit_id,
            SurveyCode.revoked_at.is_(None),
            SurveyCode.single_use.is_(False),
        )
        .order_by(SurveyCode.officer_id.is_not(None), sa.func.coalesce(Counter.code, Officer.code))
        .options(contains_eager(SurveyCode.counter), contains_eager(SurveyCode.officer))
    )
    return list(db.session.scalars(query))


def list_api_keys(unit_ids: frozenset[int] | list[int]) -> list[ApiKey]:
    """Keys of the given units, live ones first, newest first."""
    query = (
        sa.select(ApiKey)
        .where(ApiKey.unit_id.in_(unit_ids))
        .order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(), ApiKey.id.desc())
        .options(joinedload(ApiKey.unit), joinedload(ApiKey.created_by))
    )
    return list(db.session.scalars(query))


def get_current_instrument(code: str) -> Instrument | None:
    """The newest loaded version of an instrument, with its items."""
    return db.session.scalar(
        sa.select(Instrument)
        .where(Instrument.code == code)
        .order_by(Instrument.version.desc())
        .limit(1)
        .options(selectinload(Instrument.items))
    )


# Instruments change only by a migration or `survey-app instruments sync`, after which the
# server is restarted; the copy is re-read after this long anyway.
INSTRUMENT_CACHE_SECONDS = 300
INSTRUMENT_CACHE_KEY = "survey_instrument_cache"


@dataclass(frozen=True)
class ItemCopy:
    id: int
    code: str
    factor: Factor | None
    position: int
    text_vi: str
    text_en: str

    def text(self, locale: str) -> str:
        return self.text_en if locale == "en" else self.text_vi


@dataclass(frozen=True)
class InstrumentCopy:
    """An instrument as read once by this process: plain data, never part of a session."""

    id: int
    code: str
    version: int
    name_vi: str
    name_en: str
    items: tuple[ItemCopy, ...]

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi


def get_unit_instrument(unit) -> Instrument | None:
    """The version of its questionnaire the unit chose (a unit or its copy); the newest when
    that version is not loaded."""
    chosen = get_instrument(unit.instrument_code, unit.instrument_version)
    return chosen or get_current_instrument(unit.instrument_code)


def get_cached_instrument(code: str, version: int | None = None) -> InstrumentCopy | None:
    """get_current_instrument (or a unit's chosen `version`) without its two queries on every
    survey page and rating."""
    cache = current_app.extensions.setdefault(INSTRUMENT_CACHE_KEY, {})
    cached = cache.get((code, version))
    if cached is not None and time.monotonic() - cached[1] < INSTRUMENT_CACHE_SECONDS:
        return cached[0]
    instrument = (get_instrument(code, version) if version else None) or get_current_instrument(
        code
    )
    if instrument is None:
        return None
    copy = InstrumentCopy(
        id=instrument.id,
        code=instrument.code,
        version=instrument.version,
        name_vi=instrument.name_vi,
        name_en=instrument.name_en,
        items=tuple(
            ItemCopy(item.id, item.code, item.factor, item.position, item.text_vi, item.text_en)
            for item in instrument.items
        ),
    )
    cache[(code, version)] = (copy, time.monotonic())
    return copy


def get_instrument(code: str, version: int) -> Instrument | None:
    return db.session.scalar(
        sa.select(Instrument)
        .where(Instrument.code == code, Instrument.version == version)
        .options(selectinload(Instrument.items))
    )


def get_unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def find_unit_by_code(code: str) -> Unit | None:
    """The unit a citizen means, however the code was typed or printed ("ld-ductrong"): the
    exact code first, else the one unit whose code matches ignoring case (None if several)."""
    code = code.strip()
    if not code:
        return None
    exact = get_unit_by_code(code)
    if exact is not None:
        return exact
    matches = db.session.scalars(
        sa.select(Unit).where(sa.func.upper(Unit.code) == code.upper()).limit(2)
    ).all()
    return matches[0] if len(matches) == 1 else None


def list_public_units() -> list[tuple[Unit, int]]:
    """Active units with their depth in the tree, for a citizen to pick one: each parent is
    followed by its children. An active unit under an inactive one is shown at the top."""
    units = db.session.scalars(sa.select(Unit).where(Unit.active.is_(True))).all()
    active_ids = {unit.id for unit in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in sorted(units, key=_unit_order, reverse=True):
        parent = unit.parent_id if unit.parent_id in active_ids else None
        children.setdefault(parent, []).append(unit)
    ordered, pending = [], [(unit, 0) for unit in children.get(None, [])]
    while pending:  # depth first, without recursion: a tree may be deep
        unit, depth = pending.pop()
        ordered.append((unit, depth))
        pending.extend((child, depth + 1) for child in children.get(unit.id, []))
    return ordered


def _unit_order(unit: Unit) -> tuple[str, str]:
    return (unit.name, unit.code)


def get_response_by_ref(unit_id: int, client_ref: str) -> SurveyResponse | None:
    return db.session.scalar(
        sa.select(SurveyResponse).where(
            SurveyResponse.unit_id == unit_id, SurveyResponse.client_ref == client_ref
        )
    )


def unit_subtree_ids_query(unit_id: int) -> sa.Select:
    """Ids of a unit and every unit below it, as a subquery usable in IN (...)."""
    tree = sa.select(Unit.id).where(Unit.id == unit_id).cte("unit_tree", recursive=True)
    tree = tree.union_all(sa.select(Unit.id).where(Unit.parent_id == tree.c.id))
    return sa.select(tree.c.id)


def list_unit_subtree_ids(unit_id: int) -> list[int]:
    return list(db.session.scalars(unit_subtree_ids_query(unit_id)))


def list_units(unit_ids: frozenset[int] | list[int], active_only: bool = False) -> list[Unit]:
    query = sa.select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.code)
    if active_only:
        query = query.where(Unit.active.is_(True))
    return sorted_vi(db.session.scalars(query), key=lambda unit: unit.name)
