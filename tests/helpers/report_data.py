"""A small month (March 2026) of commune A, small enough to compute its report by hand.

Commune A ("UBND xã An Bình", under "UBND tỉnh Thử Nghiệm"), sipas-2023 (19 questions + CHUNG):
- Nguyễn Văn An (CB-AN): 4 responses all 5 by QR; 1 paper response all 4 except CC1 = 2,
  commenting with a phone number (flagged).
- Trần Thị Bình (CB-BINH): 2 web responses all 5, one of them with CHUNG = 3 (flagged).
- 1 paper response all 5 with no officer.
Commune B: 1 response all 1 (never in commune A's report).

By hand, commune A: 8 responses, 2 flagged (25 %); CC1 7/8 = 87.5, every other question 100;
CC = (87.5 + 4 × 100) / 5 = 97.5; SIPAS = (4 × 100 + 97.5) / 5 = 99.5; CHUNG ≥ 4 in 7 of 8
(87.5 %), mean 37 / 8 = 4.625. Answers per level over the 160 answers: 0, 1, 1, 19, 139.
An: 5 responses, CC = (80 + 4 × 100) / 5 = 96, SIPAS 99.2 < 99.5: below the unit average;
overall 100 %, mean 4.8, 1 flagged (20 %). Bình: 2 responses, not enough to judge; overall
50 %, SIPAS 100, 1 flagged (50 %).
Complaints: one received Wed 4/3 and answered Thu 5/3 (on time, 1 working day), one received
Mon 30/3 still open at the end of March.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from survey_app.models import Channel, Officer, Role, TicketChannel, Unit
from survey_app.months import Month
from survey_app.services.tickets import handling as ticket_handling
from survey_app.services.tickets.opening import TicketRequest, open_ticket
from tests.helpers.builders import full_answers, make_officer, make_response, make_user

HANOI = timezone(timedelta(hours=7))
MARCH = Month(2026, 3)
PHONE_COMMENT = "Chờ lâu quá, gọi lại cho tôi số 0912 345 678"


def march(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=HANOI)


@dataclass
class SmallMonth:
    province: Unit
    commune: Unit
    other: Unit
    an: Officer


def make_small_month(tree) -> SmallMonth:
    province, commune, other = tree
    an = make_officer(unit=commune, code="CB-AN", full_name="Nguyễn Văn An")
    binh = make_officer(unit=commune, code="CB-BINH", full_name="Trần Thị Bình")
    for day in (2, 3, 4, 5):
        make_response(unit=commune, officer=an, submitted_at=march(day))
    make_response(
        unit=commune,
        officer=an,
        channel=Channel.PAPER,
        answers=full_answers(value=4, CC1=2),
        comment=PHONE_COMMENT,
        submitted_at=march(10, 14, 30),
    )
    make_response(
        unit=commune,
        officer=binh,
        channel=Channel.WEB,
        answers=full_answers(CHUNG=3),
        submitted_at=march(12),
    )
    make_response(unit=commune, officer=binh, channel=Channel.WEB, submitted_at=march(13))
    make_response(unit=commune, channel=Channel.PAPER, submitted_at=march(16))
    make_response(unit=other, answers=full_answers(value=1), submitted_at=march(16))
    _complaints(commune)
    return SmallMonth(province, commune, other, an)


def _complaints(unit: Unit) -> None:
    handler = make_user(role=Role.MANAGER, unit=unit)
    answered = _ticket(unit, "t-answered", march(4, 10))
    ticket_handling.answer_ticket(answered, "Đã trả lời.", actor=handler, now=march(5, 10))
    _ticket(unit, "t-open", march(30, 10))


def _ticket(unit: Unit, ref: str, received_at: datetime):
    request = TicketRequest(
        client_ref=ref,
        unit=unit,
        content="Phản ánh về thời gian chờ.",
        channel=TicketChannel.WEB,
        received_at=received_at,
    )
    return open_ticket(request).ticket
