"""The landing page for a visitor without a link, and the pages where a citizen types a code:
/t/ (tracking code), /phan-anh/ (unit to complain to), /cong-khai/ (unit's public figures)."""

import pytest

from survey_app.core.extensions import db
from survey_app.models import Ticket, TicketChannel
from survey_app.services.tickets.opening import TicketRequest, open_ticket
from tests.helpers.builders import make_counter, make_unit, survey_code_of
from tests.helpers.survey_pages import parse

UNKNOWN_BUT_WELL_FORMED = "ZZZZZZZZZZ"


@pytest.fixture
def ticket(tree) -> Ticket:
    request = TicketRequest(
        client_ref="c" * 32,
        unit=tree[1],
        content="Quầy hộ tịch không có số thứ tự.",
        channel=TicketChannel.WEB,
    )
    return open_ticket(request).ticket


def forms_by_action(page) -> dict[str, str]:
    """Each form's action → the name of its one text box."""
    return {form["action"]: form.select_one("input[type=text]")["name"] for form in page("form")}


def test_the_landing_page_offers_tracking_complaining_and_the_figures_in_vietnamese(client, app):
    response = client.get("/")
    assert response.status_code == 200
    page = parse(response)
    assert page.html["lang"] == "vi"
    assert page.h1.get_text() == "Đánh giá, phản ánh về dịch vụ hành chính công"
    assert forms_by_action(page) == {"/t/": "ma", "/phan-anh/": "don-vi", "/cong-khai/": "don-vi"}
    assert all(form["method"] == "get" for form in page("form"))  # no session, no CSRF to expire
    assert page.select_one("label[for=tracking-code]").get_text() == "Mã theo dõi"
    assert "Quét mã QR tại quầy" in page.select_one("#rate").get_text()
    assert not page.select("script")


def test_the_landing_page_switches_to_english(client, app):
    page = parse(client.get("/?lang=en"))
    assert page.h1.get_text() == "Feedback on the one-stop service"
    assert page.select_one("label[for=tracking-code]").get_text() == "Tracking code"
    assert page.select_one("nav.lang strong").get_text() == "English"


def test_every_page_links_an_icon_and_favicon_ico_answers(client, app):
    links = parse(client.get("/")).select("link[rel=icon]")
    assert [link["href"].split("?")[0] for link in links] == [
        "/static/img/favicon.svg",
        "/favicon.ico",
    ]
    with client.get("/favicon.ico") as icon:  # a file response: closed after reading
        assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
        assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO header
        assert icon.cache_control.max_age >= 24 * 3600
    with client.get("/static/img/favicon.svg") as svg:
        assert svg.status_code == 200 and b"<svg" in svg.data
    staff_links = parse(client.get("/dang-nhap")).select("link[rel=icon]")
    assert len(staff_links) == 2


def test_the_language_switch_keeps_what_the_page_shows(client, app):
    page = parse(client.get("/t/", query_string={"ma": "abc"}))
    english = page.select_one("nav.lang a[hreflang=en]")["href"]
    assert english == "/t/?ma=abc&lang=en"


def test_the_lookup_form_is_empty_at_first(client, app):
    response = client.get("/t/")
    assert response.status_code == 200
    page = parse(response)
    assert page.select_one("#tracking-code")["value"] == ""
    assert not page.select(".err")


def test_a_tracking_code_typed_loosely_opens_the_complaint(client, ticket):
    typed = f" {ticket.code[:5].lower()}-{ticket.code[5:].lower()} "
    response = client.get("/t/", query_string={"ma": typed})
    assert response.status_code == 303
    assert response.location == f"/t/{ticket.code}"


@pytest.mark.parametrize(
    ("typed", "status", "message"),
    [
        ("", 422, "Vui lòng nhập mã theo dõi"),
        ("ABC12", 422, "Mã theo dõi gồm 10 chữ cái và chữ số"),
        (UNKNOWN_BUT_WELL_FORMED, 404, "Không có phản ánh, kiến nghị nào có mã theo dõi này"),
    ],
)
def test_a_wrong_tracking_code_is_explained_and_kept(client, ticket, typed, status, message):
    response = client.get("/t/", query_string={"ma": typed})
    assert response.status_code == status
    page = parse(response)
    assert message in page.select_one("#e-tracking-code").get_text()
    box = page.select_one("#tracking-code")
    assert box["value"] == typed
    assert box["aria-invalid"] == "true" and "e-tracking-code" in box["aria-describedby"]


def test_the_lookup_error_is_in_english_on_the_english_page(client, ticket):
    page = parse(client.get("/t/", query_string={"ma": UNKNOWN_BUT_WELL_FORMED, "lang": "en"}))
    error = page.select_one("#e-tracking-code").get_text()
    assert error.startswith("No complaint has this tracking code.")


def test_a_unit_code_in_any_case_leads_to_the_complaint_form(client, tree):
    response = client.get("/phan-anh/", query_string={"don-vi": " xa-a "})
    assert response.status_code == 303
    assert response.location == "/phan-anh/XA-A"


def test_the_survey_code_under_the_qr_leads_to_its_unit(client, tree):
    code = survey_code_of(make_counter(unit=tree[2]))
    response = client.get("/phan-anh/", query_string={"don-vi": code.lower()})
    assert response.location == "/phan-anh/XA-B"
    response = client.get("/cong-khai/", query_string={"don-vi": code})
    assert response.location == "/cong-khai/XA-B"


def test_an_unknown_or_inactive_unit_is_explained_and_kept(client, tree):
    tree[2].active = False
    db.session.commit()
    for typed in ("NOPE", "xa-b"):
        response = client.get("/phan-anh/", query_string={"don-vi": typed})
        assert response.status_code == 404
        page = parse(response)
        assert f"Không có đơn vị đang hoạt động nào có mã “{typed}”" in page.select_one(".err").text
        assert page.select_one("#unit-code")["value"] == typed


def test_the_unit_list_shows_active_units_below_their_parent(client, tree):
    make_unit(code="XA-C", name="UBND xã Cũ", parent=tree[0]).active = False
    make_unit(code="THON-1", name="Điểm tiếp nhận thôn 1", parent=tree[1])
    db.session.commit()
    page = parse(client.get("/phan-anh/"))
    rows = [(li["class"][0], li.a["href"]) for li in page.select("#units li")]
    assert rows == [
        ("depth-0", "/phan-anh/TINH"),
        ("depth-1", "/phan-anh/XA-A"),
        ("depth-2", "/phan-anh/THON-1"),
        ("depth-1", "/phan-anh/XA-B"),
    ]
    figures = parse(client.get("/cong-khai/"))
    assert figures.select_one("#units a")["href"] == "/cong-khai/TINH"


def test_an_empty_unit_code_asks_for_one(client, tree):
    response = client.get("/cong-khai/", query_string={"don-vi": "  "})
    assert response.status_code == 422
    assert "Vui lòng nhập mã đơn vị" in parse(response).select_one(".err").get_text()


def test_a_long_typed_code_is_cut_before_it_is_shown_again(client, tree):
    response = client.get("/phan-anh/", query_string={"don-vi": "X" * 5000})
    assert response.status_code == 404
    assert len(parse(response).select_one("#unit-code")["value"]) == 64


def test_a_typed_code_is_shown_again_as_text_never_as_markup(client, tree):
    typed = '"><script>alert(1)</script>'
    for url, name in (("/phan-anh/", "don-vi"), ("/cong-khai/", "don-vi"), ("/t/", "ma")):
        response = client.get(url, query_string={name: typed})
        html = response.get_data(as_text=True)
        assert "<script>alert" not in html
        assert parse(response).select_one("form input[type=text]")["value"] == typed
