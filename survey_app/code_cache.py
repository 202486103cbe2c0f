"""Live survey codes kept by each process for a few seconds: the survey page and every rating
sent through it read the code, its unit, counter and officer without a query.

Why this is safe although codes, units, counters and officers change: a copy is trusted for
CODE_CACHE_SECONDS at most. A code revoked, a counter or officer deactivated, a unit switched to
another questionnaire in one process (a manager's request, the CLI) is seen at once by that
process (its commit empties its copies) and by every other worker and server within
CODE_CACHE_SECONDS, the time it takes a citizen to scan the code anyway. Only codes that open a
survey are kept; an unknown or closed code is read from the database each time, so a new code
works at once. One-time dossier links are never kept: their use is recorded on the row.
"""

import time
from dataclasses import dataclass
from itertools import chain

from flask import Flask, current_app, has_app_context
from sqlalchemy import event

from survey_app.extensions import db
from survey_app.models import Counter, Officer, SurveyCode, Unit
from survey_app.queries import get_active_survey_code

CODE_CACHE_SECONDS = 10
CODE_CACHE_KEY = "survey_code_cache"
# A bound on memory whatever is asked for: a province has a few thousand live codes.
MAX_CACHED_CODES = 20_000
ORG_MODELS = (SurveyCode, Unit, Counter, Officer)
CHANGED_KEY = "survey_org_changed"


@dataclass(frozen=True)
class UnitCopy:
    id: int
    code: str
    name: str
    instrument_code: str


@dataclass(frozen=True)
class CounterCopy:
    id: int
    name: str


@dataclass(frozen=True)
class OfficerCopy:
    id: int
    full_name: str


@dataclass(frozen=True)
class SurveyCodeCopy:
    """What the survey page and a rating read of a standing counter or officer code: plain
    data, never part of a session (a response takes only the ids)."""

    code: str
    unit: UnitCopy
    counter: CounterCopy | None
    officer: OfficerCopy | None
    single_use = False
    dossier_code = None

    @property
    def unit_id(self) -> int:
        return self.unit.id


def get_live_survey_code(code: str, *, reread: bool = False) -> SurveyCode | SurveyCodeCopy | None:
    """get_active_survey_code, read at most once per CODE_CACHE_SECONDS for a standing code;
    `reread` reads it now and renews the copy (opening the form: see blueprints/survey.py)."""
    cache = current_app.extensions.setdefault(CODE_CACHE_KEY, {})
    cached = cache.get(code)
    if not reread and cached is not None and time.monotonic() - cached[1] < CODE_CACHE_SECONDS:
        return cached[0]
    survey_code = get_active_survey_code(code)
    if survey_code is None or survey_code.single_use:
        cache.pop(code, None)
        return survey_code
    if len(cache) >= MAX_CACHED_CODES:
        cache.clear()
    copy = _copy(survey_code)
    cache[code] = (copy, time.monotonic())
    return copy


def _copy(survey_code: SurveyCode) -> SurveyCodeCopy:
    unit, counter, officer = survey_code.unit, survey_code.counter, survey_code.officer
    return SurveyCodeCopy(
        code=survey_code.code,
        unit=UnitCopy(unit.id, unit.code, unit.name, unit.instrument_code),
        counter=CounterCopy(counter.id, counter.name) if counter is not None else None,
        officer=OfficerCopy(officer.id, officer.full_name) if officer is not None else None,
    )


def clear_code_cache() -> None:
    if has_app_context():
        current_app.extensions.pop(CODE_CACHE_KEY, None)


def init_app(app: Flask) -> None:
    """Empty this process's copies when one of its commits changed a code, unit, counter or
    officer (the session is shared by every app of the process: listen once)."""
    if not event.contains(db.session, "after_flush", _note_org_change):
        event.listen(db.session, "after_flush", _note_org_change)
        event.listen(db.session, "do_orm_execute", _note_org_statement)
        event.listen(db.session, "after_commit", _forget_on_commit)
        event.listen(db.session, "after_soft_rollback", _drop_note)


def _note_org_change(session, flush_context) -> None:
    changed = chain(session.new, session.dirty, session.deleted)
    if any(isinstance(instance, ORG_MODELS) for instance in changed):
        session.info[CHANGED_KEY] = True


def _note_org_statement(state) -> None:
    """An UPDATE or DELETE statement sent through the session (rotating a code is one)."""
    mapper = state.bind_mapper if state.is_update or state.is_delete else None
    if mapper is not None and mapper.class_ in ORG_MODELS:
        state.session.info[CHANGED_KEY] = True


def _forget_on_commit(session) -> None:
    if session.info.pop(CHANGED_KEY, False):
        clear_code_cache()


def _drop_note(session, previous_transaction) -> None:
    session.info.pop(CHANGED_KEY, None)
