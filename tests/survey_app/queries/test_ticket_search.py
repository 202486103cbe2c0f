"""The complaint queue: one search box (tracking code, phone number, words), pages, the received
date and the start of each complaint, answered and closed tickets latest first."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import Role, TicketChannel, TicketStatus, utcnow
from survey_app.queries.ticket_search import PAGE_SIZE, snippet
from survey_app.services.tickets.opening import TicketRequest, open_ticket
from tests.helpers.builders import make_counter, make_officer, make_unit, make_user
from tests.helpers.staff_pages import sign_in
from tests.helpers.survey_pages import parse

QUEUE = "/quan-tri/phan-anh/"


def make_ticket(unit, ref, **overrides):
    fields = dict(client_ref=ref, unit=unit, content="Chờ quá lâu.", channel=TicketChannel.WEB)
    return open_ticket(TicketRequest(**(fields | overrides))).ticket


def codes(response):
    assert response.status_code == 200
    return [row["id"].removeprefix("ticket-") for row in parse(response).select("tr.ticket")]


@pytest.fixture
def unit():
    return make_unit()


@pytest.fixture
def handler(client, unit):
    user = make_user(role=Role.COMPLAINT_HANDLER, unit=unit)
    sign_in(client, user)
    return user


def test_a_tracking_code_finds_its_ticket_as_read_out_on_the_phone(client, unit, handler):
    wanted = make_ticket(unit, "a")
    make_ticket(unit, "b")
    spoken = f"{wanted.code[:5].lower()}-{wanted.code[5:].lower()}"
    assert codes(client.get(QUEUE, query_string={"q": spoken})) == [wanted.code]


def test_a_search_looks_through_closed_tickets_too(client, unit, handler):
    closed = make_ticket(unit, "a")
    closed.status, closed.closed_at = TicketStatus.CLOSED, utcnow()
    db.session.commit()
    assert codes(client.get(QUEUE)) == []
    assert codes(client.get(QUEUE, query_string={"q": closed.code})) == [closed.code]


@pytest.mark.parametrize("typed", ["0912 345 678", "+84 912.345.678", "84912345678", "912345678"])
def test_a_phone_number_finds_the_citizen_s_tickets_in_any_form(client, unit, handler, typed):
    theirs = make_ticket(
        unit, "a", contact_phone="0912.345.678", consent_text="Đồng ý.", contact_name="An"
    )
    make_ticket(unit, "b", contact_phone="0987 654 321", consent_text="Đồng ý.")
    make_ticket(unit, "c")
    assert codes(client.get(QUEUE, query_string={"q": typed})) == [theirs.code]


def test_part_of_a_phone_number_finds_nothing(client, unit, handler):
    make_ticket(unit, "a", contact_phone="0912 345 678", consent_text="Đồng ý.")
    assert codes(client.get(QUEUE, query_string={"q": "345 678"})) == []


def test_the_queue_never_shows_the_phone_number(client, unit, handler):
    ticket = make_ticket(
        unit, "a", contact_phone="0912 345 678", contact_name="Trần Văn An", consent_text="Có."
    )
    page = parse(client.get(QUEUE, query_string={"q": "0912345678"})).select_one("main")
    assert ticket.code in page.get_text()
    # Not a piece of the number either ("345" alone may be part of a ticket code or a time).
    shown = page.get_text()
    assert not any(part in shown for part in ("0912", "345 678", "345678", "Trần Văn An"))


def test_words_find_the_complaints_that_contain_them(client, unit, handler):
    about = make_ticket(unit, "a", content="Quầy Đất đai đóng cửa sớm, tôi phải về.")
    make_ticket(unit, "b", content="Nhân viên không hướng dẫn.")
    assert codes(client.get(QUEUE, query_string={"q": "đóng cửa"})) == [about.code]
    assert codes(client.get(QUEUE, query_string={"q": "QUẦY"})) == [about.code]
    assert codes(client.get(QUEUE, query_string={"q": "100%_"})) == []


def test_a_search_stays_inside_the_user_s_units(client, unit, handler):
    other = make_ticket(make_unit(), "a", contact_phone="0912 345 678", consent_text="Có.")
    assert codes(client.get(QUEUE, query_string={"q": other.code})) == []
    assert codes(client.get(QUEUE, query_string={"q": "0912 345 678"})) == []
    assert codes(client.get(QUEUE, query_string={"q": "Chờ quá lâu"})) == []


def test_each_row_shows_when_it_came_and_how_it_begins(client, unit, handler):
    text = "Tôi nộp hồ sơ đăng ký khai sinh từ tuần trước " * 5
    ticket = make_ticket(unit, "a", content=text)
    row = parse(client.get(QUEUE)).select_one(f"#ticket-{ticket.code}")
    shown = row.select_one(".snippet").get_text()
    assert shown == snippet(text) and shown.endswith("…") and len(shown) <= 121
    assert text.startswith(shown.removesuffix("…"))
    received = ticket.received_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert row.select_one(".received").get_text() == received.strftime("%d/%m/%Y %H:%M")


def test_closed_tickets_are_listed_latest_closed_first(client, unit, handler):
    now = utcnow()
    first, second, third = (make_ticket(unit, ref) for ref in "abc")
    # The oldest due date was closed last: it comes first.
    for ticket, due_days, closed_hours in ((first, 1, 1), (second, 2, 3), (third, 3, 2)):
        ticket.due_at = now + timedelta(days=due_days)
        ticket.status, ticket.closed_at = TicketStatus.CLOSED, now - timedelta(hours=closed_hours)
    db.session.commit()
    assert codes(client.get(QUEUE, query_string={"status": "closed"})) == [
        first.code,
        third.code,
        second.code,
    ]


def test_a_search_lists_open_tickets_first_by_due_then_answered_then_closed(client, unit, handler):
    now = utcnow()
    closed, answered, later, sooner = (make_ticket(unit, ref) for ref in "abcd")
    closed.status, closed.answered_at, closed.closed_at = TicketStatus.CLOSED, now, now
    answered.status, answered.answered_at = TicketStatus.ANSWERED, now
    later.due_at, sooner.due_at = now + timedelta(days=3), now + timedelta(days=1)
    db.session.commit()
    found = codes(client.get(QUEUE, query_string={"q": "Chờ"}))
    assert found == [sooner.code, later.code, answered.code, closed.code]


def _many_tickets(unit, count):
    now = utcnow()
    tickets = [make_ticket(unit, f"r{number}") for number in range(count)]
    for number, ticket in enumerate(tickets):
        ticket.due_at = now + timedelta(hours=number + 1)
    db.session.commit()
    return [ticket.code for ticket in tickets]


def test_the_queue_comes_in_pages_that_keep_the_filters(client, unit, handler):
    every = _many_tickets(unit, PAGE_SIZE + 3)
    first = client.get(QUEUE, query_string={"q": "Chờ"})
    assert codes(first) == every[:PAGE_SIZE]
    following = parse(first).select_one("a[rel=next]")["href"]
    assert "q=" in following and "page=2" in following
    assert codes(client.get(following)) == every[PAGE_SIZE:]
    assert "2" in parse(client.get(following)).select_one("nav.pages span").get_text()


@pytest.mark.parametrize(
    ("page", "status"),
    [
        ("2", 404),  # past the last page
        ("9999", 404),
        ("99999", 400),  # past MAX_PAGE
        ("99999999999999999999999", 400),  # never an OFFSET the database chokes on
        ("0", 400),
        ("-1", 400),
        ("1.5", 400),
        ("abc", 400),
        ("١", 400),  # an Arabic-Indic digit: isdigit() is not enough
    ],
)
def test_a_page_that_is_not_there_is_refused_cleanly(client, unit, handler, page, status):
    make_ticket(unit, "a")
    assert client.get(QUEUE, query_string={"page": page}).status_code == status


def test_a_page_of_the_queue_costs_the_same_few_queries_however_long(client, app):
    """Rows of many units, counters, officers and handlers: nothing is loaded row by row."""
    province = make_unit()
    manager = make_user(role=Role.MANAGER, unit=province)
    sign_in(client, manager)
    _tickets_of_communes(province, 2, manager)
    few = _statements(client, app)
    _tickets_of_communes(province, 12, manager)
    assert _statements(client, app) == few


def _tickets_of_communes(province, count, assignee):
    for _ in range(count):
        commune = make_unit(parent=province)
        officer = make_officer(unit=commune)
        ticket = make_ticket(commune, "a", counter=make_counter(unit=commune), officer=officer)
        ticket.assignee = make_user(role=Role.COMPLAINT_HANDLER, unit=commune)
    db.session.commit()
    db.session.expire_all()


def _statements(client, app) -> int:
    counted = []

    def count(*_):
        counted.append(1)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(QUEUE).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(counted)


def test_a_very_long_search_is_cut_and_said(client, unit, handler):
    response = client.get(QUEUE, query_string={"q": "x" * 500})
    assert response.status_code == 200
    assert parse(response).select_one(".err") is not None
