"""Request size limits: too large a request gets a readable 413 page, while the largest legitimate
upload (three complaint attachments of 5 MB) still goes through."""

import io

import sqlalchemy as sa
from pypdf import PdfWriter
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey_app.core.extensions import db
from survey_app.models import Ticket
from survey_app.services.api_keys import create_api_key
from survey_app.services.tickets.attachments import MAX_FILE_BYTES, MAX_FILES
from tests.helpers.survey_pages import hidden_fields, parse


def pdf_of_size(size: int) -> bytes:
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("pad.bin", b"\0" * (size - 2048))  # stored as is: the file grows
    writer.write(out)
    assert size - 4096 < out.tell() <= size
    return out.getvalue()


def complaint_form(client, unit_code: str) -> dict:
    page = parse(client.get(f"/phan-anh/{unit_code}", query_string={"lang": "en"}))
    return hidden_fields(page) | {"content": "Hồ sơ bị trả lại nhiều lần."}


def post_multipart(client, url: str, data: dict):
    """Encoded here, in memory: the test client would spool a large body to a temporary file
    that nobody closes when the app refuses it unread."""
    boundary, body = encode_multipart(data)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_three_attachments_of_the_largest_size_are_accepted(client, tree):
    data = complaint_form(client, tree[1].code)
    body = pdf_of_size(MAX_FILE_BYTES)
    data["attachments"] = [FileStorage(io.BytesIO(body), f"don-{n}.pdf") for n in range(MAX_FILES)]
    posted = post_multipart(client, f"/phan-anh/{tree[1].code}", data)
    assert posted.status_code == 303
    [ticket] = db.session.scalars(sa.select(Ticket))
    assert len(ticket.attachments) == MAX_FILES


def test_a_request_over_the_limit_gets_a_readable_page(app, client, tree):
    data = complaint_form(client, tree[1].code)
    limit = app.config["MAX_CONTENT_LENGTH"]
    data["attachments"] = FileStorage(io.BytesIO(b"%PDF-" + b"\0" * limit), "lon.pdf")
    posted = post_multipart(client, f"/phan-anh/{tree[1].code}", data)
    assert posted.status_code == 413
    page = parse(posted)
    assert page.h1.get_text(strip=True) == "What you sent is too large"
    assert f"at most {limit // 1048576} MB" in page.main.get_text()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0


def test_a_form_with_too_many_fields_is_refused(app, client, tree):
    data = complaint_form(client, tree[1].code)
    data |= {f"f{n}": "x" for n in range(app.config["MAX_FORM_PARTS"] + 1)}
    assert post_multipart(client, f"/phan-anh/{tree[1].code}", data).status_code == 413


def test_form_text_over_the_memory_limit_is_refused(app, client, tree):
    data = complaint_form(client, tree[1].code)
    data["content"] = "x" * (app.config["MAX_FORM_MEMORY_SIZE"] + 1)
    assert post_multipart(client, f"/phan-anh/{tree[1].code}", data).status_code == 413


def test_a_body_without_files_gets_the_smaller_limit(app, client, tree):
    data = complaint_form(client, tree[1].code)
    data["content"] = "x" * app.config["SURVEY_MAX_BODY_WITHOUT_FILES"]
    assert client.post(f"/phan-anh/{tree[1].code}", data=data).status_code == 413
    _, key = create_api_key(name="Một cửa", unit=tree[1], created_by=None)
    big_json = {"content": "x" * app.config["SURVEY_MAX_BODY_WITHOUT_FILES"]}
    answer = client.post("/api/v1/complaints", json=big_json, headers={"X-Api-Key": key})
    assert (answer.status_code, answer.json["error"]) == (413, "request_entity_too_large")
