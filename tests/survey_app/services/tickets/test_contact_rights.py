"""Issue 18, part 2: the citizen's rights over their contact data from the tracking page — see it
masked, correct it, withdraw the consent (the contact goes at once, the complaint goes on) —
each audited; the consent notice names the rights and who to write to."""

import uuid

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import AuditEvent, Ticket, TicketChannel, TicketStatus
from survey_app.services.tickets.consent import ticket_consent
from survey_app.services.tickets.mail import citizen_address
from survey_app.services.tickets.opening import TicketRequest, open_ticket
from tests.helpers.builders import make_unit
from tests.helpers.survey_pages import hidden_fields, parse


def ticket_with_contact(unit) -> Ticket:
    request = TicketRequest(
        client_ref=uuid.uuid4().hex,
        unit=unit,
        content="Phải chờ quá lâu ở quầy hộ tịch.",
        channel=TicketChannel.WEB,
        contact_name="Trần Văn Nam",
        contact_phone="0912 345 678",
        contact_email="nam.tran@example.vn",
        consent_text=ticket_consent(unit),
    )
    return open_ticket(request).ticket


def my_data(client, ticket):
    response = client.get(f"/t/{ticket.code}/du-lieu")
    return response, parse(response)


def audit_actions(ticket) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.target_type == "ticket", AuditEvent.target_key == ticket.code)
            .order_by(AuditEvent.id)
        )
    )


def stored(ticket) -> Ticket:
    db.session.expire_all()
    return db.session.scalar(sa.select(Ticket).where(Ticket.id == ticket.id))


def test_the_consent_notice_names_the_rights_and_who_to_write_to(app):
    unit = make_unit(name="UBND xã An Bình")
    text = ticket_consent(unit)
    assert "xem, chỉnh sửa hoặc rút lại sự đồng ý" in text
    assert "gửi văn bản đến UBND xã An Bình" in text
    assert "kể từ khi kết thúc xử lý phản ánh" in text


def test_the_tracking_page_links_to_the_rights(client, app):
    ticket = ticket_with_contact(make_unit())
    page = parse(client.get(f"/t/{ticket.code}"))
    assert page.select_one("#rights a#my-data")["href"] == f"/t/{ticket.code}/du-lieu"


def test_the_citizen_sees_what_is_held_masked_and_it_is_audited(client, app):
    ticket = ticket_with_contact(make_unit())
    response, page = my_data(client, ticket)
    assert response.status_code == 200
    assert page.select_one("#held-name").get_text() == "T*** V** N**"
    assert page.select_one("#held-phone").get_text() == "09** *** *78"
    assert page.select_one("#held-email").get_text() == "n*******@example.vn"
    assert "0912 345 678" not in response.get_data(as_text=True)
    assert audit_actions(ticket) == ["ticket.contact_viewed"]


def test_withdrawing_consent_removes_the_contact_at_once(client, app):
    ticket = ticket_with_contact(make_unit())
    _, page = my_data(client, ticket)
    fields = hidden_fields(page.select_one("form#withdraw"))

    response = client.post(f"/t/{ticket.code}/du-lieu/rut-lai", data=fields)

    assert response.status_code == 303
    found = stored(ticket)
    assert (found.contact_name, found.contact_phone, found.contact_email) == (None, None, None)
    assert found.contact_purged_at is not None
    assert found.status is TicketStatus.RECEIVED  # the complaint goes on without it
    assert citizen_address(found) is None  # no more mail
    assert found.events[-1].kind == "consent_withdrawn"
    assert "ticket.consent_withdrawn" in audit_actions(ticket)
    page = parse(client.get(response.headers["Location"]))
    assert page.select_one("#nothing-held") is not None
    assert "đã bị xóa" in page.select_one("p.notice").get_text()


def test_the_citizen_corrects_the_contact_and_only_field_names_are_audited(client, app):
    ticket = ticket_with_contact(make_unit())
    _, page = my_data(client, ticket)
    data = hidden_fields(page.select_one("form#correct")) | {
        "contact_name": "Trần Văn Nam",
        "contact_phone": "0987 654 321",
        "contact_email": "",
    }
    response = client.post(f"/t/{ticket.code}/du-lieu", data=data)

    assert response.status_code == 303
    found = stored(ticket)
    assert (found.contact_phone, found.contact_email) == ("0987 654 321", None)
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "ticket.contact_corrected")
    )
    assert event.details == {"by": "citizen", "fields": ["contact_phone", "contact_email"]}


def test_a_wrong_phone_is_refused_in_vietnamese_and_the_typing_kept(client, app):
    ticket = ticket_with_contact(make_unit())
    _, page = my_data(client, ticket)
    data = hidden_fields(page.select_one("form#correct")) | {
        "contact_name": "Trần Văn Nam",
        "contact_phone": "số của tôi",
        "contact_email": "nam.moi@example.vn",
    }
    response = client.post(f"/t/{ticket.code}/du-lieu", data=data)

    assert response.status_code == 422
    page = parse(response)
    assert "nhập số điện thoại" in page.select_one("#correct .bad .err").get_text()
    assert page.select_one("#contact_email")["value"] == "nam.moi@example.vn"
    assert stored(ticket).contact_phone == "0912 345 678"


def test_an_unknown_code_reaches_nothing(client, app):
    assert client.get("/t/KHONGCO99/du-lieu").status_code == 404
    assert client.post("/t/KHONGCO99/du-lieu/rut-lai").status_code == 404
