"""A realistic demo: a province centre, two communes and a year of responses, loaded once.

The content (names, fields, procedures, comments) lives in data/demo.json; this module turns it
into rows and draws the responses with a fixed seed, so the same `today` gives the same data.
"""

import calendar
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import holidays
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.core.paths import PACKAGE_DIR
from survey_app.demo.accounts import add_demo_accounts
from survey_app.demo.kiosks import DemoKiosk, add_demo_kiosks, issue_demo_pairing_codes
from survey_app.demo.tickets import add_demo_tickets
from survey_app.models import (
    OVERALL_ITEM,
    Channel,
    Counter,
    Factor,
    Instrument,
    Item,
    Officer,
    Procedure,
    SurveyCode,
    SurveyResponse,
    Unit,
    User,
    utcnow,
)
from survey_app.months import survey_zone
from survey_app.queries.instruments import get_current_instrument
from survey_app.queries.org import list_survey_codes
from survey_app.queries.units import get_unit_by_code, get_unit_instrument, list_unit_subtree_ids
from survey_app.services.org.members import add_counter, add_officer, add_unit
from survey_app.services.responses.inserts import insert_responses
from survey_app.services.responses.submit import Submission, build_response
from survey_app.services.unit_documents import stage_document_settings

DEMO_FILE = PACKAGE_DIR / "data" / "demo.json"
HISTORY_MONTHS = 13
KIOSK_INSTRUMENT = "kiosk-5"
# (start, end) of the morning and afternoon sessions, local time.
OFFICE_HOURS = ((time(7, 30), time(11, 30)), (time(13, 30), time(16, 45)))
CHANNEL_WEIGHTS = {Channel.QR: 70, Channel.PAPER: 20, Channel.KIOSK: 10}
# Share of responses naming the procedure: a paper form has a box for it, a QR scan rarely does.
PROCEDURE_SHARE = {Channel.QR: 0.3, Channel.PAPER: 0.8, Channel.KIOSK: 0.5}
# Share of citizens with an opinion on an item; few ever sent feedback, so PA is often skipped.
ANSWERED_SHARE = {Factor.FEEDBACK: 0.7}
DEFAULT_ANSWERED_SHARE = 0.94
# Complaints are mostly about waiting and results, rarely about feedback handling.
PROBLEM_WEIGHTS = {
    Factor.ACCESS: 2,
    Factor.PROCEDURES: 3,
    Factor.OFFICERS: 2,
    Factor.RESULTS: 3,
    Factor.FEEDBACK: 1,
}
# Unhappy responses fall from 20% to 10% over the year, as the centres settle in.
LOW_SHARE_FIRST, LOW_SHARE_LAST = 0.20, 0.10


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    units: list[Unit]  # the root first
    survey_codes: list[SurveyCode]
    responses: int
    accounts: list[User]
    password: str  # the demo accounts' shared password, printed for the newcomer
    kiosks: list[DemoKiosk]  # counter tablets with a pairing code fresh from this start


@dataclass
class _Desk:
    counter: Counter
    officers: list[Officer] = field(default_factory=list)


@dataclass
class _StagedUnit:
    unit: Unit
    weight: int
    desks: list[_Desk]


def load_demo(today: date) -> DemoSummary:
    """Stage the demo organisation, catalogue and responses and commit once; idempotent."""
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    root = get_unit_by_code(data["root"]["code"])
    if root is not None:
        return _summary(root, created=False)
    staged: list[_StagedUnit] = []
    root = _add_units(data["root"], None, staged)
    generator = _ResponseGenerator(data, _add_procedures(data["procedures"]), today)
    db.session.flush()  # the responses name their unit, counter, officer and procedure by id
    # Written as every rating is, with its row in the tally run's queue.
    insert_responses(
        [generator.response(number, staged) for number in range(1, data["responses"] + 1)]
    )
    add_demo_accounts(data["accounts"], data["password"])
    add_demo_kiosks(data["kiosks"])
    add_demo_tickets(today)
    db.session.commit()
    return _summary(root, created=True)


def _summary(root: Unit, created: bool) -> DemoSummary:
    unit_ids = list_unit_subtree_ids(root.id)
    units = db.session.scalars(sa.select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.id))
    responses = db.session.scalar(
        sa.select(sa.func.count(SurveyResponse.id)).where(SurveyResponse.unit_id.in_(unit_ids))
    )
    accounts = db.session.scalars(
        sa.select(User).where(User.unit_id.in_(unit_ids)).order_by(User.id)
    )
    password = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["password"]
    return DemoSummary(
        created,
        list(units),
        list_survey_codes(unit_ids),
        responses,
        list(accounts),
        password,
        issue_demo_pairing_codes(unit_ids),
    )


def _add_units(node: dict, parent: Unit | None, staged: list[_StagedUnit]) -> Unit:
    unit = add_unit(
        code=node["code"], name=node["name"], parent=parent, instrument_code=node["instrument"]
    )
    stage_document_settings(unit, node.get("document", {}))
    desks = {spec["code"]: _Desk(add_counter(unit=unit, **spec)) for spec in node["counters"]}
    for spec in node["officers"]:
        counters = [desks[code].counter for code in spec["counters"]]
        officer = add_officer(
            unit=unit, code=spec["code"], full_name=spec["full_name"], counters=counters
        )
        for code in spec["counters"]:
            desks[code].officers.append(officer)
    staged.append(_StagedUnit(unit, node["weight"], list(desks.values())))
    for child in node["children"]:
        _add_units(child, unit, staged)
    return unit


def _add_procedures(specs: list[dict]) -> dict[str, list[Procedure]]:
    """The catalogue entries, reusing those already there; grouped by field."""
    existing = {
        procedure.code: procedure
        for procedure in db.session.scalars(
            sa.select(Procedure).where(Procedure.code.in_([spec["code"] for spec in specs]))
        )
    }
    by_field: dict[str, list[Procedure]] = {}
    for spec in specs:
        procedure = existing.get(spec["code"]) or Procedure(**spec)
        db.session.add(procedure)
        by_field.setdefault(procedure.field, []).append(procedure)
    return by_field


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the 31st becomes the month's last day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def working_days(first: date, end: date) -> list[date]:
    """Monday to Friday from `first` up to (not including) `end`, minus public holidays."""
    days_off = holidays.country_holidays("VN", years=range(first.year, end.year + 1))
    span = (first + timedelta(days=offset) for offset in range((end - first).days))
    return [day for day in span if day.weekday() < 5 and day not in days_off]


class _ResponseGenerator:
    """Draws one plausible response at a time from a seeded random source."""

    def __init__(self, data: dict, procedures: dict[str, list[Procedure]], today: date) -> None:
        # Reproducible demo data, not a secret (Bandit B311).
        self.rng = random.Random(data["seed"])  # nosec B311
        self.zone = survey_zone()
        self.days = working_days(months_before(today, HISTORY_MONTHS), today)
        self.procedures = procedures
        self.comments = data["comments"]
        self.low_factors = _low_factors(data["root"])
        self.instruments: dict[str, Instrument] = {}

    def response(self, number: int, staged: list[_StagedUnit]) -> SurveyResponse:
        rng = self.rng
        place = rng.choices(staged, weights=[s.weight for s in staged])[0]
        desk = rng.choice(place.desks)
        channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
        counter, officer = self._attribution(desk, channel)
        # Later days weigh up to three times more: use grows as the centres advertise the QR.
        position = rng.random() if rng.random() < 0.5 else rng.triangular(0, 1, 1)
        low = rng.random() < self._low_share(position, officer)
        instrument = self._instrument(KIOSK_INSTRUMENT if channel == Channel.KIOSK else None, place)
        response = build_response(
            Submission(
                client_ref=f"demo-{number:06d}",
                unit=place.unit,
                instrument=instrument,
                answers=self._answers(instrument, low),
                channel=channel,
                comment=self._comment(low),
                counter=counter,
                officer=officer,
                procedure=self._procedure(desk, channel),
                submitted_at=self._moment(position),
            )
        )
        response.received_at = self._received_at(response.submitted_at, channel)
        return response

    def _attribution(self, desk: _Desk, channel: Channel) -> tuple[Counter | None, Officer | None]:
        officer = self.rng.choice(desk.officers) if desk.officers else None
        if channel == Channel.QR:
            # A QR code names either the counter or the officer, never both.
            return (None, officer) if officer and self.rng.random() < 0.45 else (desk.counter, None)
        if channel == Channel.PAPER and self.rng.random() < 0.4:
            return desk.counter, None
        return desk.counter, officer

    def _low_share(self, position: float, officer: Officer | None) -> float:
        share = LOW_SHARE_FIRST + (LOW_SHARE_LAST - LOW_SHARE_FIRST) * position
        return share * (self.low_factors.get(officer.code, 1.0) if officer else 1.0)

    def _instrument(self, code: str | None, place: _StagedUnit) -> Instrument:
        if code is None:  # the unit's own questionnaire, in the version it chose
            code = f"{place.unit.instrument_code}@{place.unit.instrument_version}"
            if code not in self.instruments:
                self.instruments[code] = get_unit_instrument(place.unit)
        elif code not in self.instruments:
            self.instruments[code] = get_current_instrument(code)
        return self.instruments[code]

    def _answers(self, instrument: Instrument, low: bool) -> dict[str, int | None]:
        problems = self._problem_factors(instrument) if low else set()
        answers = {item.code: self._level(item, low, problems) for item in instrument.items}
        if low:
            answers[OVERALL_ITEM] = self.rng.choice((2, 3, 3, 4))
            # At least one low item, so the response is flagged for follow-up.
            first = next(item.code for item in instrument.items if item.factor in problems)
            answers[first] = min(answers[first], 3)
        return answers

    def _problem_factors(self, instrument: Instrument) -> set[Factor]:
        factors = [item.factor for item in instrument.items if item.factor]
        return set(self.rng.choices(factors, [PROBLEM_WEIGHTS[f] for f in factors], k=2))

    def _level(self, item: Item, low: bool, problems: set[Factor]) -> int | None:
        if item.factor in problems:
            return self.rng.choice((1, 2, 2, 3, 3, 3, 4))
        answered_share = ANSWERED_SHARE.get(item.factor, DEFAULT_ANSWERED_SHARE)
        if item.code != OVERALL_ITEM and self.rng.random() > answered_share:
            return None  # "Không có ý kiến"
        return self.rng.choice((3, 4, 4, 5) if low else (4, 4, 5, 5, 5))

    def _comment(self, low: bool) -> str:
        if self.rng.random() < (0.5 if low else 0.15):
            return self.rng.choice(self.comments["complaint" if low else "praise"])
        return ""

    def _procedure(self, desk: _Desk, channel: Channel) -> Procedure | None:
        choices = self.procedures.get(desk.counter.field)
        if choices and self.rng.random() < PROCEDURE_SHARE[channel]:
            return self.rng.choice(choices)
        return None

    def _moment(self, position: float) -> datetime:
        day = self.days[min(int(position * len(self.days)), len(self.days) - 1)]
        start, end = OFFICE_HOURS[0] if self.rng.random() < 0.6 else OFFICE_HOURS[1]
        opened = datetime.combine(day, start, self.zone)
        length = datetime.combine(day, end, self.zone) - opened
        moment = opened + self.rng.random() * length
        return moment.replace(microsecond=0).astimezone(UTC)

    def _received_at(self, submitted_at: datetime, channel: Channel) -> datetime:
        if channel != Channel.PAPER:
            return submitted_at
        # Paper forms are typed in a few days later.
        return min(submitted_at + timedelta(days=self.rng.randint(1, 5)), utcnow())


def _low_factors(node: dict) -> dict[str, float]:
    """Officers drawn as less liked than their colleagues, so evaluations have a story."""
    factors = {spec["code"]: spec.get("low_factor", 1.0) for spec in node["officers"]}
    for child in node["children"]:
        factors |= _low_factors(child)
    return factors
