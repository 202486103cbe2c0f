"""Tickets made the way a citizen files them, for tests of handling, mail and retention."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from survey_app.models import TicketChannel
from survey_app.services.tickets.opening import TicketRequest, open_ticket
from tests.helpers.builders import make_unit

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


MONDAY_MORNING = datetime(2026, 10, 5, 10, 0, tzinfo=HANOI)


CITIZEN = "nguoi.dan@example.vn"


def file_ticket(*, email=CITIZEN, officer=None, unit=None):
    unit = unit or make_unit(name="UBND xã An Bình")
    request = TicketRequest(
        client_ref=f"ref-{email}",
        unit=unit,
        officer=officer,
        content="Chờ quá lâu ở quầy hộ tịch.",
        channel=TicketChannel.WEB,
        contact_name="Trần Văn Nam" if email else None,
        contact_email=email,
        consent_text="Tôi đồng ý cho đơn vị dùng thông tin liên hệ để trả lời." if email else None,
        received_at=MONDAY_MORNING,
    )
    return open_ticket(request).ticket


def new_ticket(unit, **fields):
    request = TicketRequest(
        client_ref=uuid.uuid4().hex,
        unit=unit,
        content="Phải chờ quá lâu.",
        channel=TicketChannel.WEB,
        **fields,
    )
    return open_ticket(request).ticket
