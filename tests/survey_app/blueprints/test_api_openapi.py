"""The OpenAPI document of the API: valid, served, and true to what the API answers."""

import jsonschema
import pytest
from openapi_spec_validator import validate as validate_openapi

from tests.helpers.api_links import DOSSIER, LINK_FIELDS, new_key, post_link
from tests.helpers.builders import make_counter
from tests.helpers.openapi import json_schema, openapi_document

pytestmark = pytest.mark.usefixtures("public_url")


def test_the_openapi_document_is_served_to_anyone(client):
    response = client.get("/api/v1/openapi.json")
    assert (response.status_code, response.mimetype) == (200, "application/json")
    assert response.get_json() == openapi_document()


def test_the_openapi_document_is_valid_openapi_3_1():
    document = openapi_document()
    assert document["openapi"].startswith("3.1.")
    validate_openapi(document)
    operation = document["paths"]["/survey-links"]["post"]
    security = operation.get("security", document["security"])
    assert {name for requirement in security for name in requirement} == {"bearerKey", "headerKey"}


def every_answer(client, tree, app, monkeypatch) -> dict[str, dict]:
    """One real answer of the endpoint for each status it can give."""
    key, counter = new_key(tree[1]), make_counter(unit=tree[1])
    answers = {
        "201": post_link(client, key, dossier_code=DOSSIER, counter_code=counter.code),
        "200": post_link(client, key, dossier_code=DOSSIER, counter_code=counter.code),
        "401": post_link(client, "sk_wrong", dossier_code=DOSSIER),
        "404": post_link(client, key, dossier_code=DOSSIER, counter_code="NO-SUCH"),
        "422": post_link(client, key, unit_code="XA-A"),
    }
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 100)
    answers["413"] = post_link(client, key, dossier_code="x" * 200, unit_code="XA-A")
    assert {status: int(status) for status in answers} == {
        status: response.status_code for status, response in answers.items()
    }
    return {status: response.get_json() for status, response in answers.items()}


def test_every_answer_is_documented_and_matches_its_schema(app, client, tree, monkeypatch):
    document = openapi_document()
    documented = document["paths"]["/survey-links"]["post"]["responses"]
    answers = every_answer(client, tree, app, monkeypatch)
    assert set(documented) - {"default"} == set(answers)
    for status, body in answers.items():
        jsonschema.validate(body, json_schema(document, documented[status]))


def test_the_documented_examples_look_like_real_answers(app, client, tree, monkeypatch):
    document = openapi_document()
    documented = document["paths"]["/survey-links"]["post"]["responses"]
    answers = every_answer(client, tree, app, monkeypatch)
    for status, response in documented.items():
        examples = response["content"]["application/json"].get("examples", {})
        for name, example in examples.items():
            jsonschema.validate(example["value"], json_schema(document, response))
            assert set(example["value"]) == set(answers[status]), (status, name)
    assert set(answers["201"]) == LINK_FIELDS
