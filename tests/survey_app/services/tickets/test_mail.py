import logging
from datetime import datetime

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import Ticket
from survey_app.services.tickets.mail import send_ticket_mail
from tests.helpers.api_links import PUBLIC_URL
from tests.helpers.builders import make_officer, make_unit
from tests.helpers.smtp_server import body_of, mail_server
from tests.helpers.tickets import CITIZEN, HANOI, MONDAY_MORNING, file_ticket


@pytest.fixture
def mailbox(app):
    with mail_server(app) as box:
        yield box


def test_received_mail_has_code_link_and_due_date(mailbox, public_url):
    ticket = file_ticket()

    [message] = mailbox.to(CITIZEN)
    assert message["Subject"] == f"[Phản ánh {ticket.code}] Đã tiếp nhận"
    assert message["From"] == "phan-anh@survey.test"
    body = body_of(message)
    assert f"Mã theo dõi: {ticket.code}" in body
    assert f"{PUBLIC_URL}/t/{ticket.code}" in body
    assert "Hạn trả lời: 17:00 ngày 08/10/2026" in body
    assert "UBND xã An Bình" in body


def test_no_mail_without_an_address(mailbox):
    file_ticket(email=None)

    assert mailbox.messages == []


def test_refusing_server_does_not_lose_the_ticket(mailbox, caplog):
    mailbox.refuse = True

    with caplog.at_level(logging.ERROR, logger="survey_app.core.mail"):
        ticket = file_ticket()

    stored = db.session.scalar(sa.select(Ticket).where(Ticket.code == ticket.code))
    assert stored.contact_email == CITIZEN
    assert mailbox.messages == []
    assert "failed" in caplog.text


def test_unreachable_server_does_not_lose_the_ticket(app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "SURVEY_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SURVEY_SMTP_PORT", 1)  # nothing listens there

    with caplog.at_level(logging.ERROR, logger="survey_app.core.mail"):
        ticket = file_ticket()

    assert db.session.scalar(sa.select(Ticket.id).where(Ticket.code == ticket.code))
    assert "failed" in caplog.text


def test_without_smtp_host_nothing_is_sent_and_the_log_says_so(app, caplog):
    assert not app.config.get("SURVEY_SMTP_HOST")

    with caplog.at_level(logging.INFO, logger="survey_app.core.mail"):
        file_ticket()

    assert "SURVEY_SMTP_HOST is not set" in caplog.text


def test_answer_mail_carries_the_answer_but_no_officer_name(mailbox):
    unit = make_unit(name="UBND xã Bình Minh")
    officer = make_officer(unit=unit, full_name="Lê Thị Hồng")
    ticket = file_ticket(officer=officer, unit=unit)
    ticket.answer = "Đơn vị đã bố trí thêm một quầy vào buổi sáng."
    db.session.commit()

    send_ticket_mail(ticket, "answered")

    message = mailbox.to(CITIZEN)[-1]
    assert message["Subject"] == f"[Phản ánh {ticket.code}] Đã có trả lời"
    body = body_of(message)
    assert "Đơn vị đã bố trí thêm một quầy vào buổi sáng." in body
    assert "Lê Thị Hồng" not in body
    assert "Trần Văn Nam" not in body


def test_extension_mail_gives_the_new_due_date(mailbox):
    ticket = file_ticket()
    ticket.extended_due_at = datetime(2026, 10, 15, 17, 0, tzinfo=HANOI)
    ticket.extension_reason = "Cần xác minh với Sở Tư pháp."
    db.session.commit()

    send_ticket_mail(ticket, "extended")

    body = body_of(mailbox.to(CITIZEN)[-1])
    assert "Hạn trả lời mới: 17:00 ngày 15/10/2026" in body
    assert "Cần xác minh với Sở Tư pháp." in body


def test_every_stage_but_assigned_mails_the_citizen(mailbox):
    ticket = file_ticket()
    ticket.answer = "Nội dung trả lời."
    db.session.commit()

    for stage in ("assigned", "answered", "rejected", "transferred", "extended", "closed"):
        send_ticket_mail(ticket, stage)

    subjects = [message["Subject"].split("] ", 1)[1] for message in mailbox.to(CITIZEN)]
    assert subjects == [
        "Đã tiếp nhận",
        "Đã có trả lời",
        "Không thụ lý",
        "Đã chuyển cơ quan có thẩm quyền",
        "Gia hạn thời hạn trả lời",
        "Đã kết thúc",
    ]


def test_no_mail_once_the_contact_is_purged(mailbox):
    ticket = file_ticket()
    ticket.contact_email = None
    ticket.contact_purged_at = MONDAY_MORNING
    db.session.commit()

    send_ticket_mail(ticket, "closed")

    assert len(mailbox.messages) == 1  # the received mail only
