"""Live survey codes and paired kiosks kept by each process for a few seconds: the survey page
(and on SQLite the ratings sent through it) and every rating a tablet sends read the code or the
kiosk, its unit, counter and officer without a query. On PostgreSQL a rating sent from the form
reads its code in the statement that takes its target's lock (services/responses/target_lock.py).

Why this is safe although codes, units, counters and officers change: a copy is trusted for
CODE_CACHE_SECONDS at most. A code revoked, a counter or officer deactivated, a unit switched to
another questionnaire in one process (a manager's request, the CLI) is seen at once by that
process (its commit empties its copies) and by every other worker and server within
CODE_CACHE_SECONDS, the time it takes a citizen to scan the code anyway. Only codes that open a
survey are kept; an unknown or closed code is read from the database each time, so a new code
works at once. One-time dossier links are never kept: their use is recorded on the row.

A kiosk is kept under its token prefix with the hash of its token, so a kiosk revoked or paired
again in another process still passes with its old token for CODE_CACHE_SECONDS at most, while a
token that does not match the copy is checked against the database at once: a tablet just paired
works at once everywhere. Its last contact (time, app version, queue) changes with nearly every
request and is not a setting: writing it does not empty the copies.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from datetime import time as dt_time
from itertools import chain

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, inspect

from survey_app.core.extensions import db
from survey_app.models import Counter, Kiosk, Officer, RatingRules, SurveyCode, Unit
from survey_app.queries.codes import get_active_survey_code, get_code_columns, opens_survey

CODE_CACHE_SECONDS = 10
CODE_CACHE_KEY = "survey_code_cache"
KIOSK_CACHE_KEY = "survey_kiosk_cache"
# A bound on memory whatever is asked for: a province has a few thousand live codes.
MAX_CACHED_CODES = 20_000
RULES_CACHE_KEY = "survey_rules_cache"
ORG_MODELS = (SurveyCode, Unit, Counter, Officer, RatingRules)
CHANGED_KEY = "survey_org_changed"
KIOSK_CONTACT_COLUMNS = frozenset({"last_seen_at", "app_version", "queue_length"})


@dataclass(frozen=True)
class UnitCopy:
    id: int
    code: str
    name: str
    instrument_code: str
    instrument_version: int = 1


@dataclass(frozen=True)
class CounterCopy:
    id: int
    name: str
    unit_id: int


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
    cached = None if reread else _fresh(CODE_CACHE_KEY, code)
    if cached is not None:
        return cached
    copy = standing_code_copy(code, get_code_columns(code))
    if copy is None:
        current_app.extensions.setdefault(CODE_CACHE_KEY, {}).pop(code, None)
        return get_active_survey_code(code)  # None, or a one-time link: its row, never kept
    _store(CODE_CACHE_KEY, code, copy, time.monotonic())
    return copy


def standing_code_copy(code: str, row: Sequence | None) -> SurveyCodeCopy | None:
    """The copy of a standing code that opens a survey, from its plain columns (`row`, as
    get_code_columns reads them: a counter or officer code is read at nearly every rating, a
    country's codes are too many to stay kept); None for any other code."""
    if row is None:
        return None
    (single_use, revoked_at, unit_id, unit_code, unit_name, instrument, version, unit_active) = row[
        :8
    ]
    counter_id, counter_name, counter_active, officer_id, officer_name, officer_active = row[8:14]
    if single_use or revoked_at is not None:
        return None
    if not opens_survey(unit_active, counter_active, officer_active):
        return None
    counter = CounterCopy(counter_id, counter_name, unit_id) if counter_id is not None else None
    officer = OfficerCopy(officer_id, officer_name) if officer_id is not None else None
    unit = UnitCopy(unit_id, unit_code, unit_name, instrument, version)
    return SurveyCodeCopy(code=code, unit=unit, counter=counter, officer=officer)


def _counter_copy(counter: Counter) -> CounterCopy:
    return CounterCopy(counter.id, counter.name, counter.unit_id)


def _unit_copy(unit: Unit) -> UnitCopy:
    return UnitCopy(unit.id, unit.code, unit.name, unit.instrument_code, unit.instrument_version)


def _officer_copy(officer: Officer | None) -> OfficerCopy | None:
    return OfficerCopy(officer.id, officer.full_name) if officer is not None else None


@dataclass(frozen=True)
class KioskCopy:
    """What a rating from a tablet reads of its kiosk, and the last contact this process knows
    (to write it only when it changed: services/kiosk_contact.py)."""

    id: int
    name: str
    prefix: str
    token_hash: str | None
    revoked: bool
    counter: CounterCopy
    unit: UnitCopy
    serving_officer: OfficerCopy | None  # Kiosk.serving_officer
    last_seen_at: datetime | None
    app_version: str
    queue_length: int

    @property
    def is_revoked(self) -> bool:
        return self.revoked


def cached_kiosk(prefix: str) -> KioskCopy | None:
    """This process's copy of the kiosk with this token prefix, if fresh."""
    return _fresh(KIOSK_CACHE_KEY, prefix)


def keep_kiosk(kiosk: Kiosk) -> KioskCopy:
    """Copy a kiosk read from the database (with its counter, unit and fixed officer)."""
    copy = KioskCopy(
        id=kiosk.id,
        name=kiosk.name,
        prefix=kiosk.token_prefix,
        token_hash=kiosk.token_hash,
        revoked=kiosk.is_revoked,
        counter=_counter_copy(kiosk.counter),
        unit=_unit_copy(kiosk.counter.unit),
        serving_officer=_officer_copy(kiosk.serving_officer),
        last_seen_at=kiosk.last_seen_at,
        app_version=kiosk.app_version,
        queue_length=kiosk.queue_length,
    )
    _store(KIOSK_CACHE_KEY, copy.prefix, copy, time.monotonic())
    return copy


def remember_kiosk_contact(copy: KioskCopy, contact: dict) -> None:
    """The contact this process just wrote, so the next rating does not write it again; the
    copy keeps the age it had."""
    cached = current_app.extensions.setdefault(KIOSK_CACHE_KEY, {}).get(copy.prefix)
    if contact and cached is not None and cached[0].id == copy.id:
        _store(KIOSK_CACHE_KEY, copy.prefix, replace(cached[0], **contact), cached[1])


def _fresh(cache_key: str, key: str | int):
    """The copy kept under `key`, if read less than CODE_CACHE_SECONDS ago."""
    cached = current_app.extensions.setdefault(cache_key, {}).get(key)
    if cached is not None and time.monotonic() - cached[1] < CODE_CACHE_SECONDS:
        return cached[0]
    return None


def _store(cache_key: str, key: str | int, copy, read_at: float) -> None:
    cache = current_app.extensions.setdefault(cache_key, {})
    if len(cache) >= MAX_CACHED_CODES:
        cache.clear()
    cache[key] = (copy, read_at)


@dataclass(frozen=True)
class RulesCopy:
    """A unit's hold-rule thresholds (models.RatingRules) as plain data."""

    unit_id: int
    repeat_minutes: int
    burst_minutes: int
    address_limit: int
    target_limit: int
    pattern_limit: int
    kiosk_repeat_seconds: int
    office_hours_only: bool
    opens_at: dt_time
    closes_at: dt_time


RULES_FIELDS = tuple(RulesCopy.__dataclass_fields__)


def get_live_rules(unit_id: int, read: Callable[[int], RatingRules]) -> RulesCopy:
    """A unit's thresholds as `read` gives them (the stored ones or the defaults), read at most
    once per CODE_CACHE_SECONDS: every QR rating of the unit meets them. A manager's change is
    seen at once by the process that saved it and by the others within CODE_CACHE_SECONDS."""
    cached = _fresh(RULES_CACHE_KEY, unit_id)
    if cached is not None:
        return cached
    rules = read(unit_id)
    copy = RulesCopy(**{name: getattr(rules, name) for name in RULES_FIELDS})
    _store(RULES_CACHE_KEY, unit_id, copy, time.monotonic())
    return copy


def clear_code_cache() -> None:
    if has_app_context():
        for key in (CODE_CACHE_KEY, KIOSK_CACHE_KEY, RULES_CACHE_KEY):
            current_app.extensions.pop(key, None)


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
    if any(_changes_a_copy(instance) for instance in changed):
        session.info[CHANGED_KEY] = True


def _changes_a_copy(instance) -> bool:
    if isinstance(instance, ORG_MODELS):
        return True
    if not isinstance(instance, Kiosk):
        return False
    state = inspect(instance)
    if state.pending or state.deleted:
        return True
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    return not changed <= KIOSK_CONTACT_COLUMNS


def _note_org_statement(state) -> None:
    """An UPDATE or DELETE statement sent through the session (rotating a code, pairing a
    kiosk). A tablet's last contact is written through the kiosks table, not the model."""
    mapper = state.bind_mapper if state.is_update or state.is_delete else None
    if mapper is not None and mapper.class_ in (*ORG_MODELS, Kiosk):
        state.session.info[CHANGED_KEY] = True


def _forget_on_commit(session) -> None:
    if session.info.pop(CHANGED_KEY, False):
        clear_code_cache()


def _drop_note(session, previous_transaction) -> None:
    session.info.pop(CHANGED_KEY, None)
