"""Reads of questionnaires, with a short-lived per-process copy of the current version for the
rating path."""

import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from survey_app.core.extensions import db
from survey_app.models import (
    Factor,
    Instrument,
)


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
