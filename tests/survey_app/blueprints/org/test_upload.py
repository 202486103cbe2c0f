"""Onboarding a province from the organisation CSV through the upload page."""

import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey_app.core.extensions import db
from survey_app.models import AuditEvent, Counter, Officer, Role, Unit
from tests.helpers.builders import make_counter, make_officer, make_unit, make_user
from tests.helpers.org_csv import COLUMNS, PROVINCE, count, csv_text, with_row
from tests.helpers.staff_pages import one, sign_in
from tests.helpers.survey_pages import parse


def upload(client, rows: list[dict], columns=COLUMNS):
    page = parse(client.get("/quan-tri/nhap-to-chuc"))
    token = page.select_one("main form input[name=csrf_token]")["value"]
    file = FileStorage(io.BytesIO(csv_text(rows, columns).encode()), filename="to-chuc.csv")
    boundary, body = encode_multipart({"csrf_token": token, "file": file})
    return client.post(
        "/quan-tri/nhap-to-chuc",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


@pytest.fixture
def province_admin(client):
    """An administrator of the province LD, already stored."""
    province = make_unit(code="LD", name="Tỉnh Lâm Đồng")
    user = make_user(role=Role.ADMINISTRATOR, unit=province)
    sign_in(client, user)
    client.get("/quan-tri/nhap-to-chuc?lang=en")
    return user


def summary_rows(response) -> dict[str, list[str]]:
    table = parse(response).select_one("table.import-summary")
    return {
        row["data-kind"]: [td.get_text(strip=True) for td in row.select("td")]
        for row in table.select("tr[data-kind]")
    }


def error_rows(response) -> list[list[str]]:
    table = parse(response).select_one("table.import-errors")
    return [
        [td.get_text(strip=True) for td in row.select("td")] for row in table.select("tbody tr")
    ]


def test_the_upload_page_imports_a_file_and_shows_the_summary(client, province_admin):
    admin = province_admin
    response = upload(client, PROVINCE)

    assert response.status_code == 200
    assert summary_rows(response) == {
        "unit": ["2", "0", "1"],  # the province itself was already stored, unchanged
        "counter": ["3", "0", "0"],
        "officer": ["2", "0", "0"],
    }
    assert count(Officer) == 2
    actors = db.session.scalars(
        sa.select(AuditEvent.actor_id).where(AuditEvent.details["via"].as_string() == "import")
    )
    assert set(actors) == {admin.id}


def test_uploading_again_updates_and_never_duplicates(client, province_admin):
    upload(client, PROVINCE)
    response = upload(client, with_row("DT-Q1", name="Quầy số 1 - Hộ tịch"))
    assert summary_rows(response)["counter"] == ["0", "1", "2"]
    assert (count(Unit), count(Counter), count(Officer)) == (3, 3, 2)
    assert one(Counter, "DT-Q1").name == "Quầy số 1 - Hộ tịch"


def test_an_invalid_upload_lists_the_errors_and_stores_nothing(client, province_admin):
    rows = PROVINCE + [{"kind": "counter", "code": "DT-Q9", "name": "Quầy 9"}]

    response = upload(client, rows)

    assert response.status_code == 422
    assert error_rows(response) == [
        ["10", "parent_code", "Enter the code of the unit this belongs to."]
    ]
    assert "Nothing was imported" in parse(response).select_one(".summary").get_text()
    assert (count(Unit), count(Counter), count(Officer)) == (1, 0, 0)


def test_an_administrator_imports_only_under_their_own_units(client):
    province = make_unit(code="LD")
    commune_a = make_unit(code="XA-A", parent=province)
    commune_b = make_unit(code="XA-B", parent=province)
    make_counter(unit=commune_b, code="B-Q1")
    make_officer(unit=commune_b, code="B-CB1")
    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=commune_a))
    client.get("/quan-tri/nhap-to-chuc?lang=en")
    rows = [
        {"kind": "unit", "code": "XA-A", "name": "Xã A", "parent_code": "LD"},  # its own: fine
        {"kind": "unit", "code": "THON-1", "name": "Thôn 1", "parent_code": "XA-A"},
        {"kind": "unit", "code": "THON-2", "name": "Thôn 2", "parent_code": "XA-B"},
        {"kind": "unit", "code": "TINH-MOI", "name": "Tỉnh mới"},
        {"kind": "counter", "code": "B-Q1", "name": "Lấy quầy", "parent_code": "XA-A"},
        {"kind": "officer", "code": "B-CB1", "name": "Lấy người", "parent_code": "THON-1"},
        {"kind": "unit", "code": "XA-B", "name": "Xã B", "parent_code": "THON-1"},
    ]

    response = upload(client, rows)

    assert response.status_code == 422
    assert error_rows(response) == [
        ["4", "parent_code", "You can only import under the units you manage."],
        [
            "5",
            "parent_code",
            "Only the command line can add or move a unit to the top of the tree.",
        ],
        ["6", "code", "This code is already used outside the units you manage."],
        ["7", "code", "This code is already used outside the units you manage."],
        ["8", "code", "This code is already used outside the units you manage."],
    ]
    assert one(Unit, "THON-1") is None and one(Counter, "B-Q1").unit.code == "XA-B"


def test_a_manager_cannot_import_the_organisation(client):
    sign_in(client, make_user(role=Role.MANAGER))
    assert client.get("/quan-tri/nhap-to-chuc").status_code == 403


def test_the_upload_page_asks_for_a_file(client, province_admin):
    page = parse(client.get("/quan-tri/nhap-to-chuc"))
    token = page.select_one("main form input[name=csrf_token]")["value"]
    response = client.post("/quan-tri/nhap-to-chuc", data={"csrf_token": token})
    assert response.status_code == 422
    assert "Choose a CSV file." in parse(response).select_one(".summary").get_text()
