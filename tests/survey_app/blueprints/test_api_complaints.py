"""POST /api/v1/complaints: integrations file tickets with an API key."""

import uuid

import jsonschema
import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate as validate_openapi

from survey_app.core.extensions import db
from survey_app.models import Procedure, Ticket, TicketChannel
from tests.helpers.api_links import PUBLIC_URL, new_key
from tests.helpers.builders import make_counter, make_officer
from tests.helpers.openapi import json_schema, openapi_document

pytestmark = pytest.mark.usefixtures("public_url")
CONTENT = "Cán bộ hẹn trả kết quả nhưng quá hạn hai ngày."


def post_complaint(client, key: str, **body):
    body = {"unit_code": "XA-A", "content": CONTENT, "client_ref": "ref-1"} | body
    return client.post("/api/v1/complaints", json=body, headers={"X-Api-Key": key})


def tickets() -> list[Ticket]:
    return list(db.session.scalars(sa.select(Ticket)))


def test_a_complaint_is_filed_and_answered_with_its_tracking_code(client, tree):
    response = post_complaint(client, new_key(tree[0]))
    assert response.status_code == 201
    (ticket,) = tickets()
    assert response.get_json() == {
        "code": ticket.code,
        "status_url": f"{PUBLIC_URL}/t/{ticket.code}",
        "due_at": ticket.due_at.isoformat(),
    }
    assert (ticket.unit.code, ticket.channel, ticket.content) == (
        "XA-A",
        TicketChannel.API,
        CONTENT,
    )
    assert response.headers["Cache-Control"] == "no-store"


def test_the_same_client_ref_returns_the_same_ticket(client, tree):
    key = new_key(tree[1])
    first, second = post_complaint(client, key), post_complaint(client, key)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json() == second.get_json()
    assert len(tickets()) == 1


def test_counter_officer_procedure_and_contact_are_stored(client, tree):
    make_counter(unit=tree[1], code="XA-A-Q1")
    make_officer(unit=tree[1], code="XA-A-CB1")
    db.session.add(Procedure(code="1.001", name="Đăng ký khai sinh"))
    db.session.commit()
    contact = {"name": "Lê Văn Công", "email": "cong@example.vn", "consent_text": "Tôi đồng ý."}
    response = post_complaint(
        client,
        new_key(tree[1]),
        counter_code="XA-A-Q1",
        officer_code="XA-A-CB1",
        procedure_code="1.001",
        contact=contact,
    )
    assert response.status_code == 201
    (ticket,) = tickets()
    assert (ticket.counter.code, ticket.officer.code, ticket.procedure.code) == (
        "XA-A-Q1",
        "XA-A-CB1",
        "1.001",
    )
    assert (ticket.contact_name, ticket.consent_text) == ("Lê Văn Công", "Tôi đồng ý.")


def test_a_wrong_key_gets_401(client, tree):
    response = post_complaint(client, "sk_wrong_key")
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unit_code": "XA-B"}, "unit_code"),  # a sibling, outside the key's units
        ({"unit_code": "NO-SUCH"}, "unit_code"),
        ({"counter_code": "NO-SUCH"}, "counter_code"),
        ({"procedure_code": "9.999"}, "procedure_code"),
    ],
)
def test_codes_outside_the_key_or_unknown_get_404(client, tree, body, field):
    response = post_complaint(client, new_key(tree[1]), **body)
    assert response.status_code == 404
    assert response.get_json()["field"] == field
    assert tickets() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"content": ""}, "content"),
        ({"content": "x" * 4001}, "content"),
        ({"client_ref": None}, "client_ref"),
        ({"colour": "red"}, "colour"),
        ({"contact": {"email": "cong@example.vn"}}, "contact.consent_text"),
        ({"contact": {"email": "not-an-address", "consent_text": "OK"}}, "contact.email"),
        ({"contact": "Lê Văn Công"}, "contact"),
    ],
)
def test_bad_requests_get_422_in_english(client, tree, body, field):
    response = post_complaint(client, new_key(tree[1]), **body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert field in errors and errors[field].isascii()
    assert tickets() == []


def test_a_counter_of_another_unit_of_the_key_gets_422(client, tree):
    make_counter(unit=tree[2], code="XA-B-Q1")
    response = post_complaint(client, new_key(tree[0]), counter_code="XA-B-Q1")
    assert response.status_code == 422
    assert "counter_code" in response.get_json()["errors"]


def test_a_body_that_is_not_an_object_gets_422(client, tree):
    headers = {"X-Api-Key": new_key(tree[1])}
    response = client.post("/api/v1/complaints", json=[uuid.uuid4().hex], headers=headers)
    assert response.status_code == 422


def test_every_answer_is_documented_in_openapi(app, client, tree, monkeypatch):
    document = openapi_document()
    validate_openapi(document)
    documented = document["paths"]["/complaints"]["post"]["responses"]
    key = new_key(tree[1])
    answers = {
        "201": post_complaint(client, key),
        "200": post_complaint(client, key),
        "401": post_complaint(client, "sk_wrong_key"),
        "404": post_complaint(client, key, unit_code="NO-SUCH"),
        "422": post_complaint(client, key, contact={"phone": "0912 345 678"}),
    }
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 100)
    answers["413"] = post_complaint(client, key, content="x" * 200)
    assert {s: r.status_code for s, r in answers.items()} == {s: int(s) for s in answers}
    assert set(documented) - {"default"} == set(answers)
    for status, response in answers.items():
        schema = json_schema(document, documented[status])
        jsonschema.validate(response.get_json(), schema)
        for example in (
            documented[status]["content"]["application/json"].get("examples", {}).values()
        ):
            jsonschema.validate(example["value"], schema)
            assert set(example["value"]) == set(response.get_json())
