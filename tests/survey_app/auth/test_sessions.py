"""A staff session ends for real: a copy of the cookie is refused after sign-out, after a change
of role or unit, and when sent by another browser (survey_app/auth/sessions.py)."""

import pytest

from survey_app.models import Role
from tests.helpers.builders import make_user
from tests.helpers.staff_pages import post_form, sign_in, sign_out

BROWSER = "Mozilla/5.0 (Windows NT 10.0) Firefox/128.0"
ANOTHER_BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0"
STAFF_PAGES = ["/quan-tri/", "/quan-tri/khoa-api"]


def copy_of_cookie(client, app):
    """Another client holding the same session cookie, as a thief would."""
    cookie = client.get_cookie("session", domain="survey.test")
    thief = app.test_client()
    thief.set_cookie("session", cookie.value, domain="survey.test")
    return thief


@pytest.fixture
def browser(client):
    client.environ_base["HTTP_USER_AGENT"] = BROWSER
    return client


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, browser, tree, path):
    sign_in(browser, make_user(role=Role.MANAGER, unit=tree[1]))
    thief = copy_of_cookie(browser, app)
    thief.environ_base["HTTP_USER_AGENT"] = BROWSER
    assert thief.get(path).status_code == 200

    sign_out(browser)

    assert thief.get(path).headers["Location"].startswith("/dang-nhap")


def test_a_copied_cookie_sent_by_another_browser_is_refused(app, browser, tree):
    sign_in(browser, make_user(role=Role.MANAGER, unit=tree[1]))
    thief = copy_of_cookie(browser, app)
    thief.environ_base["HTTP_USER_AGENT"] = ANOTHER_BROWSER
    assert thief.get("/quan-tri/khoa-api").headers["Location"].startswith("/dang-nhap")
    assert browser.get("/quan-tri/khoa-api").status_code == 200  # the owner goes on


@pytest.mark.parametrize(
    "change", [{"role": "complaint_handler"}, {"unit": "TINH"}], ids=["role", "unit"]
)
def test_a_new_role_or_unit_ends_the_open_sessions(app, client, tree, change):
    user = make_user(role=Role.MANAGER, unit=tree[1], username="quanly-a")
    user_client = app.test_client()
    sign_in(user_client, user)
    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=tree[0]))
    form = {"full_name": user.full_name, "email": "", "role": "manager", "unit": "XA-A"}
    form |= {"officer": "", "active": "y"} | change

    assert post_form(client, "/quan-tri/nguoi-dung/quanly-a/sua", form).status_code == 302

    assert user_client.get("/quan-tri/").headers["Location"].startswith("/dang-nhap")


def test_a_change_of_name_keeps_the_session(app, client, tree):
    user = make_user(role=Role.MANAGER, unit=tree[1], username="quanly-a")
    user_client = app.test_client()
    sign_in(user_client, user)
    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=tree[0]))
    form = {"full_name": "Tên Mới", "email": "", "role": "manager", "unit": "XA-A"}
    post_form(client, "/quan-tri/nguoi-dung/quanly-a/sua", form | {"officer": "", "active": "y"})
    assert user_client.get("/quan-tri/").status_code == 200
