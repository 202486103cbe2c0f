"""Units, counters and officers administered through the staff pages."""

import io
import os
import re

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey_app.extensions import db
from survey_app.models import AuditEvent, Counter, Officer, Role, SurveyResponse, Unit
from survey_app.services.org_admin import MAX_PHOTO_BYTES
from tests.builders import make_counter, make_officer, make_response, make_unit, make_user
from tests.builders import survey_code_of as code_of
from tests.staff_pages import post_form, sign_in
from tests.survey_pages import parse


@pytest.fixture
def tree(app):
    province = make_unit(code="TINH", name="Tỉnh Thử Nghiệm")
    commune_a = make_unit(code="XA-A", name="UBND xã An Bình", parent=province)
    commune_b = make_unit(code="XA-B", name="UBND xã Bình Minh", parent=province)
    return province, commune_a, commune_b


@pytest.fixture
def admin(client, tree):
    user = make_user(role=Role.ADMINISTRATOR, unit=tree[0])
    sign_in(client, user)
    client.get("/quan-tri/?lang=en")
    return user


@pytest.fixture
def manager(client, tree):
    """A manager of commune A."""
    user = make_user(role=Role.MANAGER, unit=tree[1])
    sign_in(client, user)
    client.get("/quan-tri/?lang=en")
    return user


def csrf(client) -> dict[str, str]:
    """A valid token of this session, to show that refusals come from the guard, not CSRF."""
    page = parse(client.get("/quan-tri/"))
    return {"csrf_token": page.select_one("input[name=csrf_token]")["value"]}


def text(page, selector: str) -> str:
    return page.select_one(selector).get_text(" ", strip=True)


def summary(response) -> str:
    return text(parse(response), ".summary")


def one(model, code: str):
    db.session.expire_all()
    return db.session.scalar(sa.select(model).where(model.code == code))


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


# The tree and the unit page ------------------------------------------------------------------


def test_the_tree_nests_the_units_in_scope_with_their_counts(client, tree, admin):
    _, commune_a, commune_b = tree
    make_counter(unit=commune_a, code="A-Q1")
    closed = make_counter(unit=commune_a, code="A-Q2")
    make_officer(unit=commune_a, code="A-CB1")
    db.session.execute(sa.update(Counter).where(Counter.id == closed.id).values(active=False))
    db.session.commit()

    page = parse(client.get("/quan-tri/don-vi"))

    province_item = page.select_one("li[data-unit=TINH]")
    nested = [li["data-unit"] for li in province_item.select("ul > li")]
    assert nested == ["XA-A", "XA-B"]  # by name: An Bình, Bình Minh
    commune_a_item = page.select_one("li[data-unit=XA-A]")
    assert text(commune_a_item, ".counters") == "Counters: 1 active of 2"
    assert text(commune_a_item, ".officers") == "Officers: 1 active of 1"
    assert text(page.select_one("li[data-unit=XA-B]"), ".counters") == "Counters: 0 active of 0"


def test_a_commune_manager_sees_only_their_commune_in_the_tree(client, tree, manager):
    page = parse(client.get("/quan-tri/don-vi"))
    assert [li["data-unit"] for li in page.select("li[data-unit]")] == ["XA-A"]
    assert page.select_one("a[href='/quan-tri/nhap-to-chuc']") is None  # import is for admins


def test_the_unit_page_shows_counters_officers_questionnaire_and_units_below(client, tree, admin):
    province, commune_a, _ = tree
    counter = make_counter(unit=commune_a, code="A-Q1", name="Quầy Đất đai", field="Đất đai")
    make_officer(unit=commune_a, code="A-CB1", full_name="Trần Văn Bình", counters=[counter])
    make_response(counter=counter)

    commune_page = parse(client.get("/quan-tri/don-vi/XA-A"))
    province_page = parse(client.get("/quan-tri/don-vi/TINH"))

    row = commune_page.select_one("table.counters tr[data-code=A-Q1]")
    assert [td.get_text(strip=True) for td in row.select("td")] == [
        "A-Q1",
        "Quầy Đất đai",
        "Đất đai",
        "1",
        "Active",
    ]
    officer_row = commune_page.select_one("table.officers tr[data-code=A-CB1]")
    assert "Trần Văn Bình" in officer_row.get_text()
    assert "A-Q1" in officer_row.get_text()
    assert text(commune_page, ".instrument").startswith("sipas-2023")
    assert text(commune_page, "#children + .empty") == "No units below this one."
    assert [a.get_text() for a in province_page.select("ul.children a")] == [
        "UBND xã An Bình",
        "UBND xã Bình Minh",
    ]
    assert "No counters yet" in text(province_page, "#counters ~ .empty")


# Units (administrators) ---------------------------------------------------------------------


def test_an_administrator_adds_a_unit_below_with_its_questionnaire(client, tree, admin):
    response = post_form(
        client,
        "/quan-tri/don-vi/TINH/don-vi-moi",
        {"code": "XA-C", "name": "UBND xã Cát Tiên", "instrument_code": "sipas-2017"},
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/quan-tri/don-vi/XA-C"
    unit = one(Unit, "XA-C")
    assert (unit.name, unit.parent.code, unit.instrument_code) == (
        "UBND xã Cát Tiên",
        "TINH",
        "sipas-2017",
    )
    assert [event.target_key for event in events("unit.create")] == ["XA-C"]
    assert events("unit.create")[0].actor_id == admin.id


def test_the_questionnaires_offered_are_those_loaded(client, tree, admin):
    page = parse(client.get("/quan-tri/don-vi/XA-A/sua"))
    options = [option["value"] for option in page.select("select#instrument_code option")]
    assert options == ["kiosk-5", "sipas-2017", "sipas-2023"]
    assert page.select_one("option[selected]")["value"] == "sipas-2023"


def test_a_taken_unit_code_is_refused_with_a_clear_message(client, tree, admin):
    response = post_form(
        client,
        "/quan-tri/don-vi/TINH/don-vi-moi",
        {"code": "XA-B", "name": "Trùng mã", "instrument_code": "sipas-2023"},
    )

    assert response.status_code == 422
    assert "This code is already used by another unit." in summary(response)
    assert parse(response).select_one("#name")["value"] == "Trùng mã"  # kept as typed
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 3


def test_a_code_with_spaces_or_accents_is_refused(client, tree, admin):
    response = post_form(
        client,
        "/quan-tri/don-vi/TINH/don-vi-moi",
        {"code": "Xã Mới", "name": "UBND xã Mới", "instrument_code": "sipas-2023"},
    )
    assert response.status_code == 422
    assert "letters, digits, dots, hyphens or underscores" in summary(response)


def test_an_administrator_renames_a_unit_and_changes_its_questionnaire(client, tree, admin):
    response = post_form(
        client,
        "/quan-tri/don-vi/XA-A/sua",
        {"name": "UBND xã An Bình Mới", "instrument_code": "kiosk-5"},
    )

    assert response.status_code == 303
    unit = one(Unit, "XA-A")
    assert (unit.name, unit.instrument_code) == ("UBND xã An Bình Mới", "kiosk-5")
    (event,) = events("unit.update")
    assert event.details["instrument_code"] == ["sipas-2023", "kiosk-5"]


def test_an_unknown_questionnaire_is_refused(client, tree, admin):
    response = post_form(
        client, "/quan-tri/don-vi/XA-A/sua", {"name": "X", "instrument_code": "sipas-1999"}
    )
    assert response.status_code == 422
    assert "Choose one of the questionnaires." in summary(response)
    assert one(Unit, "XA-A").instrument_code == "sipas-2023"


def test_a_manager_views_units_but_cannot_change_them(client, tree, manager):
    assert client.get("/quan-tri/don-vi/XA-A").status_code == 200
    page = parse(client.get("/quan-tri/don-vi/XA-A"))
    assert page.select_one("a[href='/quan-tri/don-vi/XA-A/sua']") is None
    assert client.get("/quan-tri/don-vi/XA-A/sua").status_code == 403
    assert client.get("/quan-tri/don-vi/XA-A/don-vi-moi").status_code == 403
    status = client.post(
        "/quan-tri/don-vi/XA-A/trang-thai", data={"active": "false"} | csrf(client)
    )
    assert status.status_code == 403
    assert one(Unit, "XA-A").active


def test_deactivating_a_unit_closes_its_surveys_and_reactivating_reopens_them(client, tree, admin):
    counter = make_counter(unit=tree[1])
    survey_code = code_of(counter)

    response = post_form(
        client, "/quan-tri/don-vi/XA-A", {"active": "false"}, "form[action$='/trang-thai']"
    )

    assert response.status_code == 303
    assert not one(Unit, "XA-A").active
    assert client.get(f"/s/{survey_code}").status_code == 404
    tree_page = parse(client.get("/quan-tri/don-vi"))
    assert "Inactive" in text(tree_page, "li[data-unit=XA-A]")  # shown, not hidden
    post_form(client, "/quan-tri/don-vi/XA-A", {"active": "true"}, "form[action$='/trang-thai']")
    assert one(Unit, "XA-A").active
    assert client.get(f"/s/{survey_code}").status_code == 200
    assert [e.action for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))][
        -2:
    ] == ["unit.deactivate", "unit.reactivate"]


# Counters ---------------------------------------------------------------------------------


def test_a_manager_adds_a_counter_that_gets_its_own_qr_code(client, tree, manager):
    response = post_form(
        client,
        "/quan-tri/don-vi/XA-A/quay-moi",
        {"code": "A-Q1", "name": "Quầy số 1 - Hộ tịch", "field": "Hộ tịch"},
    )

    assert response.status_code == 303
    counter = one(Counter, "A-Q1")
    assert (counter.unit.code, counter.name, counter.field) == (
        "XA-A",
        "Quầy số 1 - Hộ tịch",
        "Hộ tịch",
    )
    assert client.get(f"/s/{code_of(counter)}").status_code == 200
    assert events("counter.create")[0].unit_id == tree[1].id
    page = parse(client.get(response.headers["Location"]))
    assert "Counter A-Q1 was added." in text(page, ".flash")


def test_a_counter_code_used_anywhere_is_refused(client, tree, manager):
    make_counter(unit=tree[2], code="Q1")  # in commune B, out of the manager's sight
    response = post_form(
        client, "/quan-tri/don-vi/XA-A/quay-moi", {"code": "Q1", "name": "Quầy 1", "field": ""}
    )
    assert response.status_code == 422
    assert "This code is already used by another counter." in summary(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Counter)) == 1


def test_a_counter_needs_a_name(client, tree, manager):
    response = post_form(
        client, "/quan-tri/don-vi/XA-A/quay-moi", {"code": "A-Q9", "name": " ", "field": ""}
    )
    assert response.status_code == 422
    assert "Enter a name." in summary(response)


def test_a_manager_edits_a_counter(client, tree, manager):
    make_counter(unit=tree[1], code="A-Q1", name="Quầy 1", field="Hộ tịch")
    page = parse(client.get("/quan-tri/quay/A-Q1"))
    assert [o["value"] for o in page.select("datalist#known-fields option")] == ["Hộ tịch"]
    response = post_form(
        client,
        "/quan-tri/quay/A-Q1",
        {"name": "Quầy số 1", "field": "Chứng thực"},
        "form.edit",
    )
    assert response.status_code == 303
    counter = one(Counter, "A-Q1")
    assert (counter.name, counter.field) == ("Quầy số 1", "Chứng thực")
    assert events("counter.update")[0].details == {
        "name": ["Quầy 1", "Quầy số 1"],
        "field": ["Hộ tịch", "Chứng thực"],
    }


def test_a_deactivated_counter_keeps_its_responses_attributed_and_counted(client, tree, manager):
    counter = make_counter(unit=tree[1], code="A-Q1")
    response = make_response(counter=counter)

    done = post_form(client, "/quan-tri/quay/A-Q1", {"active": "false"}, "form.status")

    flash = text(parse(client.get(done.headers["Location"])), ".flash")
    assert flash == "Quầy Tư pháp - Hộ tịch was deactivated. Its responses are kept."
    assert not one(Counter, "A-Q1").active
    assert db.session.get(SurveyResponse, response.id).counter_id == counter.id
    assert client.get(f"/s/{code_of(counter)}").status_code == 404
    row = parse(client.get("/quan-tri/don-vi/XA-A")).select_one("tr[data-code=A-Q1]")
    assert [td.get_text(strip=True) for td in row.select("td")][-2:] == ["1", "Inactive"]
    assert text(parse(client.get("/quan-tri/quay/A-Q1")), ".responses") == "1"


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


# Scope ------------------------------------------------------------------------------------


def test_a_manager_of_commune_a_gets_404_for_everything_of_commune_b(client, tree, manager):
    counter = make_counter(unit=tree[2], code="B-Q1", name="Quầy B")
    officer = make_officer(unit=tree[2], code="B-CB1", full_name="Cán bộ B")
    pages = [
        "/quan-tri/don-vi/XA-B",
        "/quan-tri/don-vi/TINH",
        "/quan-tri/don-vi/XA-B/quay-moi",
        "/quan-tri/don-vi/XA-B/cong-chuc-moi",
        "/quan-tri/quay/B-Q1",
        "/quan-tri/cong-chuc/B-CB1",
        "/quan-tri/cong-chuc/B-CB1/anh",
    ]
    posts = {
        "/quan-tri/don-vi/XA-B/quay-moi": {"code": "B-Q2", "name": "Lạ"},
        "/quan-tri/don-vi/XA-B/cong-chuc-moi": {"code": "B-CB2", "full_name": "Lạ"},
        "/quan-tri/quay/B-Q1": {"name": "Đổi tên", "field": ""},
        "/quan-tri/quay/B-Q1/trang-thai": {"active": "false"},
        "/quan-tri/cong-chuc/B-CB1": {"full_name": "Đổi tên"},
        "/quan-tri/cong-chuc/B-CB1/trang-thai": {"active": "false"},
        "/quan-tri/cong-chuc/B-CB1/anh/xoa": {},
    }

    assert {url: client.get(url).status_code for url in pages} == dict.fromkeys(pages, 404)
    token = csrf(client)
    answers = {url: client.post(url, data=data | token).status_code for url, data in posts.items()}
    assert answers == dict.fromkeys(posts, 404)
    counter, officer = one(Counter, "B-Q1"), one(Officer, "B-CB1")
    assert (counter.name, counter.active, officer.full_name, officer.active) == (
        "Quầy B",
        True,
        "Cán bộ B",
        True,
    )
    assert one(Counter, "B-Q2") is None and one(Officer, "B-CB2") is None


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
