"""Single sign-on against a real OpenID Connect provider (oidc-provider from npm, started here):
the provider proves who signs in; the service's own accounts, roles and units decide the rest."""

from urllib.parse import parse_qs, urlsplit

import pytest

from survey_app.core.extensions import db
from survey_app.models import Role, User
from tests.helpers.api_links import PUBLIC_URL
from tests.helpers.builders import make_user
from tests.helpers.oidc_server import oidc_provider, through_provider
from tests.helpers.staff_pages import sign_in
from tests.helpers.survey_pages import hidden_fields, parse

pytestmark = pytest.mark.slow

ACCOUNTS = {
    # The provider calls them administrators of everything: the service does not care.
    "lan.nt": {"preferred_username": "lan.nt", "email": "lan@anbinh.gov.vn",
               "email_verified": True, "groups": ["administrator", "mot-cua"]},
    "tinh.12345": {"preferred_username": "tinh.12345", "email": "ha@anbinh.gov.vn",
                   "email_verified": True, "groups": ["mot-cua"]},
    "gia.mao": {"preferred_username": "gia.mao", "email": "ha@anbinh.gov.vn",
                "email_verified": False, "groups": ["mot-cua"]},
    "nguoi.la": {"preferred_username": "nguoi.la", "email": "la@example.com",
                 "email_verified": True, "groups": ["mot-cua"]},
    "ngoai.nhom": {"preferred_username": "ngoai.nhom", "groups": ["khac"]},
}  # fmt: skip


@pytest.fixture(scope="module")
def provider():
    with oidc_provider(PUBLIC_URL, ACCOUNTS) as running:
        yield running


@pytest.fixture
def sso(app, provider, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_PUBLIC_URL", PUBLIC_URL)
    for name, value in provider.settings().items():
        monkeypatch.setitem(app.config, name, value)
    return provider


def sso_sign_in(client, login: str):
    start = client.get("/dang-nhap/sso")
    assert start.status_code == 302
    back = through_provider(start.headers["Location"], login, PUBLIC_URL)
    parts = urlsplit(back)
    return client.get(parts.path, query_string=parts.query)


def test_a_matched_user_signs_in_with_the_services_role_and_unit(client, sso, tree):
    manager = make_user(role=Role.MANAGER, unit=tree[1], username="lan.nt")

    response = sso_sign_in(client, "lan.nt")

    assert response.status_code == 302
    assert client.get("/quan-tri/").status_code == 200
    # The provider's "administrator" group gives nothing: the user pages stay closed.
    assert client.get("/quan-tri/nguoi-dung").status_code == 403
    db.session.expire_all()
    assert manager.role is Role.MANAGER and manager.last_login_at is not None


def test_a_user_is_matched_by_a_verified_email(client, sso, tree):
    ha = make_user(role=Role.COMPLAINT_HANDLER, unit=tree[1], username="ha.nt")
    ha.email = "HA@anbinh.gov.vn"
    db.session.commit()

    sso_sign_in(client, "tinh.12345")

    assert client.get("/quan-tri/").status_code == 200
    db.session.expire_all()
    assert ha.last_login_at is not None


def test_an_unverified_email_matches_nobody(client, sso, tree):
    ha = make_user(role=Role.COMPLAINT_HANDLER, unit=tree[1], username="ha.nt")
    ha.email = "ha@anbinh.gov.vn"
    db.session.commit()

    response = sso_sign_in(client, "gia.mao")

    assert response.headers["Location"].endswith("/dang-nhap")
    assert client.get("/quan-tri/").status_code == 302


def test_an_unmatched_person_is_refused_with_the_reason(client, sso, tree):
    response = sso_sign_in(client, "nguoi.la")
    page = parse(client.get(response.headers["Location"] + "?lang=vi"))

    assert client.get("/quan-tri/").status_code == 302
    assert "tài khoản" in page.select_one(".flash").get_text()


def test_a_deactivated_account_is_refused(client, sso, tree):
    user = make_user(role=Role.MANAGER, unit=tree[1], username="lan.nt")
    user.active = False
    db.session.commit()

    sso_sign_in(client, "lan.nt")

    assert client.get("/quan-tri/").status_code == 302


def test_the_required_group_is_a_gate(app, client, sso, tree, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_OIDC_REQUIRED_GROUP", "mot-cua")
    make_user(role=Role.MANAGER, unit=tree[1], username="ngoai.nhom")

    sso_sign_in(client, "ngoai.nhom")

    assert client.get("/quan-tri/").status_code == 302


def test_an_sso_only_account_has_no_password_to_sign_in_with(client, sso, tree):
    user = User(username="lan.nt", full_name="Nguyễn Thị Lan", role=Role.MANAGER, unit=tree[1],
                session_token="s" * 40, sso_only=True)  # fmt: skip
    db.session.add(user)
    db.session.commit()

    assert sign_in(client, user, password="bất kỳ mật khẩu nào").status_code == 422
    sso_sign_in(client, "lan.nt")
    assert client.get("/quan-tri/").status_code == 200


def test_sign_out_ends_the_local_session_and_offers_the_providers(client, sso, tree):
    make_user(role=Role.MANAGER, unit=tree[1], username="lan.nt")
    sso_sign_in(client, "lan.nt")
    token = hidden_fields(parse(client.get("/quan-tri/")).select_one(".who form"))["csrf_token"]

    page = parse(client.post("/dang-xuat", data={"csrf_token": token}))

    assert client.get("/quan-tri/").status_code == 302
    link = urlsplit(page.select_one("#provider-sign-out")["href"])
    assert f"{link.scheme}://{link.netloc}" == sso.issuer
    query = parse_qs(link.query)
    assert query["post_logout_redirect_uri"] == [PUBLIC_URL + "/dang-nhap"]
    assert query["id_token_hint"][0].count(".") == 2  # the ID token of this sign-in


def test_without_a_provider_there_is_no_sso(client, tree):
    assert client.get("/dang-nhap/sso").status_code == 404
    assert parse(client.get("/dang-nhap")).select_one("#sso") is None


def test_a_provider_that_cannot_be_reached_gets_a_message_not_an_error(app, client, monkeypatch):
    from tests.helpers.smtp_server import free_port

    issuer = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setitem(app.config, "SURVEY_OIDC_ISSUER", issuer)
    monkeypatch.setitem(app.config, "SURVEY_OIDC_CLIENT_ID", "survey-app")
    monkeypatch.setitem(app.config, "SURVEY_OIDC_CLIENT_SECRET", "x" * 32)

    response = client.get("/dang-nhap/sso")

    assert response.status_code == 302 and response.headers["Location"].endswith("/dang-nhap")
