from datetime import UTC, datetime, timedelta

from survey_app.core.extensions import db
from survey_app.models import Role, TicketChannel, TicketStatus, utcnow
from survey_app.queries.tickets import Urgency, urgency
from survey_app.services.tickets.opening import TicketRequest, open_ticket
from survey_app.workdays import answer_due
from tests.helpers.builders import make_counter, make_unit, make_user
from tests.helpers.staff_pages import post_form, sign_in
from tests.helpers.survey_pages import parse

QUEUE = "/quan-tri/phan-anh/"


def make_ticket(unit, ref, **overrides):
    fields = dict(client_ref=ref, unit=unit, content="Chờ quá lâu.", channel=TicketChannel.WEB)
    return open_ticket(TicketRequest(**(fields | overrides))).ticket


def due(ticket, when):
    ticket.due_at = when
    db.session.commit()
    return ticket


def codes(page):
    return [row["id"].removeprefix("ticket-") for row in page.select("tr.ticket")]


def test_urgency_at_a_fixed_now(app):
    unit = make_unit()
    now = datetime(2026, 3, 4, 3, tzinfo=UTC)  # Wednesday 10:00 in Hà Nội
    late = due(make_ticket(unit, "a"), datetime(2026, 3, 4, 2, tzinfo=UTC))
    soon = due(make_ticket(unit, "b"), datetime(2026, 3, 5, 10, tzinfo=UTC))  # Thu 17:00
    fine = due(make_ticket(unit, "c"), datetime(2026, 3, 6, 10, tzinfo=UTC))  # Fri 17:00
    assert [urgency(t, now) for t in (late, soon, fine)] == [
        Urgency.OVERDUE,
        Urgency.DUE_SOON,
        Urgency.ON_TRACK,
    ]


def test_queue_sorted_by_due_with_words(client):
    unit = make_unit()
    now = utcnow()
    fine = due(make_ticket(unit, "a"), answer_due(now, 5))
    late = due(make_ticket(unit, "b"), now - timedelta(hours=2))
    soon = due(make_ticket(unit, "c"), now + timedelta(minutes=30))
    sign_in(client, make_user(role=Role.COMPLAINT_HANDLER, unit=unit))
    page = parse(client.get(QUEUE + "?lang=en"))
    assert codes(page) == [late.code, soon.code, fine.code]
    words = [row.select_one(".urgency").get_text() for row in page.select("tr.ticket")]
    assert words == ["Overdue", "Due within one working day", "On track"]


def test_extension_moves_ticket_down(client):
    unit = make_unit()
    now = utcnow()
    first = due(make_ticket(unit, "a"), now + timedelta(hours=1))
    second = due(make_ticket(unit, "b"), now + timedelta(hours=2))
    first.extended_due_at = answer_due(now, 5)
    db.session.commit()
    sign_in(client, make_user(unit=unit))
    assert codes(parse(client.get(QUEUE))) == [second.code, first.code]


def test_answered_only_with_status_filter(client):
    unit = make_unit()
    manager = make_user(unit=unit)
    answered = make_ticket(unit, "a")
    answered.status = TicketStatus.ANSWERED
    db.session.commit()
    waiting = make_ticket(unit, "b")
    sign_in(client, manager)
    assert codes(parse(client.get(QUEUE))) == [waiting.code]
    assert codes(parse(client.get(QUEUE + "?status=answered"))) == [answered.code]


def test_counter_filter(client):
    unit = make_unit()
    counter = make_counter(unit=unit)
    about = make_ticket(unit, "a", counter=counter)
    make_ticket(unit, "b")
    sign_in(client, make_user(unit=unit))
    assert codes(parse(client.get(f"{QUEUE}?counter={counter.id}"))) == [about.code]


def test_empty_queue(client):
    sign_in(client, make_user(role=Role.COMPLAINT_HANDLER))
    page = parse(client.get(QUEUE))
    assert page.select_one(".empty") is not None and not codes(page)


def test_other_commune_ticket_is_404_and_not_listed(client):
    mine, theirs = make_unit(), make_unit()
    other = make_ticket(theirs, "a")
    sign_in(client, make_user(role=Role.COMPLAINT_HANDLER, unit=mine))
    assert client.get(f"{QUEUE}{other.code}").status_code == 404
    assert codes(parse(client.get(QUEUE))) == []


def test_province_sees_commune_ticket(client):
    province = make_unit()
    commune = make_unit(parent=province)
    ticket = make_ticket(commune, "a")
    sign_in(client, make_user(unit=province))
    assert codes(parse(client.get(QUEUE))) == [ticket.code]


def test_staff_entry_double_submit_files_one_ticket(client):
    unit = make_unit()
    manager = make_user(unit=unit)
    sign_in(client, manager)
    page = parse(client.get(QUEUE + "moi"))
    form = page.select_one("main form")
    hidden = {f["name"]: f.get("value", "") for f in form.select("input[type=hidden]")}
    data = hidden | {
        "channel": "hotline",
        "unit": str(unit.id),
        "content": "Gọi đường dây nóng: quầy đóng cửa sớm.",
        "contact_phone": "0912 345 678",
        "consent": "y",
    }
    first = client.post(QUEUE + "moi", data=data)
    second = client.post(QUEUE + "moi", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    db.session.expire_all()
    [ticket] = unit_tickets(unit)
    assert ticket.channel is TicketChannel.HOTLINE and ticket.consent_text
    assert ticket.events[0].actor == manager


def test_staff_entry_contact_without_consent_is_422(client):
    unit = make_unit()
    sign_in(client, make_user(unit=unit))
    data = {
        "channel": "paper",
        "unit": str(unit.id),
        "content": "Thư góp ý.",
        "contact_name": "Trần Văn An",
    }
    response = post_form(client, QUEUE + "moi", data)
    assert response.status_code == 422
    assert parse(response).select_one(".summary") is not None
    assert unit_tickets(unit) == []


def unit_tickets(unit):
    import sqlalchemy as sa

    from survey_app.models import Ticket

    return list(db.session.scalars(sa.select(Ticket).where(Ticket.unit_id == unit.id)))


def test_the_ticket_page_names_its_channel_and_history_in_vietnamese(client):
    unit = make_unit()
    handler = make_user(role=Role.COMPLAINT_HANDLER, unit=unit)
    request = TicketRequest(
        client_ref="hotline-1",
        unit=unit,
        content="Gọi điện phản ánh.",
        channel=TicketChannel.HOTLINE,
    )
    ticket = open_ticket(request).ticket
    sign_in(client, handler)
    page = parse(client.get(f"/quan-tri/phan-anh/{ticket.code}"))
    assert "Đường dây nóng" in page.get_text()
    assert [kind.get_text() for kind in page.select(".event .kind")] == ["Đã tiếp nhận"]
