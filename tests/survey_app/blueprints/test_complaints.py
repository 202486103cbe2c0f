"""The unit's public complaint form /phan-anh/<unit code>: filing, attachments, consent."""

import io

import pytest
import sqlalchemy as sa
from PIL import Image
from pypdf import PdfWriter
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from survey_app.core.extensions import db
from survey_app.models import Ticket, TicketChannel, TicketStatus
from survey_app.services.tickets.attachments import Upload, attachment_path
from survey_app.services.tickets.filing import file_ticket
from survey_app.services.tickets.opening import TicketRequest
from tests.helpers.builders import (
    full_answers,
    make_counter,
    make_officer,
    make_response,
    make_unit,
)
from tests.helpers.survey_pages import error_texts, hidden_fields, parse

CONTENT = "Quầy hộ tịch để người dân chờ hơn hai giờ mà không có số thứ tự."


@pytest.fixture
def unit(app):
    return make_unit(code="XA-A", name="UBND xã An Bình")


def open_form(client, unit_code="XA-A", **query):
    response = client.get(f"/phan-anh/{unit_code}", query_string={"lang": "en"} | query)
    return response, parse(response)


def send(client, unit_code="XA-A", files=(), page=None, **fields):
    """Open the form (unless given), then post it with its own hidden fields, like a phone."""
    page = page or open_form(client, unit_code)[1]
    chosen = {
        select["name"]: o["value"]
        for select in page.select("select")
        for o in select.select("option[selected]")
    }
    data = hidden_fields(page) | chosen | {"content": CONTENT} | fields
    if files:
        data["attachments"] = [(io.BytesIO(body), name) for name, body in files]
    return client.post(f"/phan-anh/{unit_code}", data=data, content_type="multipart/form-data")


def tickets() -> list[Ticket]:
    return list(db.session.scalars(sa.select(Ticket).order_by(Ticket.id)))


def picture(image_format="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, image_format)
    return out.getvalue()


def pdf() -> bytes:
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


def test_a_citizen_files_a_complaint_and_sees_the_tracking_code(client, unit):
    response = send(client)
    assert response.status_code == 303
    (ticket,) = tickets()
    assert response.location == f"/t/{ticket.code}/da-gui"
    assert (ticket.content, ticket.channel, ticket.status) == (
        CONTENT,
        TicketChannel.WEB,
        TicketStatus.RECEIVED,
    )
    assert ticket.contact_name is None and ticket.consent_text is None
    page = parse(client.get(response.location))
    assert page.select_one("#tracking-code").get_text(strip=True) == ticket.code
    assert page.find("a", href=f"/t/{ticket.code}")


def test_an_unknown_or_inactive_unit_gets_a_friendly_404(client, unit):
    closed = make_unit(code="XA-CU")
    closed.active = False
    db.session.commit()
    for code in ("NO-SUCH", "XA-CU"):
        response = client.get(f"/phan-anh/{code}")
        assert response.status_code == 404
        assert parse(response).h1


def test_a_double_tap_files_one_ticket(client, unit):
    page = open_form(client)[1]
    first, second = send(client, page=page), send(client, page=page)
    code = tickets()[0].code
    # The first lands on "received", the second on the same ticket's tracking page.
    assert (first.location, second.location) == (f"/t/{code}/da-gui", f"/t/{code}?lap-lai=1")
    assert len(tickets()) == 1


def test_the_counter_and_officer_lists_show_names_of_the_unit_only(client, unit):
    make_counter(unit=unit, code="XA-A-Q1", name="Quầy Đất đai")
    make_officer(unit=unit, code="XA-A-CB1", full_name="Trần Văn Bình")
    make_officer(unit=make_unit(), code="OTHER-CB", full_name="Người Đơn Vị Khác")
    page = open_form(client)[1]
    assert [o.get_text() for o in page.select("#counter option")][1:] == ["Quầy Đất đai"]
    assert [o.get_text() for o in page.select("#officer option")][1:] == ["Trần Văn Bình"]
    send(client, counter="XA-A-Q1", officer="XA-A-CB1")
    assert (tickets()[0].counter.code, tickets()[0].officer.code) == ("XA-A-Q1", "XA-A-CB1")


def test_an_officer_of_another_unit_is_refused(client, unit):
    make_officer(unit=unit)
    make_officer(unit=make_unit(), code="OTHER-CB")
    response = send(client, officer="OTHER-CB")
    assert response.status_code == 422
    assert "officer" in error_texts(parse(response))
    assert tickets() == []


def test_contact_with_consent_stores_the_wording_that_was_shown(client, unit, app):
    page = open_form(client)[1]
    shown = page.select_one("#consent-text").get_text()
    assert "365 days" in shown and "UBND xã An Bình" in shown
    send(client, page=page, contact_name="Lê Văn Công", contact_phone="0912 345 678", consent="y")
    (ticket,) = tickets()
    assert (ticket.contact_name, ticket.consent_text) == ("Lê Văn Công", shown)
    assert ticket.consent_at == ticket.received_at


def test_the_retention_period_comes_from_the_configuration(client, unit, app, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_CONTACT_RETENTION_DAYS", 90)
    assert "90 days" in open_form(client)[1].select_one("#consent-text").get_text()


def test_contact_without_consent_is_refused_and_the_text_is_kept(client, unit):
    response = send(client, contact_email="cong@example.vn")
    assert response.status_code == 422
    page = parse(response)
    assert error_texts(page)["consent"]
    assert page.select_one("#content").get_text() == CONTENT
    assert page.select_one("#contact_email")["value"] == "cong@example.vn"
    assert tickets() == []


def test_too_long_content_is_refused_with_the_text_kept(client, unit):
    response = send(client, content="x" * 4001)
    assert response.status_code == 422
    page = parse(response)
    assert "4000" in error_texts(page)["content"]
    assert page.select_one("#content").get_text() == "x" * 4001


def test_empty_content_is_refused(client, unit):
    response = send(client, content="   ")
    assert response.status_code == 422
    assert "content" in error_texts(parse(response))


def test_pictures_and_pdfs_are_stored_outside_the_database(client, unit):
    files = [("photo.jpg", picture("JPEG")), ("a.webp", picture("WEBP")), ("don.pdf", pdf())]
    assert send(client, files=files).status_code == 303
    stored = tickets()[0].attachments
    assert [(a.original_name, a.content_type) for a in stored] == [
        ("photo.jpg", "image/jpeg"),
        ("a.webp", "image/webp"),
        ("don.pdf", "application/pdf"),
    ]
    assert [attachment_path(a).read_bytes() for a in stored] == [body for _, body in files]
    assert attachment_path(stored[0]).parent.name == "tickets"


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("virus.pdf", b"MZ\x90\x00 not a pdf"),
        ("broken.pdf", b"%PDF-1.7\nnothing else"),
        ("fake.png", b"\x89PNG\r\n\x1a\n but not really"),
        ("anh.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused_by_its_content(client, unit, name, body):
    response = send(client, files=[(name, body)])
    assert response.status_code == 422
    page = parse(response)
    assert name in error_texts(page)["attachments"]
    assert page.select_one("#content").get_text() == CONTENT
    assert "choose your files again" in page.select_one(".summary").get_text()
    assert tickets() == []


def test_a_file_over_5_mb_is_refused(client, unit):
    big = picture() + b"\0" * (5 * 1024 * 1024)
    data = hidden_fields(open_form(client)[1]) | {"content": CONTENT}
    data["attachments"] = FileStorage(io.BytesIO(big), "big.png")
    # Encoded in memory: the test client would spool this body to a file it never closes.
    body, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    response = client.post(
        "/phan-anh/XA-A",
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 422
    assert "5 MB" in error_texts(parse(response))["attachments"]


def test_more_than_three_files_are_refused(client, unit):
    response = send(client, files=[(f"{n}.png", picture()) for n in range(4)])
    assert response.status_code == 422
    assert "3" in error_texts(parse(response))["attachments"]


def test_from_a_flagged_survey_the_ticket_is_linked_and_preset(client, unit):
    counter = make_counter(unit=unit, code="XA-A-Q1", name="Quầy Đất đai")
    survey = make_response(unit=unit, counter=counter, answers=full_answers(value=2))
    page = open_form(client, phieu=survey.client_ref)[1]
    assert page.select_one("#counter option[selected]")["value"] == "XA-A-Q1"
    assert send(client, page=page).status_code == 303
    (ticket,) = tickets()
    assert (ticket.channel, ticket.response_id, ticket.counter_id) == (
        TicketChannel.SURVEY,
        survey.id,
        counter.id,
    )


def test_a_survey_of_another_unit_is_not_linked(client, unit):
    other = make_response(unit=make_unit(), answers=full_answers(value=2))
    send(client, page=open_form(client, phieu=other.client_ref)[1])
    (ticket,) = tickets()
    assert (ticket.channel, ticket.response_id) == (TicketChannel.WEB, None)


def test_the_thank_you_page_of_a_flagged_survey_links_the_form(client, unit):
    from tests.helpers.builders import survey_code_of

    counter = make_counter(unit=unit)
    code = survey_code_of(counter)
    flagged = make_response(unit=unit, counter=counter, answers=full_answers(value=2))
    page = parse(client.get(f"/s/{code}/cam-on/{flagged.client_ref}"))
    link = page.find("a", href=f"/phan-anh/XA-A?phieu={flagged.client_ref}")
    assert link is not None
    happy = make_response(unit=unit, counter=counter)
    page = parse(client.get(f"/s/{code}/cam-on/{happy.client_ref}"))
    assert not page.select("a[href^='/phan-anh/']")


def test_a_ticket_and_its_files_are_stored_together_or_not_at_all(app, monkeypatch, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the uploads folder should be")
    monkeypatch.setitem(app.config, "SURVEY_UPLOADS_DIR", str(blocked))
    request = TicketRequest(
        client_ref="one-commit",
        unit=make_unit(),
        content="Thiếu ghế chờ.",
        channel=TicketChannel.WEB,
    )
    writer, pdf = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=100, height=100)
    writer.write(pdf)
    with pytest.raises(OSError):
        file_ticket(request, [Upload("don.pdf", pdf.getvalue())])
    assert db.session.scalars(sa.select(Ticket)).all() == []


def test_back_and_send_again_shows_the_first_ticket_instead_of_filing_a_second(client, unit):
    first = send(client)
    code = tickets()[0].code
    assert first.location == f"/t/{code}/da-gui"
    # Back: the browser loads the form again, a new page; the citizen sends the same text.
    response, page = open_form(client)
    assert "You have already sent a complaint to this unit" in page.select_one(".notice").text
    again = send(client, page=page)
    assert again.location == f"/t/{code}?lap-lai=1"
    assert len(tickets()) == 1
    status = parse(client.get(again.location))
    assert status.select_one("#sent-again") is not None
    assert status.select_one("#content").get_text() == CONTENT


def test_a_different_text_from_the_same_phone_is_a_new_complaint(client, unit):
    send(client)
    page = open_form(client)[1]
    response = send(client, page=page, content="Một phản ánh khác về lệ phí.")
    assert response.location.endswith("/da-gui")
    assert [ticket.content for ticket in tickets()] == [CONTENT, "Một phản ánh khác về lệ phí."]
    assert len({ticket.client_ref for ticket in tickets()}) == 2


def test_another_unit_or_a_late_return_gets_a_fresh_form(client, unit, monkeypatch):
    make_unit(code="XA-B", name="UBND xã B")
    send(client)
    other = open_form(client, "XA-B")[1]
    assert other.select_one(".notice") is None
    assert hidden_fields(other)["client_ref"] != tickets()[0].client_ref
    monkeypatch.setattr("survey_app.blueprints.complaints.filing.RESEND_WINDOW_SECONDS", 0)
    assert hidden_fields(open_form(client)[1])["client_ref"] != tickets()[0].client_ref


def test_the_limit_is_shown_and_the_browser_does_not_cut_pasted_text(client, unit):
    page = open_form(client)[1]
    box = page.select_one("textarea#content")
    assert not box.has_attr("maxlength")  # the browser would cut a paste silently
    assert box["data-max"] == "4000"
    assert page.select_one("#content-limit").get_text() == "At most 4000 characters."
    assert "content-limit" in box["aria-describedby"]
    assert page.select_one("script[src$='js/char-count.js']") is not None


def test_too_long_text_is_refused_with_its_length_and_kept(client, unit):
    response = send(client, content="ă" * 4003)
    assert response.status_code == 422
    page = parse(response)
    assert error_texts(page)["content"].startswith("Your text has 4003 characters; at most 4000")
    assert page.select_one("#content").get_text() == "ă" * 4003
    vietnamese = parse(
        client.post("/phan-anh/XA-A?lang=vi", data=hidden_fields(page) | {"content": "x" * 4001})
    )
    assert (
        "Nội dung có 4001 ký tự, vượt quá giới hạn 4000 ký tự" in error_texts(vietnamese)["content"]
    )


def test_a_line_break_counts_once_as_under_the_box(client, unit):
    text = ("a" * 99 + "\r\n") * 40  # 4,000 characters as the browser counts them
    response = send(client, content=text.strip())
    assert response.status_code == 303
    assert tickets()[0].content == text.strip().replace("\r\n", "\n")
