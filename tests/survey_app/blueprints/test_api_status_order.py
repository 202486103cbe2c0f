"""What RFC 9110 and the OpenAPI document promise the API's clients: a 405 names the allowed
methods, and a call without credentials is a 401 even from an address past its rate limit."""

import pytest


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", "/api/v1/survey-links", {"POST", "OPTIONS"}),
        ("delete", "/api/v1/responses", {"POST", "OPTIONS"}),
        ("post", "/api/v1/kiosk/config", {"GET", "HEAD", "OPTIONS"}),
        ("put", "/api/v1/openapi.json", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_a_405_of_the_api_names_the_allowed_methods(client, method, path, allowed):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed


def test_a_405_of_a_page_names_the_allowed_methods(client):
    response = client.delete("/dang-nhap")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize(
    ("method", "path", "limit", "token"),
    [
        ("post", "/api/v1/survey-links", "API_CLIENT", "sk_wrong_key"),
        ("post", "/api/v1/complaints", "API_CLIENT", "sk_wrong_key"),
        ("get", "/api/v1/kiosk/config", "KIOSK_CLIENT", "kt_wrong_token"),
        ("post", "/api/v1/responses", "KIOSK_CLIENT", "kt_wrong_token"),
    ],
)
def test_without_credentials_the_answer_is_401_even_past_the_limit(
    app, limited, method, path, limit, token
):
    limited(limit, "1/minute")
    call = getattr(app.test_client(), method)
    wrong = {"Authorization": f"Bearer {token}"}
    assert call(path, json={}, headers=wrong).status_code == 401
    assert call(path, json={}, headers=wrong).status_code == 429  # a wrong key is counted
    assert call(path, json={}).status_code == 401  # no credentials at all: 401 first


def test_pairing_stays_limited_per_address(app, limited):
    limited("KIOSK_PAIRING", "1/minute")
    client = app.test_client()
    statuses = [
        client.post("/api/v1/kiosk/pair", json={"code": "ABCD-EFGH"}).status_code for _ in range(2)
    ]
    assert statuses[1] == 429
