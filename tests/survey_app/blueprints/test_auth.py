"""Staff sign-in: hashed passwords, throttling, expiring sessions, sign-out."""

from datetime import timedelta

from survey_app.core.extensions import db
from survey_app.models import AuditEvent, Role, utcnow
from tests.helpers.builders import make_user
from tests.helpers.staff_pages import sign_in
from tests.helpers.survey_pages import hidden_fields, parse


def test_a_manager_signs_in_and_lands_on_the_home_page(client):
    user = make_user(role=Role.MANAGER)
    response = sign_in(client, user)
    assert response.status_code == 302
    page = parse(client.get(response.headers["Location"]))
    assert page.h1.get_text(strip=True) == f"Xin chào, {user.full_name}"
    assert "Quản lý đơn vị" in page.select_one(".who").get_text()


def test_passwords_are_stored_hashed_with_a_modern_scheme(app):
    user = make_user(password="một mật khẩu rất dài")
    assert "một mật khẩu" not in user.password_hash
    assert user.password_hash.startswith("scrypt:")


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client):
    user = make_user()
    response = sign_in(client, user, password="sai mật khẩu rồi")
    assert response.status_code == 422
    assert (
        "Tên đăng nhập hoặc mật khẩu không đúng."
        in parse(response).select_one(".summary").get_text()
    )
    unknown = sign_in(client, type(user)(username="khong-co-ai"), password="sai mật khẩu rồi")
    assert (
        parse(unknown).select_one(".summary li").get_text()
        == parse(response).select_one(".summary li").get_text()
    )


def test_an_inactive_account_cannot_sign_in(client):
    user = make_user()
    user.active = False
    db.session.commit()
    assert sign_in(client, user).status_code == 422


def test_the_session_expires_and_is_renewed_by_activity(app, client):
    sign_in(client, make_user())
    cookie = client.get_cookie("session", domain="survey.test")
    assert cookie.expires is not None
    lifetime = cookie.expires - utcnow()
    assert timedelta(hours=7, minutes=59) < lifetime <= app.config["PERMANENT_SESSION_LIFETIME"]


def test_signing_out_ends_the_session(client):
    sign_in(client, make_user())
    home = parse(client.get("/quan-tri/"))
    token = hidden_fields(home.select_one(".who form"))["csrf_token"]
    client.post("/dang-xuat", data={"csrf_token": token})
    assert client.get("/quan-tri/").status_code == 302


def test_next_only_leads_to_a_page_of_this_site(client):
    user = make_user()
    page = parse(client.get("/dang-nhap?next=//evil.example/x"))
    data = hidden_fields(page) | {"username": user.username, "password": "mật khẩu đủ dài 2026"}
    response = client.post("/dang-nhap?next=//evil.example/x", data=data)
    assert response.headers["Location"] == "/quan-tri/"


def test_creating_an_account_is_audited(app):
    user = make_user(role=Role.ADMINISTRATOR)
    [event] = db.session.scalars(db.select(AuditEvent)).all()
    assert (event.action, event.target_key, event.actor_id) == ("user.create", user.username, None)
