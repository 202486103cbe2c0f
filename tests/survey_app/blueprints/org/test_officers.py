"""Officers and their photos administered through the staff pages."""

import io
import os
import re

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey_app.core.extensions import db
from survey_app.models import Officer, SurveyResponse
from survey_app.services.org.photos import MAX_PHOTO_BYTES
from tests.helpers.builders import make_counter, make_officer, make_response
from tests.helpers.builders import survey_code_of as code_of
from tests.helpers.staff_pages import events, one, post_form, summary, text
from tests.helpers.survey_pages import parse


@pytest.fixture(autouse=True)
def english(client):
    """These tests read the English pages (the Vietnamese ones are checked elsewhere)."""
    client.get("/?lang=en")


# Officers ---------------------------------------------------------------------------------


def test_a_manager_adds_an_officer_serving_counters_of_the_unit(client, tree, manager):
    make_counter(unit=tree[1], code="A-Q1")
    make_counter(unit=tree[1], code="A-Q2")

    response = post_form(
        client,
        "/quan-tri/don-vi/XA-A/cong-chuc-moi",
        {"code": "A-CB1", "full_name": "Lê Thị Hoa", "counters": ["A-Q1", "A-Q2"]},
    )

    assert response.status_code == 303
    officer = one(Officer, "A-CB1")
    assert sorted(c.code for c in officer.counters) == ["A-Q1", "A-Q2"]
    assert client.get(f"/s/{code_of(officer)}").status_code == 200
    page = parse(client.get("/quan-tri/cong-chuc/A-CB1"))
    assert [box["value"] for box in page.select("input[name=counters][checked]")] == [
        "A-Q1",
        "A-Q2",
    ]


def test_an_officer_cannot_serve_a_counter_of_another_unit(client, tree, manager):
    make_counter(unit=tree[1], code="A-Q1")
    make_counter(unit=tree[2], code="B-Q1")

    response = post_form(
        client,
        "/quan-tri/don-vi/XA-A/cong-chuc-moi",
        {"code": "A-CB1", "full_name": "Lê Thị Hoa", "counters": ["A-Q1", "B-Q1"]},
    )

    assert response.status_code == 422
    assert "Counter B-Q1 is not a counter of this unit." in summary(response)
    assert one(Officer, "A-CB1") is None


def test_a_manager_changes_an_officers_name_and_counters(client, tree, manager):
    first = make_counter(unit=tree[1], code="A-Q1")
    make_counter(unit=tree[1], code="A-Q2")
    make_officer(unit=tree[1], code="A-CB1", full_name="Lê Thị Hoa", counters=[first])

    response = post_form(
        client,
        "/quan-tri/cong-chuc/A-CB1",
        {"full_name": "Lê Thị Hoà", "counters": ["A-Q2"]},
        "form.edit",
    )

    assert response.status_code == 303
    officer = one(Officer, "A-CB1")
    assert (officer.full_name, [c.code for c in officer.counters]) == ("Lê Thị Hoà", ["A-Q2"])
    assert events("officer.update")[0].details["counters"] == [["A-Q1"], ["A-Q2"]]


def test_codes_are_unique_per_kind_only(client, tree, manager):
    make_counter(unit=tree[1], code="A-01")
    response = post_form(
        client, "/quan-tri/don-vi/XA-A/cong-chuc-moi", {"code": "A-01", "full_name": "Lê Hoa"}
    )
    assert response.status_code == 303
    assert one(Officer, "A-01").full_name == "Lê Hoa"


def test_an_officer_code_taken_is_refused(client, tree, manager):
    make_officer(unit=tree[1], code="A-CB1")
    response = post_form(
        client,
        "/quan-tri/don-vi/XA-A/cong-chuc-moi",
        {"code": "A-CB1", "full_name": "Người Khác"},
    )
    assert response.status_code == 422
    assert "This code is already used by another officer." in summary(response)


def test_a_deactivated_officer_keeps_their_responses_and_is_shown_inactive(client, tree, manager):
    officer = make_officer(unit=tree[1], code="A-CB1")
    make_response(officer=officer)
    make_response(officer=officer)

    post_form(client, "/quan-tri/cong-chuc/A-CB1", {"active": "false"}, "form.status")

    assert not one(Officer, "A-CB1").active
    stored = db.session.scalars(sa.select(SurveyResponse.officer_id))
    assert list(stored) == [officer.id, officer.id]
    assert client.get(f"/s/{code_of(officer)}").status_code == 404
    row = parse(client.get("/quan-tri/don-vi/XA-A")).select_one("tr[data-code=A-CB1]")
    assert [td.get_text(strip=True) for td in row.select("td")][-2:] == ["2", "Inactive"]
    assert events("officer.deactivate")[0].target_key == "A-CB1"


def test_an_empty_unit_says_so(client, tree, manager):
    page = parse(client.get("/quan-tri/don-vi/XA-A"))
    assert text(page, "#counters ~ .empty").startswith("No counters yet.")
    assert text(page, "#officers ~ .empty") == "No officers yet."
    new_officer = parse(client.get("/quan-tri/don-vi/XA-A/cong-chuc-moi"))
    assert text(new_officer, ".checks .empty") == "This unit has no counters yet."


# Officer photos ---------------------------------------------------------------------------


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_UPLOADS_DIR", str(tmp_path))
    return tmp_path / "officers"


def picture(format_: str, size=(1600, 1200), mode="RGB", color=(200, 30, 30), **save) -> bytes:
    stream = io.BytesIO()
    Image.new(mode, size, color).save(stream, format_, **save)
    return stream.getvalue()


def upload(client, officer_code: str, data: bytes, filename: str):
    """Post the photo form; the body is encoded in memory (Werkzeug's test client would spool a
    large one to a temporary file it never closes)."""
    page = parse(client.get(f"/quan-tri/cong-chuc/{officer_code}"))
    form = page.select_one("form.photo-upload")
    fields = {f["name"]: f["value"] for f in form.select("input[type=hidden]")}
    photo = FileStorage(io.BytesIO(data), filename=filename, content_type="image/jpeg")
    boundary, body = encode_multipart(fields | {"photo": photo})
    return client.post(
        form["action"], data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_a_photo_is_stored_re_encoded_without_metadata_and_served_to_staff(
    client, tree, manager, uploads
):
    make_officer(unit=tree[1], code="A-CB1", full_name="Lê Thị Hoa")
    exif = Image.Exif()
    exif[0x013B] = "Người chụp"  # Artist: metadata that must not survive
    original = picture("JPEG", exif=exif.tobytes())

    response = upload(client, "A-CB1", original, "chan-dung.jpg")

    assert response.status_code == 303
    officer = one(Officer, "A-CB1")
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", officer.photo_path)
    stored = (uploads / officer.photo_path).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size) == ("JPEG", (512, 384))
        assert not image.getexif()
    served = client.get(f"/quan-tri/cong-chuc/A-CB1/anh?v={officer.photo_path[:8]}")
    assert (served.status_code, served.mimetype, served.data) == (200, "image/jpeg", stored)
    assert "private" in served.headers["Cache-Control"]
    thumb = parse(client.get("/quan-tri/don-vi/XA-A")).select_one("tr[data-code=A-CB1] img")
    assert thumb["src"].startswith("/quan-tri/cong-chuc/A-CB1/anh")
    assert events("officer.photo")[0].target_key == "A-CB1"


def test_a_transparent_png_is_laid_on_white(client, tree, manager, uploads):
    make_officer(unit=tree[1], code="A-CB1")
    upload(client, "A-CB1", picture("PNG", (300, 300), "RGBA", (0, 0, 0, 0)), "anh.png")
    with Image.open(uploads / one(Officer, "A-CB1").photo_path) as image:
        assert image.size == (300, 300)
        assert min(image.getpixel((150, 150))) > 245


def test_a_new_photo_replaces_the_old_file_and_removing_deletes_it(client, tree, manager, uploads):
    make_officer(unit=tree[1], code="A-CB1")
    upload(client, "A-CB1", picture("WEBP", (600, 600)), "anh.webp")
    first = one(Officer, "A-CB1").photo_path
    upload(client, "A-CB1", picture("PNG", (100, 100)), "anh.png")
    second = one(Officer, "A-CB1").photo_path

    assert second != first
    assert sorted(path.name for path in uploads.iterdir()) == [second]
    response = post_form(client, "/quan-tri/cong-chuc/A-CB1", {}, "form.photo-remove")
    assert response.status_code == 303
    assert one(Officer, "A-CB1").photo_path is None
    assert list(uploads.iterdir()) == []
    assert client.get("/quan-tri/cong-chuc/A-CB1/anh").status_code == 404
    assert [e.action for e in events("officer.photo_remove")] == ["officer.photo_remove"]


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        ("Đây không phải là ảnh.\n".encode() * 50, "anh.jpg"),
        (picture("GIF", (50, 50), "P", 1), "anh.gif"),
    ],
    ids=["text renamed .jpg", "gif"],
)
def test_a_file_that_is_not_a_jpeg_png_or_webp_is_refused(
    client, tree, manager, uploads, data, filename
):
    make_officer(unit=tree[1], code="A-CB1")
    response = upload(client, "A-CB1", data, filename)
    assert response.status_code == 422
    assert "This file is not a JPEG, PNG or WebP picture." in summary(response)
    assert one(Officer, "A-CB1").photo_path is None
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_a_photo_over_2_mb_is_refused(client, tree, manager, uploads):
    make_officer(unit=tree[1], code="A-CB1")
    noise = Image.frombytes("RGB", (1200, 1200), os.urandom(1200 * 1200 * 3))
    stream = io.BytesIO()
    noise.save(stream, "PNG")
    assert stream.tell() > MAX_PHOTO_BYTES

    response = upload(client, "A-CB1", stream.getvalue(), "anh.png")

    assert response.status_code == 422
    assert "The photo is larger than 2 MB." in summary(response)
    assert one(Officer, "A-CB1").photo_path is None


def test_uploading_without_a_file_asks_for_one(client, tree, manager, uploads):
    make_officer(unit=tree[1], code="A-CB1")
    response = post_form(client, "/quan-tri/cong-chuc/A-CB1", {}, "form.photo-upload")
    assert response.status_code == 422
    assert "Choose a picture." in summary(response)
