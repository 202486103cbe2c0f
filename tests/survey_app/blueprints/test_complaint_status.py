"""The status page /t/<code>, the citizen's rating of the handling, and staff downloads."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from pytest import approx

from analytics.indices import ResponseFilter, compute_figures
from survey_app.core.extensions import db
from survey_app.models import Factor, Role, TicketEvent, TicketStatus, utcnow
from survey_app.months import Month
from survey_app.services.tickets.attachments import CheckedFile, attach_files
from tests.helpers.builders import make_counter, make_officer, make_response, make_user
from tests.helpers.staff_pages import sign_in
from tests.helpers.survey_pages import hidden_fields, parse
from tests.helpers.tickets import new_ticket

ANSWER = "Đơn vị đã bố trí thêm một cán bộ tiếp nhận vào buổi sáng."


def give_answer(ticket, text=ANSWER, status=TicketStatus.ANSWERED):
    ticket.status, ticket.answer, ticket.answered_at = status, text, utcnow()
    db.session.commit()


def status_page(client, code):
    response = client.get(f"/t/{code}", query_string={"lang": "en"})
    return response, parse(response)


def rate(client, code, rating):
    data = hidden_fields(status_page(client, code)[1]) | {"rating": str(rating)}
    return client.post(f"/t/{code}", data=data)


def test_the_status_page_shows_status_due_date_and_own_text_without_contact(client, tree):
    counter = make_counter(unit=tree[1], name="Quầy Đất đai")
    officer = make_officer(unit=tree[1], full_name="Trần Văn Bình")
    ticket = new_ticket(
        tree[1],
        counter=counter,
        officer=officer,
        contact_name="Lê Văn Công",
        contact_phone="0912 345 678",
        contact_email="cong@example.vn",
        consent_text="Tôi đồng ý.",
    )
    response, page = status_page(client, ticket.code.lower())
    assert response.status_code == 200
    text = page.get_text()
    assert page.select_one("#status").get_text() == "Received, waiting to be handled"
    assert "UBND xã An Bình" in text and "Quầy Đất đai" in text and "Answer due" in text
    # The citizen's own words, which only the tracking code opens; never the contact or the
    # officer's name, and not kept in the phone's cache.
    assert page.select_one("#content").get_text() == ticket.content
    for private in ("Lê Văn Công", "0912", "cong@example.vn", "Trần Văn Bình"):
        assert private not in text
    assert not page.select("form")
    assert response.cache_control.no_store and response.cache_control.private


def test_an_unknown_code_gets_a_friendly_404(client, app):
    response = client.get("/t/NOSUCHCODE")
    assert response.status_code == 404
    assert parse(response).h1


def test_the_answer_is_shown_and_can_be_rated_once(client, tree):
    ticket = new_ticket(tree[1])
    give_answer(ticket)
    page = status_page(client, ticket.code)[1]
    assert page.select_one("#answer").get_text() == ANSWER
    assert [label.get_text() for label in page.select(".scale label")][3] == "4Satisfied"
    response = rate(client, ticket.code, 4)
    assert (response.status_code, response.location) == (303, f"/t/{ticket.code}")
    db.session.refresh(ticket)
    assert ticket.handling_rating == 4 and ticket.rated_at is not None
    assert [e.kind for e in ticket.events][-1] == "rated"
    page = status_page(client, ticket.code)[1]
    assert "Satisfied" in page.select_one("#rated").get_text()
    assert not page.select("form")


def test_a_second_rating_is_refused(client, tree):
    ticket = new_ticket(tree[1])
    give_answer(ticket)
    page = status_page(client, ticket.code)[1]
    rate(client, ticket.code, 5)
    response = client.post(f"/t/{ticket.code}", data=hidden_fields(page) | {"rating": "1"})
    assert response.status_code == 422
    db.session.refresh(ticket)
    assert ticket.handling_rating == 5


def test_no_rating_before_the_answer(client, tree):
    ticket = new_ticket(tree[1])
    page = status_page(client, ticket.code)[1]
    response = client.post(f"/t/{ticket.code}", data=hidden_fields(page) | {"rating": "5"})
    assert response.status_code == 422
    db.session.refresh(ticket)
    assert ticket.handling_rating is None


@pytest.mark.parametrize("value", ["0", "6", "x", ""])
def test_a_rating_off_the_scale_is_refused(client, tree, value):
    ticket = new_ticket(tree[1])
    give_answer(ticket)
    response = rate(client, ticket.code, value)
    assert response.status_code == 422
    db.session.refresh(ticket)
    assert ticket.handling_rating is None


def test_a_rejection_shows_its_reason(client, tree):
    ticket = new_ticket(tree[1])
    give_answer(ticket, "Nội dung không thuộc thẩm quyền của xã.", TicketStatus.REJECTED)
    page = status_page(client, ticket.code)[1]
    assert page.select_one("#status").get_text() == "Not accepted"
    assert "Reason for rejection" in page.get_text()


@pytest.fixture
def attached(tree):
    ticket = new_ticket(tree[1])
    attach_files(ticket, [CheckedFile("đơn.pdf", "application/pdf", ".pdf", b"%PDF-1.7 x")])
    return ticket, ticket.attachments[0]


def download(client, ticket, attachment):
    response = client.get(f"/quan-tri/phan-anh/{ticket.code}/tep/{attachment.id}")
    response.get_data()
    response.close()  # the file is sent from disk
    return response


def test_a_handler_of_the_unit_downloads_an_attachment(client, tree, attached):
    sign_in(client, make_user(role=Role.COMPLAINT_HANDLER, unit=tree[1]))
    response = download(client, *attached)
    assert response.status_code == 200
    assert response.data == b"%PDF-1.7 x"
    assert response.headers["Content-Disposition"].startswith("attachment")
    events = db.session.scalars(sa.select(TicketEvent.kind)).all()
    assert "attached" in events


def test_attachments_are_for_handlers_in_scope_only(app, client, tree, attached):
    assert download(client, *attached).status_code == 302  # to the sign-in page
    sign_in(client, make_user(role=Role.OFFICER, unit=tree[1]))
    assert download(client, *attached).status_code == 403
    other_unit = app.test_client()
    sign_in(other_unit, make_user(role=Role.MANAGER, unit=tree[2]))
    assert download(other_unit, *attached).status_code == 404


def test_an_attachment_is_only_found_under_its_own_ticket(client, tree, attached):
    sign_in(client, make_user(role=Role.MANAGER, unit=tree[1]))
    other = new_ticket(tree[1])
    assert download(client, other, attached[1]).status_code == 404


def rated(unit, rating: int, at: datetime) -> None:
    ticket = new_ticket(unit)
    ticket.status, ticket.answer = TicketStatus.ANSWERED, ANSWER
    ticket.handling_rating, ticket.rated_at = rating, at
    db.session.commit()


def test_handling_ratings_count_as_one_more_pa_item_of_the_month(tree):
    unit = tree[1]
    local = ZoneInfo("Asia/Ho_Chi_Minh")
    answers = {"PA1": 5, "PA2": 3, "CHUNG": 4}
    make_response(unit=unit, answers=answers, submitted_at=datetime(2026, 3, 2, 9, tzinfo=local))
    rated(unit, 4, datetime(2026, 3, 10, 9, tzinfo=local))
    rated(unit, 2, datetime(2026, 3, 31, 23, 30, tzinfo=local))  # still March, local time
    rated(unit, 5, datetime(2026, 4, 1, 0, 30, tzinfo=local))  # April
    rated(tree[2], 1, datetime(2026, 3, 10, 9, tzinfo=local))  # another unit
    figures = compute_figures(ResponseFilter(unit_ids=frozenset({unit.id})), Month(2026, 3))
    items = {item.code: (item.answers, item.index, item.mean) for item in figures.items}
    # PA1 5 → 100, mean 5 · PA2 3 → 0, mean 3 · PA-XL 4, 2 → 1 of 2 → 50, mean 3
    assert items["PA-XL"] == (2, approx(50), approx(3))
    pa = figures.factors[Factor.FEEDBACK]
    # The questionnaire's PA: mean(100, 0) = 50, mean 4, from 1 response; the complaints' PA:
    # 50, mean 3, from 2 ratings. PA = (1 × 50 + 2 × 50) / 3 = 50, mean (1 × 4 + 2 × 3) / 3.
    assert (pa.index, pa.mean, pa.answers) == (approx(50), approx(10 / 3), 4)
    assert figures.responses == 1  # ratings of complaints are not survey responses


def test_the_staff_ticket_page_links_each_attachment(client, tree, attached):
    ticket, attachment = attached
    sign_in(client, make_user(role=Role.COMPLAINT_HANDLER, unit=tree[1]))
    page = parse(client.get(f"/quan-tri/phan-anh/{ticket.code}"))
    link = page.find("a", string="đơn.pdf")
    assert link["href"] == f"/quan-tri/phan-anh/{ticket.code}/tep/{attachment.id}"
