import functools
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from survey_app.core.extensions import db
from survey_app.models import Role, TicketStatus
from survey_app.services.tickets.reminders import send_reminders
from tests.helpers.builders import make_user
from tests.helpers.smtp_server import body_of, mail_server, run_tickets_command
from tests.helpers.tickets import file_ticket

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
# Filed Monday 5/10/2026 10:00, due Thursday 8/10 17:00 (3 working days).
TUESDAY = datetime(2026, 10, 6, 9, 0, tzinfo=HANOI)
WEDNESDAY = datetime(2026, 10, 7, 9, 0, tzinfo=HANOI)
FRIDAY = datetime(2026, 10, 9, 9, 0, tzinfo=HANOI)
SATURDAY = datetime(2026, 10, 10, 9, 0, tzinfo=HANOI)


@pytest.fixture
def mailbox(app):
    with mail_server(app) as box:
        yield box


@pytest.fixture
def tickets(runner):
    return functools.partial(run_tickets_command, runner)


def staff(role, unit, email):
    user = make_user(role=role, unit=unit)
    user.email = email
    db.session.commit()
    return user


def assigned_ticket(tree):
    province, commune, _ = tree
    handler = staff(Role.COMPLAINT_HANDLER, commune, "xu.ly@anbinh.gov.vn")
    ticket = file_ticket(email=None, unit=commune)
    ticket.assignee = handler
    ticket.status = TicketStatus.ASSIGNED
    db.session.commit()
    return ticket


def test_assignee_is_reminded_once_a_working_day_before_the_due_time(tree, mailbox):
    ticket = assigned_ticket(tree)

    early = send_reminders(TUESDAY)
    first = send_reminders(WEDNESDAY)
    second = send_reminders(WEDNESDAY.replace(hour=15))

    assert (early.due_soon_sent, first.due_soon_sent, second.due_soon_sent) == (0, 1, 0)
    [message] = mailbox.to("xu.ly@anbinh.gov.vn")
    assert message["Subject"] == f"[Phản ánh {ticket.code}] Sắp đến hạn trả lời"
    assert "Hạn trả lời: 17:00 ngày 08/10/2026" in body_of(message)
    assert ticket.reminded_due_soon_at == WEDNESDAY


def test_overdue_goes_once_to_the_managers_of_the_ticket_unit(tree, mailbox):
    province, commune, other = tree
    ticket = assigned_ticket(tree)
    staff(Role.MANAGER, commune, "truong.phong@anbinh.gov.vn")
    staff(Role.MANAGER, province, "giam.doc@tinh.gov.vn")
    staff(Role.MANAGER, other, "quan.ly@binhminh.gov.vn")

    first = send_reminders(FRIDAY)
    second = send_reminders(FRIDAY.replace(hour=14))

    assert (first.overdue_sent, second.overdue_sent) == (1, 0)
    [message] = mailbox.to("truong.phong@anbinh.gov.vn")
    assert message["Subject"] == f"[Phản ánh {ticket.code}] Quá hạn trả lời"
    assert mailbox.to("giam.doc@tinh.gov.vn") == []
    assert mailbox.to("quan.ly@binhminh.gov.vn") == []
    assert ticket.reminded_overdue_at == FRIDAY


def test_overdue_goes_up_to_the_nearest_unit_with_a_manager(tree, mailbox):
    province, commune, _ = tree
    ticket = file_ticket(email=None, unit=commune)
    staff(Role.MANAGER, province, "giam.doc@tinh.gov.vn")

    send_reminders(FRIDAY)

    [message] = mailbox.to("giam.doc@tinh.gov.vn")
    assert "Chưa giao cho ai xử lý." in body_of(message)
    assert ticket.reminded_overdue_at == FRIDAY


def test_answered_tickets_are_not_reminded(tree, mailbox):
    ticket = assigned_ticket(tree)
    staff(Role.MANAGER, tree[1], "truong.phong@anbinh.gov.vn")
    ticket.status = TicketStatus.ANSWERED
    db.session.commit()

    run = send_reminders(FRIDAY)

    assert (run.due_soon_sent, run.overdue_sent) == (0, 0)
    assert mailbox.messages == []


def test_a_refused_reminder_is_tried_again_next_run(tree, mailbox):
    ticket = assigned_ticket(tree)
    mailbox.refuse = True
    send_reminders(WEDNESDAY)
    assert ticket.reminded_due_soon_at is None

    mailbox.refuse = False
    send_reminders(WEDNESDAY.replace(hour=10))

    assert len(mailbox.to("xu.ly@anbinh.gov.vn")) == 1


def test_nothing_is_sent_on_a_saturday(tree, mailbox, tickets):
    assigned_ticket(tree)
    staff(Role.MANAGER, tree[1], "truong.phong@anbinh.gov.vn")

    result = tickets("remind", "--now", SATURDAY.isoformat())

    assert result.exit_code == 0, result.output
    assert "Not a working day" in result.output
    assert mailbox.messages == []


def test_nothing_is_sent_on_national_day(tree, mailbox):
    ticket = file_ticket(email=None, unit=tree[1])
    ticket.due_at = datetime(2026, 9, 1, 17, 0, tzinfo=HANOI)
    staff(Role.MANAGER, tree[1], "truong.phong@anbinh.gov.vn")
    db.session.commit()

    run = send_reminders(datetime(2026, 9, 2, 9, 0, tzinfo=HANOI))

    assert not run.working_day
    assert mailbox.messages == []
    assert ticket.reminded_overdue_at is None


def test_remind_command_takes_now_in_the_local_zone(tree, mailbox, tickets):
    assigned_ticket(tree)
    staff(Role.MANAGER, tree[1], "truong.phong@anbinh.gov.vn")

    result = tickets("remind", "--now", "2026-10-09T09:00:00")

    assert result.exit_code == 0, result.output
    assert "Reminders sent: 0 due soon, 1 overdue." in result.output
    assert len(mailbox.to("truong.phong@anbinh.gov.vn")) == 1


def test_remind_command_refuses_a_malformed_time(app, tickets):
    result = tickets("remind", "--now", "thứ sáu")

    assert result.exit_code != 0
    assert "ISO 8601" in result.output
