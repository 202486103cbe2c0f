"""The procedures catalogue: list, search, create, edit and CSV import (administrators)."""

import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey_app.core.extensions import db
from survey_app.models import AuditEvent, Procedure, Role
from survey_app.queries.procedures import PAGE_SIZE
from tests.helpers.builders import make_user
from tests.helpers.staff_pages import post_form, sign_in
from tests.helpers.survey_pages import parse


@pytest.fixture
def admin(client):
    user = make_user(role=Role.ADMINISTRATOR)
    sign_in(client, user)
    client.get("/quan-tri/thu-tuc?lang=en")
    return user


def add(code: str, name: str, field: str = "") -> Procedure:
    procedure = Procedure(code=code, name=name, field=field)
    db.session.add(procedure)
    db.session.commit()
    return procedure


def listed(response) -> list[str]:
    return [row["data-code"] for row in parse(response).select("table.procedures tr[data-code]")]


def stored() -> dict[str, tuple[str, str]]:
    db.session.expire_all()
    procedures = db.session.scalars(sa.select(Procedure).order_by(Procedure.code))
    return {p.code: (p.name, p.field) for p in procedures}


def upload(client, text: str, encoding: str = "utf-8"):
    page = parse(client.get("/quan-tri/thu-tuc/nhap"))
    token = page.select_one("main form input[name=csrf_token]")["value"]
    file = FileStorage(io.BytesIO(text.encode(encoding)), filename="thu-tuc.csv")
    boundary, body = encode_multipart({"csrf_token": token, "file": file})
    return client.post(
        "/quan-tri/thu-tuc/nhap",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def error_rows(response) -> list[list[str]]:
    table = parse(response).select_one("table.import-errors")
    return [
        [td.get_text(strip=True) for td in row.select("td")] for row in table.select("tbody tr")
    ]


# List and search ---------------------------------------------------------------------------


def test_an_empty_catalogue_says_how_to_fill_it(client, admin):
    page = parse(client.get("/quan-tri/thu-tuc"))
    assert page.select_one(".empty").get_text(strip=True).startswith("No procedures yet.")


def test_search_by_code_or_name_and_filter_by_field(client, admin):
    add("1.001193", "Đăng ký khai sinh", "Hộ tịch")
    add("1.000894", "Đăng ký kết hôn", "Hộ tịch")
    add("2.000001", "Cấp giấy chứng nhận quyền sử dụng đất", "Đất đai")

    # By name in Vietnamese order: Cấp < Đăng ký kết hôn < Đăng ký khai sinh (ê before h).
    assert listed(client.get("/quan-tri/thu-tuc")) == ["2.000001", "1.000894", "1.001193"]
    assert listed(client.get("/quan-tri/thu-tuc?q=khai sinh")) == ["1.001193"]
    assert listed(client.get("/quan-tri/thu-tuc?q=2.000")) == ["2.000001"]
    assert listed(client.get("/quan-tri/thu-tuc?field=Hộ tịch")) == ["1.000894", "1.001193"]
    assert listed(client.get("/quan-tri/thu-tuc?q=đất&field=Hộ tịch")) == []
    no_match = parse(client.get("/quan-tri/thu-tuc?q=100%"))
    assert no_match.select_one(".empty").get_text(strip=True) == "No procedure matches this search."
    options = parse(client.get("/quan-tri/thu-tuc")).select("select#field option")
    assert [o["value"] for o in options] == ["", "Đất đai", "Hộ tịch"]  # Vietnamese order


def test_a_long_catalogue_is_shown_page_by_page(client, admin):
    db.session.add_all(
        Procedure(code=f"P{number:04d}", name=f"Thủ tục {number:02d}") for number in range(60)
    )
    db.session.commit()
    first = client.get("/quan-tri/thu-tuc")
    second = client.get("/quan-tri/thu-tuc?page=2")
    assert len(listed(first)) == PAGE_SIZE
    assert listed(second) == [f"P{number:04d}" for number in range(PAGE_SIZE, 60)]
    assert "Page 2 of 2" in parse(second).select_one(".pages").get_text()


# Create and edit ---------------------------------------------------------------------------


def test_an_administrator_adds_a_procedure(client, admin):
    response = post_form(
        client,
        "/quan-tri/thu-tuc/moi",
        {"code": "1.001193", "name": "Đăng ký khai sinh", "field": "Hộ tịch"},
    )
    assert response.status_code == 303
    assert stored() == {"1.001193": ("Đăng ký khai sinh", "Hộ tịch")}
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "procedure.create"))
    assert (event.target_key, event.actor_id) == ("1.001193", admin.id)


def test_a_taken_procedure_code_is_refused(client, admin):
    add("1.001193", "Đăng ký khai sinh")
    response = post_form(
        client, "/quan-tri/thu-tuc/moi", {"code": "1.001193", "name": "Khác", "field": ""}
    )
    assert response.status_code == 422
    summary = parse(response).select_one(".summary").get_text()
    assert "This code is already used by another procedure." in summary
    assert stored() == {"1.001193": ("Đăng ký khai sinh", "")}


def test_a_procedure_needs_a_name(client, admin):
    response = post_form(client, "/quan-tri/thu-tuc/moi", {"code": "X1", "name": "", "field": ""})
    assert response.status_code == 422
    assert "Enter a name." in parse(response).select_one(".summary").get_text()


def test_an_administrator_edits_a_procedure(client, admin):
    add("1.001193", "Đăng ký khai sinh", "Hộ tịch")
    response = post_form(
        client,
        "/quan-tri/thu-tuc/1.001193/sua",
        {"name": "Thủ tục đăng ký khai sinh", "field": "Hộ tịch"},
    )
    assert response.status_code == 303
    assert stored() == {"1.001193": ("Thủ tục đăng ký khai sinh", "Hộ tịch")}
    assert client.get("/quan-tri/thu-tuc/KHONG-CO/sua").status_code == 404


def test_only_administrators_manage_the_catalogue(client):
    sign_in(client, make_user(role=Role.MANAGER))
    assert client.get("/quan-tri/thu-tuc").status_code == 403
    assert client.get("/quan-tri/thu-tuc/nhap").status_code == 403


# CSV import --------------------------------------------------------------------------------

CATALOGUE = (
    "code,name,field\n"
    "1.001193,Đăng ký khai sinh,Hộ tịch\n"
    '1.000894,"Đăng ký kết hôn, có yếu tố nước ngoài",Hộ tịch\n'
    "2.000001,Cấp giấy chứng nhận quyền sử dụng đất,Đất đai\n"
)


def test_a_catalogue_file_with_a_byte_order_mark_is_imported(client, admin):
    response = upload(client, CATALOGUE, encoding="utf-8-sig")
    assert response.status_code == 200
    assert parse(response).select_one(".import-summary").get_text(strip=True) == (
        "Created: 3. Updated: 0. Unchanged: 0."
    )
    assert stored()["1.000894"] == ("Đăng ký kết hôn, có yếu tố nước ngoài", "Hộ tịch")


def test_a_re_import_updates_by_code_and_never_duplicates(client, admin):
    upload(client, CATALOGUE)
    changed = CATALOGUE.replace("Đăng ký khai sinh,Hộ tịch", "Đăng ký khai sinh (mới),Hộ tịch")

    response = upload(client, changed)

    assert "Created: 0. Updated: 1. Unchanged: 2." in parse(response).get_text()
    assert len(stored()) == 3
    assert stored()["1.001193"] == ("Đăng ký khai sinh (mới)", "Hộ tịch")
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id))
    assert list(actions)[-4:] == ["procedure.create"] * 3 + ["procedure.update"]


def test_invalid_rows_are_named_and_nothing_is_imported(client, admin):
    text = CATALOGUE + "1.001193,Trùng mã,\n,Không có mã,\nMÃ SAI,Tên,\nX9,,\n"

    response = upload(client, text)

    assert response.status_code == 422
    assert error_rows(response) == [
        ["5", "code", "This code appears twice in the file (first on row 2)."],
        ["6", "code", "Enter a code."],
        ["7", "code", "Use at most 60 letters, digits, dots, hyphens or underscores."],
        ["8", "name", "Enter a name."],
    ]
    assert stored() == {}


def test_a_file_with_a_wrong_header_or_encoding_is_refused(client, admin):
    wrong_header = upload(client, "ma,name\nX1,Tên\n")
    assert error_rows(wrong_header) == [
        ["1", "code", "This column is missing."],
        ["1", "ma", "Unknown column."],
    ]
    not_utf8 = upload(client, CATALOGUE, encoding="utf-16")
    assert not_utf8.status_code == 422
    assert "The file is not a UTF-8 CSV file" in parse(not_utf8).select_one(".summary").get_text()
    assert stored() == {}
