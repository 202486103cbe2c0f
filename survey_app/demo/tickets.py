"""The demo's complaint tickets: enough to show the queue's urgency states and a finished case."""

from datetime import date, datetime, time, timedelta

from survey_app.core.extensions import db
from survey_app.models import Ticket, TicketChannel, TicketEvent, TicketStatus, utcnow
from survey_app.months import survey_zone
from survey_app.queries.units import get_unit_by_code
from survey_app.services.tickets.opening import new_tracking_code
from survey_app.workdays import answer_due

RECEIVED_AT = time(9, 30)
# (unit, days before today, channel, content, status, answer, rating)
TICKETS = (
    ("LD-DUCTRONG", 9, TicketChannel.WEB,
     "Tôi nộp hồ sơ đăng ký biến động đất đai đã quá hẹn mà chưa nhận được kết quả, "
     "gọi điện lên quầy không ai nghe máy.", TicketStatus.RECEIVED, None, None),
    ("LD-DUCTRONG", 2, TicketChannel.HOTLINE,
     "Công chức quầy chứng thực yêu cầu nộp thêm giấy tờ không có trong danh mục niêm yết.",
     TicketStatus.RECEIVED, None, None),
    ("LD-DUCTRONG", 0, TicketChannel.SURVEY,
     "Phải chờ hơn một tiếng mới đến lượt, máy lấy số thứ tự bị hỏng.",
     TicketStatus.RECEIVED, None, None),
    ("LD-XUANHUONG", 6, TicketChannel.MAILBOX,
     "Đề nghị bố trí thêm ghế ngồi chờ cho người cao tuổi.", TicketStatus.ANSWERED,
     "Bộ phận Một cửa đã bổ sung 10 ghế ngồi chờ và dành riêng một hàng ghế cho người cao "
     "tuổi. Cảm ơn Ông/Bà đã góp ý.", None),
    ("LD-XUANHUONG", 30, TicketChannel.WEB,
     "Phí chứng thực thu cao hơn mức niêm yết.", TicketStatus.CLOSED,
     "Qua kiểm tra, quầy đã thu đúng mức phí theo quy định; mức niêm yết cũ đã được thay. "
     "Đơn vị xin lỗi vì sự nhầm lẫn trong niêm yết.", 4),
)  # fmt: skip


def add_demo_tickets(today: date) -> None:
    """Stage the tickets; the demo loader commits them with everything else."""
    db.session.flush()
    zone = survey_zone()
    for number, spec in enumerate(TICKETS, start=1):
        unit_code, days_ago, channel, content, status, answer, rating = spec
        unit = get_unit_by_code(unit_code)
        received = datetime.combine(today - timedelta(days=days_ago), RECEIVED_AT, zone)
        received = min(received, utcnow() - timedelta(minutes=30))  # never in the future
        ticket = Ticket(
            code=new_tracking_code(),
            client_ref=f"demo-ticket-{number}",
            unit=unit,
            channel=channel,
            content=content,
            status=status,
            received_at=received,
            due_at=answer_due(received, unit.answer_days),
        )
        ticket.events.append(
            TicketEvent(at=received, kind="received", to_status=TicketStatus.RECEIVED)
        )
        if answer:
            _finish(ticket, answer, rating, received)
        db.session.add(ticket)


def _finish(ticket: Ticket, answer: str, rating: int | None, received: datetime) -> None:
    ticket.answer, ticket.answered_at = answer, received + timedelta(days=1, hours=5)
    ticket.events.append(
        TicketEvent(
            at=ticket.answered_at,
            kind="answered",
            from_status=TicketStatus.RECEIVED,
            to_status=TicketStatus.ANSWERED,
        )
    )
    if ticket.status is TicketStatus.CLOSED:
        ticket.closed_at = ticket.answered_at + timedelta(days=1)
        ticket.handling_rating, ticket.rated_at = rating, ticket.closed_at
