from datetime import UTC, date, datetime, timedelta

import pytest

from survey_app.core.extensions import db
from survey_app.models import Role, TicketChannel, TicketStatus
from survey_app.services.tickets import handling
from survey_app.services.tickets.handling import InvalidTransition
from survey_app.services.tickets.opening import TicketRequest, open_ticket
from tests.helpers.builders import make_unit, make_user
from tests.helpers.staff_pages import post_form, sign_in
from tests.helpers.survey_pages import parse


def make_ticket(unit, **overrides):
    fields = dict(
        client_ref=f"ref-{overrides.pop('ref', 1)}",
        unit=unit,
        content="Quầy hộ tịch đóng cửa sớm.",
        channel=TicketChannel.WEB,
    )
    return open_ticket(TicketRequest(**(fields | overrides))).ticket


def test_assign_answer_close_leave_events_with_actors(app):
    unit = make_unit()
    handler = make_user(role=Role.COMPLAINT_HANDLER, unit=unit)
    ticket = make_ticket(unit)
    handling.assign_ticket(ticket, handler, actor=handler)
    handling.answer_ticket(ticket, "Đã nhắc nhở cán bộ, xin lỗi ông bà.", actor=handler)
    handling.close_ticket(ticket, actor=handler)
    db.session.expire_all()
    steps = [(e.kind, e.from_status, e.to_status, e.actor) for e in ticket.events]
    assert steps == [
        ("received", None, TicketStatus.RECEIVED, None),
        ("assigned", TicketStatus.RECEIVED, TicketStatus.ASSIGNED, handler),
        ("answered", TicketStatus.ASSIGNED, TicketStatus.ANSWERED, handler),
        ("closed", TicketStatus.ANSWERED, TicketStatus.CLOSED, handler),
    ]
    assert ticket.answered_at is not None and ticket.closed_at is not None


def test_reject_stores_reason_as_answer(app):
    unit = make_unit()
    handler = make_user(role=Role.COMPLAINT_HANDLER, unit=unit)
    ticket = make_ticket(unit)
    handling.reject_ticket(ticket, "Nội dung không thuộc thẩm quyền.", actor=handler)
    assert ticket.status is TicketStatus.REJECTED
    assert ticket.answer == "Nội dung không thuộc thẩm quyền."


def test_transfer_keeps_due_time_and_leaves_scope(app):
    commune, province = make_unit(), make_unit()
    handler = make_user(role=Role.COMPLAINT_HANDLER, unit=commune)
    ticket = make_ticket(commune)
    due = ticket.due_at
    handling.transfer_ticket(ticket, province, actor=handler)
    db.session.expire_all()
    assert (ticket.unit, ticket.status, ticket.due_at) == (province, TicketStatus.TRANSFERRED, due)
    assert ticket.events[-1].details == {"from_unit": commune.code, "to_unit": province.code}


@pytest.mark.parametrize("step", ["answer", "reject", "assign", "transfer", "extend"])
def test_closed_ticket_refuses_every_step(app, step):
    unit = make_unit()
    manager = make_user(role=Role.MANAGER, unit=unit)
    ticket = make_ticket(unit)
    handling.answer_ticket(ticket, "Đã giải quyết xong hồ sơ.", actor=manager)
    handling.close_ticket(ticket, actor=manager)
    calls = {
        "answer": lambda: handling.answer_ticket(ticket, "Trả lời thêm lần nữa.", actor=manager),
        "reject": lambda: handling.reject_ticket(ticket, "Từ chối sau khi đóng.", actor=manager),
        "assign": lambda: handling.assign_ticket(ticket, manager, actor=manager),
        "transfer": lambda: handling.transfer_ticket(ticket, make_unit(), actor=manager),
        "extend": lambda: handling.extend_ticket(
            ticket, date(2099, 1, 5), "Cần xác minh", actor=manager
        ),
    }
    with pytest.raises(InvalidTransition):
        calls[step]()


def test_open_ticket_cannot_be_closed(app):
    unit = make_unit()
    manager = make_user(unit=unit)
    with pytest.raises(InvalidTransition):
        handling.close_ticket(make_ticket(unit), actor=manager)


def test_extension_keeps_due_at_and_must_be_later(app):
    unit = make_unit()
    manager = make_user(role=Role.MANAGER, unit=unit)
    ticket = make_ticket(unit, received_at=datetime(2026, 3, 2, 3, tzinfo=UTC))
    with pytest.raises(InvalidTransition):
        handling.extend_ticket(ticket, date(2026, 3, 5), "Cần xác minh", actor=manager)
    handling.extend_ticket(ticket, date(2026, 3, 10), "Cần xác minh thêm", actor=manager)
    assert ticket.due_at == datetime(2026, 3, 5, 10, tzinfo=UTC)
    assert ticket.extended_due_at == datetime(2026, 3, 10, 10, tzinfo=UTC)
    assert ticket.events[-1].kind == "extended" and ticket.status is TicketStatus.RECEIVED


def test_handler_cannot_extend_in_service(app):
    unit = make_unit()
    handler = make_user(role=Role.COMPLAINT_HANDLER, unit=unit)
    ticket = make_ticket(unit)
    with pytest.raises(InvalidTransition):
        handling.extend_ticket(ticket, date(2099, 1, 5), "Cần xác minh", actor=handler)


def test_handler_gets_403_on_extension(client):
    unit = make_unit()
    handler = make_user(role=Role.COMPLAINT_HANDLER, unit=unit)
    ticket = make_ticket(unit)
    sign_in(client, handler)
    page = parse(client.get(f"/quan-tri/phan-anh/{ticket.code}"))
    token = page.select_one("form.answer input[name=csrf_token]")["value"]
    assert page.select_one("form.extend") is None
    response = client.post(
        f"/quan-tri/phan-anh/{ticket.code}/gia-han",
        data={"csrf_token": token, "new_due": "2099-01-05", "reason": "x"},
    )
    assert response.status_code == 403


def test_answer_through_page(client):
    unit = make_unit()
    handler = make_user(role=Role.COMPLAINT_HANDLER, unit=unit)
    ticket = make_ticket(unit)
    sign_in(client, handler)
    url = f"/quan-tri/phan-anh/{ticket.code}"
    response = post_form(client, url, {"answer": "Đã xử lý, xin cảm ơn."}, "form.answer")
    assert response.status_code == 303
    db.session.expire_all()
    assert ticket.status is TicketStatus.ANSWERED and ticket.events[-1].actor == handler
    history = parse(client.get(url)).select("ol.history li")
    assert len(history) == 2


def test_short_answer_is_422_and_not_stored(client):
    unit = make_unit()
    handler = make_user(role=Role.COMPLAINT_HANDLER, unit=unit)
    ticket = make_ticket(unit)
    sign_in(client, handler)
    url = f"/quan-tri/phan-anh/{ticket.code}"
    response = post_form(client, url, {"answer": "ngắn"}, "form.answer")
    assert response.status_code == 422
    assert parse(response).select_one(".summary") is not None
    db.session.expire_all()
    assert ticket.status is TicketStatus.RECEIVED


def test_closing_an_open_ticket_by_post_is_a_message_not_500(client):
    unit = make_unit()
    manager = make_user(role=Role.MANAGER, unit=unit)
    ticket = make_ticket(unit)
    sign_in(client, manager)
    url = f"/quan-tri/phan-anh/{ticket.code}"
    token = parse(client.get(url)).select_one("form.answer input[name=csrf_token]")["value"]
    response = client.post(f"{url}/dong", data={"csrf_token": token})
    assert response.status_code == 422
    assert parse(response).select_one(".summary") is not None


def test_extension_through_page_by_manager(client):
    unit = make_unit()
    manager = make_user(role=Role.MANAGER, unit=unit)
    ticket = make_ticket(unit, received_at=datetime.now(UTC) - timedelta(days=1))
    sign_in(client, manager)
    new_day = (ticket.due_at + timedelta(days=14)).date()
    while new_day.weekday() >= 5:
        new_day += timedelta(days=1)
    data = {"new_due": new_day.isoformat(), "reason": "Cần xác minh với Sở"}
    response = post_form(client, f"/quan-tri/phan-anh/{ticket.code}", data, "form.extend")
    assert response.status_code == 303
    db.session.expire_all()
    assert ticket.extended_due_at is not None and ticket.extension_reason == "Cần xác minh với Sở"


def test_assign_offers_only_handlers_of_the_unit(client):
    unit, other = make_unit(), make_unit()
    manager = make_user(role=Role.MANAGER, unit=unit)
    handler = make_user(role=Role.COMPLAINT_HANDLER, unit=unit)
    make_user(role=Role.COMPLAINT_HANDLER, unit=other)
    make_user(role=Role.OFFICER, unit=unit)
    ticket = make_ticket(unit)
    sign_in(client, manager)
    page = parse(client.get(f"/quan-tri/phan-anh/{ticket.code}"))
    offered = {o["value"] for o in page.select("form.assign option")}
    assert offered == {str(manager.id), str(handler.id)}
    response = post_form(
        client, f"/quan-tri/phan-anh/{ticket.code}", {"assignee": str(handler.id)}, "form.assign"
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert ticket.assignee == handler


def test_contact_shown_to_handler(client):
    unit = make_unit()
    handler = make_user(role=Role.COMPLAINT_HANDLER, unit=unit)
    ticket = make_ticket(unit, contact_phone="0912 345 678", consent_text="Đồng ý")
    sign_in(client, handler)
    page = parse(client.get(f"/quan-tri/phan-anh/{ticket.code}"))
    assert "0912 345 678" in page.select_one(".contact").get_text()


def test_officer_cannot_open_ticket(client):
    unit = make_unit()
    ticket = make_ticket(unit, contact_phone="0912 345 678", consent_text="Đồng ý")
    sign_in(client, make_user(role=Role.OFFICER, unit=unit))
    assert client.get(f"/quan-tri/phan-anh/{ticket.code}").status_code == 403


def test_a_new_deadline_or_unit_earns_new_reminders(app):
    province = make_unit()
    commune = make_unit(parent=province)
    manager = make_user(role=Role.MANAGER, unit=province)
    ticket = make_ticket(commune, received_at=datetime(2026, 3, 2, 3, tzinfo=UTC))
    reminded = datetime(2026, 3, 5, 2, tzinfo=UTC)
    ticket.reminded_due_soon_at = ticket.reminded_overdue_at = reminded
    db.session.commit()
    handling.extend_ticket(ticket, date(2026, 3, 10), "Cần xác minh thêm", actor=manager)
    assert (ticket.reminded_due_soon_at, ticket.reminded_overdue_at) == (None, None)
    ticket.reminded_overdue_at = reminded
    db.session.commit()
    handling.transfer_ticket(ticket, province, actor=manager)
    assert ticket.reminded_overdue_at is None
