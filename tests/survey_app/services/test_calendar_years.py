"""Issue 18, part 4: the calendar says what it knows. A year without a confirmed schedule is
provisional in the days-off list, on the calendar page and in deadlines counted through it; an
administrator confirms a year with its deciding document, audited."""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from survey_app.cli.calendar import calendar_group
from survey_app.core.extensions import db
from survey_app.models import AuditEvent, Role, TicketChannel
from survey_app.services.calendar import confirm_year
from survey_app.services.tickets.opening import TicketRequest, open_ticket
from survey_app.workdays import WorkCalendar
from tests.helpers.builders import make_unit, make_user
from tests.helpers.staff_pages import csrf, sign_in
from tests.helpers.survey_pages import hidden_fields, parse

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DOCUMENT = "Thông báo lịch nghỉ Tết và các ngày lễ năm 2027 của Bộ Nội vụ"
URL = "/quan-tri/lich-lam-viec/"


def days_off(runner, year):
    return runner.invoke(calendar_group, ["days-off", str(year)])


def test_days_off_of_2027_say_provisional_then_name_the_document(app, runner):
    before = days_off(runner, 2027)
    assert before.exit_code == 0, before.output
    assert before.output.splitlines()[0].startswith("2027: tạm tính")
    assert days_off(runner, 2026).output.splitlines()[0] == (
        "2026: lịch nghỉ đã công bố, có sẵn trong phần mềm."
    )

    confirm_year(2027, DOCUMENT)

    after = days_off(runner, 2027)
    assert after.output.splitlines()[0] == f"2027: đã xác nhận theo {DOCUMENT}."
    assert "2027-01-01" in after.output  # the days themselves are still listed


def test_a_deadline_through_a_provisional_year_is_provisional(app, runner):
    calendar = WorkCalendar()
    received = datetime(2026, 12, 29, 10, tzinfo=HANOI)
    due = calendar.answer_due(received, 3)
    assert calendar.is_provisional_between(received, due)  # runs into January 2027
    june = datetime(2026, 6, 1, 10, tzinfo=HANOI)
    assert not calendar.is_provisional_between(june, calendar.answer_due(june, 3))
    result = runner.invoke(calendar_group, ["due", "--received", received.isoformat()])
    assert result.output.splitlines()[1].startswith("tạm tính")


def test_the_citizen_and_the_handler_see_a_provisional_due_date(app, client):
    unit = make_unit()
    request = TicketRequest(
        client_ref="ref-provisional",
        unit=unit,
        content="Phản ánh cuối năm.",
        channel=TicketChannel.WEB,
        received_at=datetime(2026, 12, 29, 10, tzinfo=HANOI),
    )
    ticket = open_ticket(request).ticket
    status = parse(client.get(f"/t/{ticket.code}"))
    assert "(tạm tính)" in status.select_one("#answer-due").get_text()
    sign_in(client, make_user(role=Role.COMPLAINT_HANDLER, unit=unit))
    staff = parse(client.get(f"/quan-tri/phan-anh/{ticket.code}"))
    assert "tạm tính" in staff.select_one("dd.due").get_text()

    confirm_year(2027, DOCUMENT)

    assert (
        "tạm tính"
        not in parse(client.get(f"/t/{ticket.code}")).select_one("#answer-due").get_text()
    )


def test_an_administrator_confirms_a_year_on_the_calendar_page_audited(app, client):
    admin = make_user(role=Role.ADMINISTRATOR)
    sign_in(client, admin)
    page = parse(client.get(URL, query_string={"nam": 2027}))
    assert page.select_one("#year-status")["data-provisional"] == "true"
    first_day = page.select_one("table.calendar tr[data-day] td").get_text()
    assert "tạm tính" in first_day
    form = page.select_one("form#confirm-year")

    refused = client.post(form["action"], data=hidden_fields(form) | {"document": " "})
    assert refused.status_code == 422
    assert "Vui lòng ghi văn bản công bố lịch nghỉ của năm." in parse(refused).get_text()

    done = client.post(form["action"], data=hidden_fields(form) | {"document": DOCUMENT})

    assert done.status_code == 303
    page = parse(client.get(URL, query_string={"nam": 2027}))
    assert page.select_one("#year-status")["data-provisional"] == "false"
    assert DOCUMENT in page.select_one("#year-status").get_text()
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "calendar_year.confirm")
    )
    assert (event.target_key, event.actor_id, event.details["document"]) == (
        "2027",
        admin.id,
        DOCUMENT,
    )


def test_a_manager_cannot_confirm_a_year(app, client):
    sign_in(client, make_user(role=Role.MANAGER))
    data = csrf(client) | {"document": DOCUMENT}
    assert client.post(URL + "nam/2027/xac-nhan", data=data).status_code == 403
    assert not WorkCalendar().year_status(2027).document
