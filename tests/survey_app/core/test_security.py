"""Security headers on every answer, and pages that keep to the Content Security Policy: no
inline script, no on*="" handler, no style="" attribute or <style> element (every page of the
service is walked in tests/survey_app/core/test_security_policy.py)."""

from survey_app.core.security import CONTENT_SECURITY_POLICY, set_security_headers
from tests.helpers.html_policy import inline_code
from tests.helpers.staff_pages import post_form
from tests.helpers.survey_pages import parse


def test_the_page_showing_a_new_api_key_keeps_to_the_policy(client, manager, tree):
    created = post_form(client, "/quan-tri/khoa-api/moi", {"name": "Một cửa", "unit": "XA-A"})
    page = parse(created)
    assert page.select_one("#new-key")["value"].startswith("sk_")
    assert inline_code(page) == []


def test_error_pages_keep_to_the_policy(client):
    for url in ("/khong-co-trang-nay", "/s/KHONGCO", "/t/KHONGCO"):
        response = client.get(url)
        assert response.status_code == 404
        assert inline_code(parse(response)) == []
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_every_answer_carries_the_security_headers(client):
    for url in ("/", "/dang-nhap", "/static/css/survey.css", "/api/v1/openapi.json", "/healthz"):
        response = client.get(url)
        response.close()  # a static file is streamed
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], url
        assert "camera=()" in headers["Permissions-Policy"], url


def test_the_policy_allows_only_this_site_and_the_kiosk_worker():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["worker-src"] == "'self'" and directives["manifest-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_survey_pages_send_no_referrer_and_staff_pages_only_to_this_site(client, tree):
    assert client.get("/s/KHONGCO").headers["Referrer-Policy"] == "no-referrer"
    assert client.get(f"/phan-anh/{tree[1].code}").headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/dang-nhap").headers["Referrer-Policy"] == "same-origin"


def test_hsts_only_when_the_public_address_is_https(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/dang-nhap").headers
    monkeypatch.setitem(app.config, "SURVEY_PUBLIC_URL", "https://khaosat.example.gov.vn")
    assert client.get("/dang-nhap").headers["Strict-Transport-Security"] == "max-age=31536000"


def test_cookies_are_http_only_and_same_site(app, client):
    client.get("/dang-nhap")
    cookie = client.get_cookie("session", domain="survey.test")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert cookie.secure is False  # the test app is not production
    assert (
        app.config["REMEMBER_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    )


def test_a_header_the_answer_sets_itself_is_kept_and_none_is_doubled(app):
    response = app.response_class("x", headers={"x-frame-options": "SAMEORIGIN"})
    with app.test_request_context("/"):
        set_security_headers(response)
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    names = [name.lower() for name, _ in response.headers.items()]
    assert len(names) == len(set(names))
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_session_cookie_signed_with_an_old_key_is_not_believed(app, client, monkeypatch):
    """The session's serializer is kept between requests: a new secret key must still make a
    new one, and a cookie signed with the old key is then ignored."""
    with client.session_transaction() as session:
        session["marker"] = "kept"
    with client.session_transaction() as session:
        assert session["marker"] == "kept"
    monkeypatch.setattr(app, "secret_key", "another key entirely, after a leak")
    with client.session_transaction() as session:
        assert "marker" not in session
