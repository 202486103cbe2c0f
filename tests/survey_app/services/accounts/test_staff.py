"""Accounts administration: who may open the pages, scope, creation, edits, password resets,
deactivation, and a user's change of their own password."""

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import AuditEvent, Role, User
from tests.helpers.builders import (
    DEFAULT_PASSWORD,
    make_counter,
    make_officer,
    make_user,
    survey_code_of,
)
from tests.helpers.staff_pages import post_form, sign_in
from tests.helpers.survey_pages import parse

NEW_PASSWORD = "một mật khẩu mới khá dài"
TEMPORARY_PASSWORD = "tạm thời 12345678"


@pytest.fixture
def admin_a(client, tree):
    """A signed-in administrator of commune A, reading the pages in English."""
    admin = make_user(role=Role.ADMINISTRATOR, unit=tree[1], username="admin-a")
    sign_in(client, admin)
    client.get("/quan-tri/?lang=en")
    return admin


@pytest.fixture
def other_client(app):
    return app.test_client()


def account_form(unit_code: str, **overrides) -> dict:
    return {
        "full_name": "Trần Văn Bình",
        "email": "",
        "role": "manager",
        "unit": unit_code,
        "officer": "",
        "active": "y",
    } | overrides


def new_account_form(unit_code: str, **overrides) -> dict:
    data = account_form(unit_code, username="tranvanbinh", password=TEMPORARY_PASSWORD)
    return data | {"confirm": TEMPORARY_PASSWORD} | overrides


def stored(username: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == username))


def audit_actions(username: str) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.target_key == username)
            .order_by(AuditEvent.id)
        )
    )


def summary_text(response) -> str:
    return parse(response).select_one(".summary").get_text(" ", strip=True)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.COMPLAINT_HANDLER])
@pytest.mark.parametrize("path", ["/quan-tri/nguoi-dung", "/quan-tri/nguoi-dung/moi", "EDIT"])
def test_only_administrators_open_the_account_pages(client, tree, role, path):
    someone = make_user(role=Role.MANAGER, unit=tree[1])
    sign_in(client, make_user(role=role, unit=tree[0]))
    url = f"/quan-tri/nguoi-dung/{someone.username}/sua" if path == "EDIT" else path
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("path", ["/quan-tri/nguoi-dung", "/tai-khoan/mat-khau"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/dang-nhap?next=")


def test_the_list_shows_only_accounts_of_the_administrators_units(client, tree, admin_a):
    province, commune_a, commune_b = tree
    make_user(role=Role.MANAGER, unit=commune_a, username="quanly-a")
    make_user(role=Role.MANAGER, unit=commune_b, username="quanly-b")
    make_user(role=Role.ADMINISTRATOR, unit=province, username="admin-tinh")

    page = parse(client.get("/quan-tri/nguoi-dung"))

    usernames = [row["id"].removeprefix("user-") for row in page.select("tbody tr")]
    assert usernames == ["admin-a", "quanly-a"]
    row = page.select_one("#user-quanly-a").get_text(" ", strip=True)
    assert "Unit manager" in row and "UBND xã An Bình" in row and "Never" in row


def test_a_province_administrator_sees_the_accounts_of_every_commune(client, tree):
    province, commune_a, commune_b = tree
    make_user(unit=commune_a, username="quanly-a")
    make_user(unit=commune_b, username="quanly-b")
    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=province, username="admin-tinh"))

    page = parse(client.get("/quan-tri/nguoi-dung"))

    usernames = {row["id"].removeprefix("user-") for row in page.select("tbody tr")}
    assert usernames == {"admin-tinh", "quanly-a", "quanly-b"}


def test_an_account_of_another_commune_is_not_found(client, tree, admin_a):
    other = make_user(unit=tree[2], username="quanly-b")
    for path in ("sua", "mat-khau"):
        assert client.get(f"/quan-tri/nguoi-dung/{other.username}/{path}").status_code == 404
    token = parse(client.get("/quan-tri/nguoi-dung")).select_one(".who input")["value"]
    response = client.post(
        "/quan-tri/nguoi-dung/quanly-b/ngung-hoat-dong", data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert stored("quanly-b").active


def test_an_administrator_creates_an_account_who_must_choose_a_password(client, tree, admin_a):
    response = post_form(client, "/quan-tri/nguoi-dung/moi", new_account_form("XA-A"))

    assert response.status_code == 302
    user = stored("tranvanbinh")
    assert (user.full_name, user.role, user.unit.code) == ("Trần Văn Bình", Role.MANAGER, "XA-A")
    assert user.must_change_password and user.active
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.target_key == "tranvanbinh"))
    assert (event.action, event.actor.username) == ("user.create", "admin-a")
    assert "Account tranvanbinh created." in client.get("/quan-tri/nguoi-dung").get_data(True)


def test_the_new_account_page_offers_only_units_in_scope(client, tree, admin_a):
    page = parse(client.get("/quan-tri/nguoi-dung/moi"))
    assert [option["value"] for option in page.select("#unit option")] == ["XA-A"]

    response = post_form(client, "/quan-tri/nguoi-dung/moi", new_account_form("XA-B"))

    assert response.status_code == 422
    assert stored("tranvanbinh") is None


def test_a_refused_account_keeps_what_was_typed_and_says_why(client, tree, admin_a):
    make_user(unit=tree[1], username="tranvanbinh")
    data = new_account_form("XA-A", full_name="Lê Thị Cúc", email="cuc@xa-a.gov.vn")

    response = post_form(client, "/quan-tri/nguoi-dung/moi", data)

    assert response.status_code == 422
    page = parse(response)
    assert "This username is already taken." in summary_text(response)
    assert page.select_one("#full_name")["value"] == "Lê Thị Cúc"
    assert page.select_one("#email")["value"] == "cuc@xa-a.gov.vn"
    assert page.select_one("#unit option[selected]")["value"] == "XA-A"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": "Trần Bình"}, "letters without accents"),
        ({"password": "ngắn", "confirm": "ngắn"}, "Use at least 10 characters."),
        ({"confirm": "khác hẳn mật khẩu"}, "The two passwords are not the same."),
        ({"email": "không-phải-thư"}, "Enter an address such as"),
    ],
)
def test_the_new_account_form_checks_each_field(client, tree, admin_a, overrides, message):
    response = post_form(client, "/quan-tri/nguoi-dung/moi", new_account_form("XA-A", **overrides))
    assert response.status_code == 422
    assert message in summary_text(response)


def test_an_officer_account_is_linked_to_an_officer_of_its_unit(client, tree):
    province, commune_a, commune_b = tree
    officer_b = make_officer(unit=commune_b, code="CB-B")
    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=province))
    client.get("/quan-tri/?lang=en")

    wrong_unit = new_account_form("XA-A", role="officer", officer="CB-B")
    missing = new_account_form("XA-B", role="officer")
    right = new_account_form("XA-B", role="officer", officer="CB-B")

    response = post_form(client, "/quan-tri/nguoi-dung/moi", wrong_unit)
    assert "Choose an officer of the account's unit." in summary_text(response)
    response = post_form(client, "/quan-tri/nguoi-dung/moi", missing)
    assert "Choose the officer this account belongs to." in summary_text(response)
    assert post_form(client, "/quan-tri/nguoi-dung/moi", right).status_code == 302
    assert stored("tranvanbinh").officer_id == officer_b.id
    again = new_account_form("XA-B", role="officer", officer="CB-B", username="lan-nua")
    response = post_form(client, "/quan-tri/nguoi-dung/moi", again)
    assert "This officer already has an account: tranvanbinh." in summary_text(response)


def test_an_edit_is_saved_and_audited_with_what_changed(client, tree, admin_a):
    user = make_user(unit=tree[1], username="quanly-a")
    url = f"/quan-tri/nguoi-dung/{user.username}/sua"
    page = parse(client.get(url))
    assert page.select_one("#role option[selected]")["value"] == "manager"
    assert page.select_one("#active").has_attr("checked")

    data = account_form("XA-A", full_name="Phạm Thị Mới", role="complaint_handler")
    assert post_form(client, url, data).status_code == 302

    user = stored("quanly-a")
    assert (user.full_name, user.role) == ("Phạm Thị Mới", Role.COMPLAINT_HANDLER)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.details == {
        "full_name": ["Phạm Thị Quản Lý", "Phạm Thị Mới"],
        "role": ["manager", "complaint_handler"],
    }


def test_an_administrator_cannot_demote_move_or_deactivate_themself(client, tree, admin_a):
    url = "/quan-tri/nguoi-dung/admin-a/sua"
    page = parse(client.get(url))
    assert "This is your own account" in page.select_one(".own").get_text()
    assert not page.select("form[action$='/ngung-hoat-dong']")

    demoted = post_form(client, url, account_form("XA-A", role="manager"))
    unticked = post_form(client, url, account_form("XA-A", role="administrator", active=""))
    token = page.select_one(".who input")["value"]
    client.post("/quan-tri/nguoi-dung/admin-a/ngung-hoat-dong", data={"csrf_token": token})

    assert demoted.status_code == 422
    assert "You cannot change your own role" in summary_text(demoted)
    assert "You cannot deactivate your own account" in summary_text(unticked)
    admin = stored("admin-a")
    assert (admin.role, admin.active) == (Role.ADMINISTRATOR, True)
    assert "You cannot deactivate your own account" in client.get(url).get_data(as_text=True)


def test_a_reset_ends_the_users_sessions_and_forces_a_new_password(
    client, other_client, tree, admin_a
):
    user = make_user(unit=tree[1], username="quanly-a")
    sign_in(other_client, user)
    assert other_client.get("/quan-tri/").status_code == 200

    data = {"password": TEMPORARY_PASSWORD, "confirm": TEMPORARY_PASSWORD}
    response = post_form(client, "/quan-tri/nguoi-dung/quanly-a/mat-khau", data)

    assert response.headers["Location"] == "/quan-tri/nguoi-dung/quanly-a/sua"
    assert other_client.get("/quan-tri/").headers["Location"].startswith("/dang-nhap")
    assert sign_in(other_client, user).status_code == 422  # the old password is gone
    sign_in(other_client, user, password=TEMPORARY_PASSWORD)
    assert other_client.get("/quan-tri/").headers["Location"] == "/tai-khoan/mat-khau"
    assert other_client.get("/quan-tri/nhat-ky").headers["Location"] == "/tai-khoan/mat-khau"
    assert audit_actions("quanly-a") == ["user.create", "user.reset_password"]


def test_a_temporary_password_leads_staff_pages_only_to_its_change(client, tree, admin_a):
    """A citizen's page (the survey form) opens as for anyone: no account acts there."""
    user_client = signed_in_with_a_temporary_password(client, tree)
    code = survey_code_of(make_counter(unit=tree[1]))

    assert user_client.get(f"/s/{code}").status_code == 200
    assert user_client.get("/quan-tri/").headers["Location"] == "/tai-khoan/mat-khau"


def signed_in_with_a_temporary_password(client, tree):
    """Another browser of a user whose password the administrator (`client`) just reset."""
    user = make_user(unit=tree[1], username="quanly-a")
    data = {"password": TEMPORARY_PASSWORD, "confirm": TEMPORARY_PASSWORD}
    post_form(client, "/quan-tri/nguoi-dung/quanly-a/mat-khau", data)
    user_client = client.application.test_client()
    sign_in(user_client, user, password=TEMPORARY_PASSWORD)
    return user_client


def test_after_choosing_a_new_password_the_user_works_normally(client, tree, admin_a):
    user_client = signed_in_with_a_temporary_password(client, tree)

    change = {
        "current_password": TEMPORARY_PASSWORD,
        "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    assert post_form(user_client, "/tai-khoan/mat-khau", change).status_code == 302

    assert user_client.get("/quan-tri/").status_code == 200
    assert not stored("quanly-a").must_change_password


def test_deactivation_ends_the_sessions_and_reactivation_lets_the_user_back(
    client, other_client, tree, admin_a
):
    user = make_user(unit=tree[1], username="quanly-a")
    sign_in(other_client, user)
    page = parse(client.get("/quan-tri/nguoi-dung/quanly-a/sua"))
    token = page.select_one("form[action$='/ngung-hoat-dong'] input")["value"]

    client.post("/quan-tri/nguoi-dung/quanly-a/ngung-hoat-dong", data={"csrf_token": token})

    assert sign_in(client.application.test_client(), user).status_code == 422
    client.post("/quan-tri/nguoi-dung/quanly-a/kich-hoat", data={"csrf_token": token})
    assert other_client.get("/quan-tri/").status_code == 302  # the old session stays ended
    assert sign_in(other_client, user).status_code == 302
    assert audit_actions("quanly-a") == ["user.create", "user.deactivate", "user.reactivate"]


def test_unticking_active_on_the_edit_page_also_ends_the_sessions(
    client, other_client, tree, admin_a
):
    user = make_user(unit=tree[1], username="quanly-a")
    sign_in(other_client, user)
    data = account_form("XA-A", full_name=user.full_name, active="")
    post_form(client, "/quan-tri/nguoi-dung/quanly-a/sua", data)
    assert not stored("quanly-a").active
    post_form(client, "/quan-tri/nguoi-dung/quanly-a/sua", data | {"active": "y"})
    assert stored("quanly-a").active
    assert other_client.get("/quan-tri/").status_code == 302  # the old session stays ended


def change_form(current=DEFAULT_PASSWORD, new=NEW_PASSWORD, confirm=None) -> dict:
    return {"current_password": current, "new_password": new, "confirm": confirm or new}


def test_any_signed_in_user_changes_their_password_and_stays_signed_in(client, other_client):
    user = make_user(role=Role.OFFICER, username="congchuc")
    sign_in(client, user)
    sign_in(other_client, user)  # the same person on another tablet

    response = post_form(client, "/tai-khoan/mat-khau", change_form())

    assert response.headers["Location"] == "/quan-tri/"
    assert client.get("/quan-tri/").status_code == 302  # an officer's home is their own page
    assert client.get("/tai-khoan/mat-khau").status_code == 200
    assert other_client.get("/tai-khoan/mat-khau").headers["Location"].startswith("/dang-nhap")
    fresh = client.application.test_client()
    assert sign_in(fresh, user).status_code == 422
    assert sign_in(fresh, user, password=NEW_PASSWORD).status_code == 302
    assert audit_actions("congchuc") == ["user.create", "user.change_password"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (change_form(current="không phải mật khẩu"), "current_password", "is not correct"),
        (change_form(new="ngắn"), "new_password", "Use at least 10 characters."),
        (change_form(confirm="gõ khác đi một chút"), "confirm", "are not the same"),
        (change_form(new=DEFAULT_PASSWORD), "new_password", "different from the current"),
    ],
)
def test_a_refused_change_of_password_says_why_next_to_the_field(client, data, field, message):
    user = make_user(username="quanly")
    sign_in(client, user)
    client.get("/tai-khoan/mat-khau?lang=en")

    response = post_form(client, "/tai-khoan/mat-khau", data)

    assert response.status_code == 422
    assert message in parse(response).select_one(f"#{field}-err").get_text()
    assert sign_in(client.application.test_client(), user).status_code == 302


def test_an_officer_account_made_a_manager_loses_its_officer_link(client, tree, admin_a):
    officer = make_officer(unit=tree[1], code="CB-A")
    make_user(role=Role.OFFICER, officer=officer, username="congchuc")
    data = account_form("XA-A", full_name="Phạm Thị Quản Lý", officer="CB-A")

    assert post_form(client, "/quan-tri/nguoi-dung/congchuc/sua", data).status_code == 302

    user = stored("congchuc")
    assert (user.role, user.officer) == (Role.MANAGER, None)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.details == {"role": ["officer", "manager"], "officer": ["CB-A", None]}
