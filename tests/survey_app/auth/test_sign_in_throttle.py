"""Password guessing is slowed down by address and by name, the same way for known and unknown
names, and never keeps the owner out of a browser they signed in from before."""

import re

import pytest

from survey_app.core.extensions import db
from survey_app.core.limits import EXTENSION_KEY
from survey_app.models import Role
from tests.helpers.app import make_test_app
from tests.helpers.builders import make_user
from tests.helpers.staff_pages import sign_in, sign_out
from tests.helpers.survey_pages import parse

WRONG = "sai mật khẩu rồi"
ATTACKER = "203.0.113.66"


@pytest.fixture
def throttled(app, monkeypatch):
    """Rate limits on, counted from zero, with the shipped amounts for failed sign-ins."""
    limiter = app.extensions[EXTENSION_KEY]
    limiter.reset()
    monkeypatch.setitem(app.config, "SURVEY_RATELIMIT_ENABLED", True)
    yield
    limiter.reset()


def browser_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def answers(client, user, tries: int) -> list[str]:
    return [
        parse(sign_in(client, user, password=WRONG)).select_one(".summary").text.strip()
        for _ in range(tries)
    ]


def without_clock(texts: list[str]) -> list[str]:
    return [re.sub(r"\b\d\d:\d\d\b", "HH:MM", text) for text in texts]


def test_known_and_unknown_names_get_the_same_answers(app, throttled, tree):
    known = make_user(role=Role.ADMINISTRATOR, unit=tree[0], username="quantri")
    unknown = type(known)(username="khong-co-ai")
    for_known = answers(browser_at(app, ATTACKER), known, 6)
    for_unknown = answers(browser_at(app, ATTACKER), unknown, 6)
    # The second series runs a moment later: its time to try again may fall in the next minute.
    assert without_clock(for_known) == without_clock(for_unknown)
    assert "Đăng nhập sai quá nhiều lần" in for_known[5]
    assert "không đúng" in for_known[4]


def test_the_owner_signs_in_from_a_known_browser_while_an_attacker_guesses(app, throttled, tree):
    owner = make_user(role=Role.ADMINISTRATOR, unit=tree[0], username="quantri")
    office = browser_at(app, ATTACKER)  # the same address as the attacker: one office router
    assert sign_in(office, owner).status_code == 302
    sign_out(office)
    for address in [ATTACKER, "198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"]:
        answers(browser_at(app, address), owner, 5)

    assert "Đăng nhập sai quá nhiều lần" in answers(browser_at(app, "198.51.100.9"), owner, 1)[0]
    assert sign_in(office, owner).status_code == 302


def test_a_stranger_browser_is_slowed_down_even_with_the_right_password(app, throttled, tree):
    owner = make_user(role=Role.MANAGER, unit=tree[1], username="quanly")
    attacker = browser_at(app, ATTACKER)
    answers(attacker, owner, 5)
    assert sign_in(attacker, owner).status_code == 422
    assert sign_in(browser_at(app, "198.51.100.1"), owner).status_code == 302


def test_a_known_browser_cookie_of_another_user_does_not_help(app, throttled, tree):
    mine = make_user(role=Role.MANAGER, unit=tree[1], username="cua-toi")
    target = make_user(role=Role.MANAGER, unit=tree[1], username="muc-tieu")
    attacker = browser_at(app, ATTACKER)
    assert sign_in(attacker, mine).status_code == 302
    sign_out(attacker)
    assert "Đăng nhập sai quá nhiều lần" in answers(attacker, target, 6)[5]


def test_sign_in_works_while_the_counts_storage_is_down(database_url, tree):
    owner = make_user(role=Role.MANAGER, unit=tree[1], username="quanly")
    down = make_test_app(
        database_url,
        SURVEY_RATELIMIT_ENABLED=True,
        SURVEY_RATELIMIT_STORAGE_URL="redis://127.0.0.1:9/0",  # nothing listens there
    )
    try:
        client = down.test_client()
        assert sign_in(client, owner, password=WRONG).status_code == 422
        assert sign_in(client, owner).status_code == 302
    finally:
        with down.app_context():
            db.engine.dispose()
