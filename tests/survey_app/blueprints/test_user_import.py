"""Accounts in bulk on the users page: the importer's units and roles bound every row."""

import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey_app.core.extensions import db
from survey_app.models import Role, User
from tests.helpers.builders import make_officer, make_user
from tests.helpers.org_csv import users_csv
from tests.helpers.smtp_server import mail_server
from tests.helpers.staff_pages import post_form, sign_in
from tests.helpers.survey_pages import parse

PAGE = "/quan-tri/nguoi-dung/nhap"


def upload(client, rows: list[dict], officers: bool = False):
    token = parse(client.get(PAGE)).select_one("main form input[name=csrf_token]")["value"]
    fields = {"csrf_token": token}
    if rows:
        file = FileStorage(io.BytesIO(users_csv(rows).encode()), filename="tai-khoan.csv")
        fields["file"] = file
    if officers:
        fields["officers"] = "y"
    boundary, body = encode_multipart(fields)
    return client.post(PAGE, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def commune_admin(client, tree):
    """An administrator of commune A (XA-A), signed in, reading Vietnamese."""
    user = make_user(role=Role.ADMINISTRATOR, unit=tree[1], username="quantri.xa")
    sign_in(client, user)
    client.get(PAGE + "?lang=vi")
    return user


def errors_by_row(response) -> list[tuple[str, str, str]]:
    rows = parse(response).select(".import-errors tbody tr")
    return [tuple(cell.get_text(strip=True) for cell in row.select("td")) for row in rows]


def test_rows_outside_the_importers_units_or_role_are_refused_with_their_row(
    client, commune_admin, tree
):
    province, commune_a, commune_b = tree
    make_user(role=Role.MANAGER, unit=commune_b, username="cua.xa.b")
    rows = [
        {"username": "hop.le", "full_name": "Hợp Lệ", "role": "manager", "unit_code": "XA-A"},
        {"username": "xa.khac", "full_name": "Xã Khác", "role": "manager", "unit_code": "XA-B"},
        {"username": "qt.moi", "full_name": "Quản Trị", "role": "administrator",
         "unit_code": "XA-A"},
        {"username": "cua.xa.b", "full_name": "Chiếm", "role": "manager", "unit_code": "XA-A"},
        {"username": "quantri.xa", "full_name": "Tự Sửa", "role": "manager", "unit_code": "XA-A"},
    ]  # fmt: skip

    response = upload(client, rows)

    assert response.status_code == 422
    found = errors_by_row(response)
    assert ("3", "unit_code", "Anh/chị chỉ được nhập vào các đơn vị mình quản lý.") in found
    assert ("4", "role", "Anh/chị chỉ được giao vai trò thấp hơn vai trò của mình.") in found
    assert any(row == "5" and column == "username" for row, column, _ in found)
    assert any(row == "6" and column == "username" for row, column, _ in found)
    assert not any(row == "2" for row, _, _ in found)
    names = set(db.session.scalars(sa.select(User.username)))
    assert names == {"quantri.xa", "cua.xa.b"}  # nothing half-imported


def test_without_a_mail_server_the_page_shows_the_links_once_and_why(client, commune_admin):
    rows = [{"username": "hop.le", "full_name": "Hợp Lệ", "email": "hople@anbinh.gov.vn",
             "role": "manager", "unit_code": "XA-A"}]  # fmt: skip

    response = upload(client, rows)
    shown = parse(response).select_one("#unsent-links")
    later = parse(client.get("/quan-tri/nguoi-dung"))

    assert response.status_code == 200
    assert "/tai-khoan/kich-hoat/" in shown.get_text()
    assert "SURVEY_SMTP_HOST" in shown.get_text()
    assert "/tai-khoan/kich-hoat/" not in str(later)


def test_officers_of_the_importers_units_with_an_email_get_an_account(
    app, client, commune_admin, tree
):
    province, commune_a, commune_b = tree
    mine = make_officer(unit=commune_a, code="XA-A-CB1")
    mine.email = "cb1@anbinh.gov.vn"
    other = make_officer(unit=commune_b, code="XA-B-CB1")
    other.email = "cb1@binhminh.gov.vn"
    db.session.commit()

    with mail_server(app) as box:
        response = upload(client, [], officers=True)

    assert response.status_code == 200, parse(response).select_one("main").get_text()
    assert (
        db.session.scalar(sa.select(User.username).where(User.officer_id == mine.id)) == "xa-a-cb1"
    )
    assert db.session.scalar(sa.select(User.id).where(User.officer_id == other.id)) is None
    assert len(box.to("cb1@anbinh.gov.vn")) == 1 and box.to("cb1@binhminh.gov.vn") == []


def test_a_manager_cannot_open_the_import_page(client, tree):
    sign_in(client, make_user(role=Role.MANAGER, unit=tree[1]))

    assert client.get(PAGE).status_code == 403


def test_an_empty_upload_says_what_to_choose(client, commune_admin):
    response = upload(client, [])

    assert response.status_code == 422
    assert parse(response).select_one(".summary")


def new_account(username: str, email: str) -> dict:
    return {"username": username, "full_name": "Lê Thị Cúc", "email": email,
            "role": "manager", "unit": "XA-A", "officer": ""}  # fmt: skip


def test_a_new_account_without_a_typed_password_gets_an_activation_email(
    app, client, commune_admin
):
    with mail_server(app) as box:
        response = post_form(client, "/quan-tri/nguoi-dung/moi", new_account("cuc.lt", "cuc@a.vn"))

    assert response.status_code == 302
    assert len(box.to("cuc@a.vn")) == 1
    user = db.session.scalar(sa.select(User).where(User.username == "cuc.lt"))
    assert user.password_hash is None and not user.must_change_password


def test_without_a_mail_server_the_new_accounts_link_is_shown_once(client, commune_admin):
    response = post_form(client, "/quan-tri/nguoi-dung/moi", new_account("cuc.lt", "cuc@a.vn"))

    shown = parse(response).select_one("#unsent-links").get_text()
    assert "/tai-khoan/kich-hoat/" in shown and "SURVEY_SMTP_HOST" in shown


def test_the_users_list_tells_accounts_awaiting_activation(client, commune_admin):
    post_form(client, "/quan-tri/nguoi-dung/moi", new_account("cuc.lt", "cuc@a.vn"))

    row = parse(client.get("/quan-tri/nguoi-dung")).select_one("#user-cuc\\.lt .status")

    assert "Chờ kích hoạt" in row.get_text()
