"""Plain keyword-only builders with sensible defaults; each commits what it builds."""

import itertools
import uuid
from datetime import datetime

from survey_app.core.extensions import db
from survey_app.models import (
    Channel,
    Counter,
    Officer,
    Role,
    SurveyCode,
    SurveyResponse,
    TicketChannel,
    TicketStatus,
    Unit,
)
from survey_app.queries.instruments import get_current_instrument
from survey_app.queries.units import get_unit_instrument
from survey_app.services.accounts.staff import create_user
from survey_app.services.org.members import add_counter, add_officer, add_unit
from survey_app.services.responses.holding_rules import RatingSource
from survey_app.services.responses.submit import Submission, submit_response
from survey_app.services.tickets.opening import TicketRequest, open_ticket

_sequence = itertools.count(1)


def make_unit(*, code=None, name=None, parent=None, instrument_code="sipas-2023") -> Unit:
    number = next(_sequence)
    unit = add_unit(
        code=code or f"U{number}",
        name=name or f"UBND xã Thử Nghiệm {number}",
        parent=parent,
        instrument_code=instrument_code,
    )
    db.session.commit()
    return unit


def make_counter(*, unit=None, code=None, name="Quầy Tư pháp - Hộ tịch", field="Tư pháp - Hộ tịch"):
    unit = unit or make_unit()
    counter = add_counter(unit=unit, code=code or f"Q{next(_sequence)}", name=name, field=field)
    db.session.commit()
    return counter


def make_officer(*, unit=None, code=None, full_name="Nguyễn Thị Lan", counters=()) -> Officer:
    unit = unit or make_unit()
    officer = add_officer(
        unit=unit, code=code or f"CB{next(_sequence)}", full_name=full_name, counters=counters
    )
    db.session.commit()
    return officer


def survey_code_of(owner: Counter | Officer) -> str:
    column = SurveyCode.counter_id if isinstance(owner, Counter) else SurveyCode.officer_id
    return db.session.scalar(
        db.select(SurveyCode.code).where(
            column == owner.id, SurveyCode.revoked_at.is_(None), SurveyCode.single_use.is_(False)
        )
    )


def full_answers(instrument_code="sipas-2023", value=5, **overrides) -> dict[str, int | None]:
    instrument = get_current_instrument(instrument_code)
    return {item.code: value for item in instrument.items} | overrides


def make_response(
    *,
    unit=None,
    counter=None,
    officer=None,
    answers=None,
    comment="",
    channel=Channel.QR,
    submitted_at: datetime | None = None,
    client_ref=None,
    source: RatingSource | None = None,
    instrument_code=None,
):
    unit = unit or (counter or officer).unit if (counter or officer) else unit or make_unit()
    instrument = (
        get_current_instrument(instrument_code) if instrument_code else get_unit_instrument(unit)
    )
    submission = Submission(
        client_ref=client_ref or uuid.uuid4().hex,
        unit=unit,
        counter=counter,
        officer=officer,
        instrument=instrument,
        channel=channel,
        answers=answers if answers is not None else full_answers(instrument.code),
        comment=comment,
        submitted_at=submitted_at,
        source=source,
    )
    # The stored row: submit_response writes with Core statements and hands back the transient
    # response it built, which a test could not change and commit.
    return db.session.get(SurveyResponse, submit_response(submission).response.id)


DEFAULT_PASSWORD = "mật khẩu đủ dài 2026"


def make_user(*, role=Role.MANAGER, unit=None, officer=None, username=None, password=None):
    """A staff account; an officer account gets an officer of its unit unless one is given."""
    unit = unit or (officer.unit if officer else make_unit())
    if role is Role.OFFICER and officer is None:
        officer = make_officer(unit=unit)
    return create_user(
        username=username or f"user{next(_sequence)}",
        full_name="Phạm Thị Quản Lý",
        password=password or DEFAULT_PASSWORD,
        role=role,
        unit=unit,
        officer=officer,
    )


def make_rated_ticket(*, unit, rating: int, rated_at: datetime, officer=None, counter=None):
    """An answered complaint the citizen rated `rating` (1–5) at `rated_at`."""
    request = TicketRequest(
        client_ref=uuid.uuid4().hex,
        unit=unit,
        officer=officer,
        counter=counter,
        content="Phải chờ quá lâu ở quầy.",
        channel=TicketChannel.WEB,
        received_at=rated_at,
    )
    ticket = open_ticket(request).ticket
    ticket.status, ticket.answer, ticket.answered_at = (
        TicketStatus.ANSWERED,
        "Đã trả lời.",
        rated_at,
    )
    ticket.handling_rating, ticket.rated_at = rating, rated_at
    db.session.commit()
    return ticket
