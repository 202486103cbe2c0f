"""Activation and reset by e-mail: one-time links through a real SMTP server, "Quên mật khẩu?"
answering the same for every address, throttled, and a new password ending other sessions."""

import time
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.core.limits import EXTENSION_KEY
from survey_app.models import Role, User
from survey_app.services.accounts.links import ACTIVATION, LINK_HOURS, link_url
from tests.helpers.builders import make_user
from tests.helpers.smtp_server import link_path_in, mail_server
from tests.helpers.staff_pages import sign_in
from tests.helpers.survey_pages import hidden_fields, parse

NEW_PASSWORD = "mây trắng bay qua đồi thông"


@pytest.fixture
def box(app):
    with mail_server(app) as mailbox:
        yield mailbox


@pytest.fixture
def known(tree):
    user = make_user(role=Role.MANAGER, unit=tree[1], username="lan.nt")
    user.email = "lan@anbinh.gov.vn"
    db.session.commit()
    return user


def ask_reset(client, address: str):
    page = parse(client.get("/quen-mat-khau"))
    return client.post("/quen-mat-khau", data=hidden_fields(page) | {"email": address})


def set_password(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    page = parse(client.get(path))
    data = hidden_fields(page) | {"password": password, "confirm": confirm or password}
    return client.post(path, data=data)


def main_text(response) -> str:
    return parse(response).select_one("main").get_text(" ", strip=True)


def test_a_reset_link_by_email_sets_the_password_once(app, client, box, known):
    ask_reset(client, "LAN@anbinh.gov.vn ")
    (message,) = box.to("lan@anbinh.gov.vn")
    path = link_path_in(message)

    response = set_password(client, path)
    again = client.get(path)

    assert response.status_code == 302
    db.session.expire_all()
    other = app.test_client()
    assert sign_in(other, known, password=NEW_PASSWORD).status_code == 302
    assert again.status_code == 410
    assert "no longer valid" in main_text(again) or "không còn" in main_text(again)


def test_reset_answers_the_same_for_known_and_unknown_addresses(client, box, known):
    for_known = ask_reset(client, "lan@anbinh.gov.vn")
    for_unknown = ask_reset(client, "nobody@anbinh.gov.vn")

    assert for_known.status_code == for_unknown.status_code == 200
    assert main_text(for_known) == main_text(for_unknown)
    assert len(box.messages) == 1


def test_a_new_password_ends_every_other_session(app, client, box, known):
    elsewhere = app.test_client()
    sign_in(elsewhere, known)
    assert elsewhere.get("/quan-tri/").status_code == 200

    ask_reset(client, known.email)
    set_password(client, link_path_in(box.messages[0]))

    assert elsewhere.get("/quan-tri/").status_code == 302  # to the sign-in page
    assert client.get("/quan-tri/").status_code == 200  # the browser that set it is signed in


def test_an_expired_link_is_refused(app, client, known, monkeypatch):
    made_at = time.time() - (LINK_HOURS * 3600 + 60)
    with monkeypatch.context() as past:
        past.setattr(time, "time", lambda: made_at)
        with app.test_request_context():
            url = link_url(known, ACTIVATION)

    with app.test_request_context():
        fresh = link_url(known, ACTIVATION)

    assert client.get(urlsplit(url).path).status_code == 410
    assert client.get(urlsplit(fresh).path).status_code == 200


def test_a_link_ends_when_the_account_changes(app, client, box, known):
    ask_reset(client, known.email)
    path = link_path_in(box.messages[0])
    known.email = "lan.moi@anbinh.gov.vn"  # the administrator corrected the address meanwhile
    db.session.commit()

    assert client.get(path).status_code == 410


def test_a_deactivated_account_cannot_use_its_link(client, box, known):
    ask_reset(client, known.email)
    path = link_path_in(box.messages[0])
    form = hidden_fields(parse(client.get(path)))  # opened while still active
    known.active = False
    db.session.commit()

    refused = client.post(path, data=form | {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert refused.status_code == 410
    db.session.expire_all()
    assert known.password_hash is not None


def test_a_weak_password_is_refused_in_vietnamese_and_the_link_still_works(client, box, known):
    ask_reset(client, known.email)
    path = link_path_in(box.messages[0])
    client.get(path + "?lang=vi")

    weak = set_password(client, path, password="matkhau123456")

    assert weak.status_code == 422
    assert "mật khẩu" in main_text(weak).lower()
    assert set_password(client, path).status_code == 302


def test_sso_only_accounts_get_no_reset_link(client, box, known):
    known.sso_only = True
    db.session.commit()

    ask_reset(client, known.email)

    assert box.messages == []


@pytest.fixture
def throttled(app, monkeypatch):
    limiter = app.extensions[EXTENSION_KEY]
    limiter.reset()
    monkeypatch.setitem(app.config, "SURVEY_RATELIMIT_ENABLED", True)
    yield
    limiter.reset()


def test_requests_are_throttled_per_account_and_per_address(app, box, known, throttled):
    for number in range(6):
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = f"198.51.100.{number}"
        assert ask_reset(browser, known.email).status_code == 200

    assert len(box.to(known.email)) == 3  # RESET_ACCOUNT: 3 per hour


def test_an_account_never_activated_gets_its_activation_link_again(app, client, box, tree):
    user = User(username="moi.tao", full_name="Người Mới", email="moi@anbinh.gov.vn",
                role=Role.MANAGER, unit=tree[1], session_token="t" * 40)  # fmt: skip
    db.session.add(user)
    db.session.commit()

    ask_reset(client, "moi@anbinh.gov.vn")

    assert "/tai-khoan/kich-hoat/" in link_path_in(box.messages[0])
    assert db.session.scalar(sa.select(User.password_hash).where(User.id == user.id)) is None


def test_requests_are_throttled_per_address(app, box, known, throttled, monkeypatch):
    limits = app.config["SURVEY_RATELIMITS"] | {"RESET_ADDRESS": "2 per hour"}
    monkeypatch.setitem(app.config, "SURVEY_RATELIMITS", limits)
    answers = []
    for number in range(3):
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = f"198.51.100.{number}"
        answers.append(main_text(ask_reset(browser, known.email.upper())))

    assert len(box.to(known.email)) == 2
    assert len(set(answers)) == 1  # the refused request reads like the others


def test_an_account_awaiting_activation_cannot_sign_in_with_any_password(client, tree):
    user = User(username="moi.tao", full_name="Người Mới", role=Role.MANAGER, unit=tree[1],
                session_token="u" * 40)  # fmt: skip
    db.session.add(user)
    db.session.commit()

    response = sign_in(client, user, password="không có mật khẩu nào")

    assert response.status_code == 422
    assert client.get("/quan-tri/").status_code == 302
