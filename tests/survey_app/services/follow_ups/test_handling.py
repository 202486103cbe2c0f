"""Issue 18, part 1: the follow-up of every flagged response — state, handler, due date (3
working days after arrival), action and note, one or many at once; low answers with their
question; linked to the citizen's complaint or an internal review; counts; the queue; the
reminders."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from analytics.follow_ups import count_follow_ups, list_due_follow_ups, list_follow_ups
from survey_app.core.extensions import db
from survey_app.models import AuditEvent, FollowUp, FollowUpState, Role, TicketChannel, utcnow
from survey_app.months import Month
from survey_app.services.errors import InvalidSubmission
from survey_app.services.follow_ups.handling import FollowUpChange, update_follow_ups
from survey_app.services.tickets.opening import TicketRequest, open_ticket
from tests.helpers.builders import full_answers, make_response, make_unit, make_user
from tests.helpers.staff_pages import sign_in
from tests.helpers.survey_pages import hidden_fields, parse

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = Month(2026, 3)
# Monday 2 March 2026, 10:00: due Thursday 5 March 17:00 (3 working days after).
MONDAY = datetime(2026, 3, 2, 10, tzinfo=HANOI)
DUE = datetime(2026, 3, 5, 17, tzinfo=HANOI)


def flagged(unit, at=MONDAY, comment="Chờ lâu, gọi 0912 345 678"):
    return make_response(
        unit=unit, answers=full_answers(TC2=2, CHUNG=3), comment=comment, submitted_at=at
    )


def received_at(response, at):
    response.received_at = at
    db.session.commit()
    return response


def done(action="Đã trao đổi với công chức.", handler=None):
    return FollowUpChange(FollowUpState.DONE, handler, action, "")


@pytest.fixture
def unit(app):
    return make_unit(name="UBND xã An Bình")


@pytest.fixture
def manager(unit):
    return make_user(role=Role.MANAGER, unit=unit)


def test_a_new_flagged_response_is_new_and_due_three_working_days_after_it_arrived(unit):
    received_at(flagged(unit), MONDAY)
    [row] = list_follow_ups(unit, MARCH, MONDAY)
    assert row.state is FollowUpState.NEW
    assert row.due_at == DUE
    assert [(low.code, low.value) for low in row.low_answers] == [("TC2", 2), ("CHUNG", 3)]
    assert row.low_answers[0].text == "Nơi tiếp nhận hồ sơ có biển chỉ dẫn rõ ràng, dễ tìm"
    assert row.comment.startswith("Chờ lâu, gọi ") and "0912 345 678" not in row.comment
    assert row.ticket_code is None  # an internal review
    assert row.standing == "open"


def test_followed_up_on_time_late_and_open_are_counted(unit, manager):
    on_time, late, still_open = (received_at(flagged(unit), MONDAY) for _ in range(3))
    make_response(unit=unit, submitted_at=MONDAY)  # not flagged
    update_follow_ups([on_time], done(), actor=manager, now=DUE)
    update_follow_ups([late], done(), actor=manager, now=datetime(2026, 3, 6, 9, tzinfo=HANOI))

    counts = count_follow_ups(unit, MARCH, datetime(2026, 3, 10, tzinfo=HANOI))

    assert (counts.flagged, counts.on_time, counts.late, counts.open, counts.overdue) == (
        3, 1, 1, 1, 1,
    )  # fmt: skip
    assert still_open.flagged


def test_many_responses_of_one_cause_at_once_each_audited(unit, manager):
    responses = [received_at(flagged(unit), MONDAY) for _ in range(3)]
    change = FollowUpChange(FollowUpState.IN_PROGRESS, None, "Kiểm tra camera quầy", "Giờ cao điểm")

    assert update_follow_ups(responses, change, actor=manager) == 3

    rows = db.session.scalars(sa.select(FollowUp)).all()
    assert {(r.state, r.action, r.note, r.handler_id) for r in rows} == {
        (FollowUpState.IN_PROGRESS, "Kiểm tra camera quầy", "Giờ cao điểm", manager.id)
    }
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("follow_up.update") == 3
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "follow_up.update"))
    assert "Kiểm tra" not in str(event.details)  # the text may quote the citizen: not audited


def test_handled_needs_the_action_and_nothing_changes_on_refusal(unit, manager):
    response = flagged(unit)
    with pytest.raises(InvalidSubmission) as refused:
        update_follow_ups([response], done(action=""), actor=manager)
    assert "action" in refused.value.errors
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FollowUp)) == 0


def test_a_response_of_another_unit_or_not_flagged_is_refused(unit, manager):
    other = flagged(make_unit())
    fine = make_response(unit=unit, submitted_at=MONDAY)
    for response in (other, fine):
        with pytest.raises(InvalidSubmission):
            update_follow_ups([response], done(), actor=manager)


def test_an_officer_cannot_be_named_handler(unit, manager):
    officer_account = make_user(role=Role.OFFICER, unit=unit)
    with pytest.raises(InvalidSubmission) as refused:
        update_follow_ups([flagged(unit)], done(handler=officer_account), actor=manager)
    assert "handler" in refused.value.errors


def test_a_complaint_left_with_contact_and_consent_is_linked(unit):
    response = flagged(unit)
    request = TicketRequest(
        client_ref=uuid.uuid4().hex,
        unit=unit,
        content="Tôi muốn được gọi lại.",
        channel=TicketChannel.SURVEY,
        response=response,
        contact_phone="0912 345 678",
        consent_text="Tôi đồng ý.",
    )
    ticket = open_ticket(request).ticket
    [row] = list_follow_ups(unit, MARCH, MONDAY)
    assert row.ticket_code == ticket.code


def test_the_queue_shows_follow_ups_due_soon_and_overdue(unit):
    soon = received_at(flagged(unit), MONDAY)
    received_at(flagged(unit, at=datetime(2026, 3, 4, 10, tzinfo=HANOI)), MONDAY.replace(day=4))
    overdue = received_at(
        flagged(unit, at=datetime(2026, 2, 23, 10, tzinfo=HANOI)), MONDAY.replace(month=2, day=23)
    )
    # Wednesday 4 March 9:00: Monday's is due tomorrow, 23 February's is late, today's is not due.
    found = list_due_follow_ups([unit.id], datetime(2026, 3, 4, 9, tzinfo=HANOI))
    assert [(d.response_id, d.overdue) for d in found] == [(overdue.id, True), (soon.id, False)]


def test_the_page_saves_a_follow_up_and_shows_it(client, unit, manager):
    response = received_at(flagged(unit), MONDAY)
    sign_in(client, manager)
    url = f"/quan-tri/theo-doi/{unit.code}/2026-03"
    page = parse(client.get(url))
    row = page.select_one("#follow-ups tbody tr")
    assert "TC2 = 2" in row.select_one(".low-items").get_text()
    assert "Xem xét nội bộ" in row.get_text()
    data = hidden_fields(page.select_one("#follow-up-form")) | {
        "responses": row.select_one("input[type=checkbox]")["value"],
        "state": "done",
        "action": "Đã xin lỗi công dân qua điện thoại.",
        "note": "",
        "handler": "",
    }
    answer = client.post(url, data=data)
    assert answer.status_code == 303
    stored = db.session.scalar(sa.select(FollowUp).where(FollowUp.response_id == response.id))
    assert (stored.state, stored.handler_id) == (FollowUpState.DONE, manager.id)
    page = parse(client.get(url))
    assert "Đã xử lý" in page.select_one("#follow-ups tbody tr .follow-up").get_text()


def test_a_forged_token_changes_nothing(client, unit, manager):
    flagged(unit)
    sign_in(client, manager)
    url = f"/quan-tri/theo-doi/{unit.code}/2026-03"
    page = parse(client.get(url))
    data = hidden_fields(page.select_one("#follow-up-form")) | {
        "responses": "1.forged",
        "state": "done",
        "action": "Đã xử lý.",
    }
    answer = client.post(url, data=data)
    assert answer.status_code == 422
    assert "Vui lòng đánh dấu ít nhất một phiếu." in parse(answer).get_text()


def test_officers_never_reach_the_follow_ups(client, unit):
    sign_in(client, make_user(role=Role.OFFICER, unit=unit))
    assert client.get(f"/quan-tri/theo-doi/{unit.code}/2026-03").status_code == 403


def test_reminders_go_with_the_tickets_run_once_per_stage(app, unit, manager, runner):
    from tests.helpers.smtp_server import body_of, mail_server, run_tickets_command

    manager.email = "lanh.dao@anbinh.gov.vn"
    db.session.commit()
    received_at(flagged(unit), MONDAY)
    with mail_server(app) as mailbox:
        # Wednesday 4/3 9:00: due Thursday 17:00, within one working day.
        first = run_tickets_command(runner, "remind", "--now", "2026-03-04T09:00:00+07:00")
        again = run_tickets_command(runner, "remind", "--now", "2026-03-04T10:00:00+07:00")
        late = run_tickets_command(runner, "remind", "--now", "2026-03-06T09:00:00+07:00")

        assert "Follow-ups of low ratings reminded: 1 due soon, 0 overdue." in first.output
        assert "Follow-ups of low ratings reminded: 0 due soon, 0 overdue." in again.output
        assert "Follow-ups of low ratings reminded: 0 due soon, 1 overdue." in late.output
        soon, overdue = mailbox.to("lanh.dao@anbinh.gov.vn")
    assert soon["Subject"] == "Phiếu đánh giá sắp đến hạn xử lý"
    assert overdue["Subject"] == "Phiếu đánh giá quá hạn xử lý"
    body = body_of(soon)
    assert "UBND xã An Bình" in body and "hạn 17:00 ngày 05/03/2026" in body
    assert f"/quan-tri/theo-doi/{unit.code}/2026-03?mo=1" in body


def test_the_ticket_queue_lists_the_follow_ups_due(client, unit, manager):
    ten_days_ago = utcnow() - timedelta(days=10)
    received_at(flagged(unit, at=ten_days_ago), ten_days_ago)
    sign_in(client, manager)
    page = parse(client.get("/quan-tri/phan-anh/"))
    item = page.select_one("#follow-ups-due li.overdue")
    assert "UBND xã An Bình" in item.get_text() and "Quá hạn" in item.get_text()
    month = Month.containing(ten_days_ago, HANOI)
    assert item.a["href"] == f"/quan-tri/theo-doi/{unit.code}/{month}?mo=1"


def test_the_dashboard_counts_the_follow_ups(client, unit, manager):
    received_at(flagged(unit), MONDAY)
    sign_in(client, manager)
    page = parse(client.get(f"/quan-tri/bao-cao/{unit.code}/2026-03"))
    counts = {
        dd["data-count"]: dd.get_text(" ", strip=True) for dd in page.select("#follow-up-counts dd")
    }
    assert counts["flagged"] == "1" and counts["on_time"] == "0"
    assert counts["open"].startswith("1")
