"""The kiosk paths of the OpenAPI document: every status documented, every real answer valid."""

import jsonschema
import pytest

from kiosk.pairing import add_kiosk, revoke_kiosk
from tests.helpers.builders import make_counter, make_officer
from tests.helpers.kiosk_devices import PHONE, bearer, paired_kiosk, rating, send
from tests.helpers.openapi import json_schema, openapi_document

pytestmark = pytest.mark.usefixtures("public_url")


@pytest.fixture
def counter(tree):
    counter = make_counter(unit=tree[1], code="XA-A-Q1")
    make_officer(unit=tree[1], code="CB-LAN", counters=[counter])
    return counter


def pair_answers(client, counter, app, monkeypatch) -> dict:
    _, code = add_kiosk(counter, name="Máy quầy 1", created_by=None)
    answers = {
        "201": client.post("/api/v1/kiosk/pair", json={"pairing_code": code}),
        "404": client.post("/api/v1/kiosk/pair", json={"pairing_code": code}),
        "422": client.post("/api/v1/kiosk/pair", json={}),
    }
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 20)
    answers["413"] = client.post("/api/v1/kiosk/pair", json={"pairing_code": "x" * 40})
    return answers


def config_answers(client, counter, app, monkeypatch) -> dict:
    kiosk, token = paired_kiosk(counter.unit, counter=counter)
    answers = {
        "200": client.get("/api/v1/kiosk/config", headers=bearer(token)),
        "401": client.get("/api/v1/kiosk/config"),
    }
    revoke_kiosk(kiosk, by=None)
    answers["403"] = client.get("/api/v1/kiosk/config", headers=bearer(token))
    return answers


def rating_answers(client, counter, app, monkeypatch) -> dict:
    kiosk, token = paired_kiosk(counter.unit, counter=counter)
    body = rating(officer_code="CB-LAN")
    callback = {"phone": PHONE, "consent_text": "Tôi đồng ý."}
    headers = bearer(token, **{"Content-Type": "application/json"})
    answers = {
        "201": send(client, token, body),
        "201 ticket": send(client, token, rating(answers={"CHUNG": 1}, callback=callback)),
        "200": send(client, token, body),
        "409": send(client, token, body | {"comment": "Một nội dung khác"}),
        "400": client.post("/api/v1/responses", data="{", headers=headers),
        "401": send(client, "kt_wrong_token", body),
        "422": send(client, token, rating(answers={"TC": 9})),
    }
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 100)
    answers["413"] = send(client, token, rating(comment="x" * 200))
    revoke_kiosk(kiosk, by=None)
    answers["403"] = send(client, token, rating())
    return answers


CASES = [
    ("/kiosk/pair", "post", pair_answers),
    ("/kiosk/config", "get", config_answers),
    ("/responses", "post", rating_answers),
]


@pytest.mark.parametrize(("path", "method", "answer"), CASES, ids=[case[0] for case in CASES])
def test_every_kiosk_answer_is_documented_and_matches_its_schema(
    app, client, counter, monkeypatch, path, method, answer
):
    document = openapi_document()
    documented = document["paths"][path][method]["responses"]
    answers = answer(client, counter, app, monkeypatch)
    statuses = {name.split()[0] for name in answers}
    assert set(documented) - {"default"} == statuses
    for name, response in answers.items():
        assert response.status_code == int(name.split()[0]), (name, response.get_json())
        jsonschema.validate(response.get_json(), json_schema(document, documented[name[:3]]))


@pytest.mark.parametrize(("path", "method", "answer"), CASES, ids=[case[0] for case in CASES])
def test_the_documented_kiosk_examples_follow_their_schemas(path, method, answer):
    document = openapi_document()
    operation = document["paths"][path][method]
    bodies = [operation.get("requestBody", {}).get("content", {}).get("application/json", {})]
    for documented in operation["responses"].values():
        bodies.append(documented.get("content", {}).get("application/json", {}))
    checked = 0
    for body in bodies:
        for example in body.get("examples", {}).values():
            jsonschema.validate(example["value"], body["schema"] | document)
            checked += 1
    assert checked >= 2


def test_a_rating_the_api_accepts_follows_the_documented_request(client, counter):
    document = openapi_document()
    schema = {"$ref": "#/components/schemas/KioskRating"} | {"components": document["components"]}
    body = rating(officer_code="CB-LAN", comment="Tốt", locale="en")
    jsonschema.validate(body, schema)
    _, token = paired_kiosk(counter.unit, counter=counter)
    assert send(client, token, body).status_code == 201


def test_the_kiosk_paths_use_the_device_token_and_pairing_needs_none():
    document = openapi_document()
    paths = document["paths"]
    assert paths["/kiosk/pair"]["post"]["security"] == []
    for path, method in (("/kiosk/config", "get"), ("/responses", "post")):
        assert paths[path][method]["security"] == [{"deviceToken": []}]
    assert "/survey-links" in paths and "/complaints" in paths  # the older paths stay
