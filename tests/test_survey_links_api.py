"""One-time survey links for dossiers: the API that makes them, the survey they open once, and
the OpenAPI document that describes the API."""

import json
import threading

import jsonschema
import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate as validate_openapi

from survey_app.extensions import db
from survey_app.models import ApiKey, Channel, SurveyCode, SurveyResponse
from survey_app.paths import PACKAGE_DIR
from survey_app.queries import get_current_instrument
from survey_app.services.api_keys import create_api_key, revoke_api_key
from survey_app.services.responses import DossierAlreadyRated, Submission, submit_response
from tests.builders import full_answers, make_counter, make_officer, make_unit
from tests.survey_pages import hidden_fields, open_survey, parse, send_survey

PUBLIC_URL = "https://khaosat.example.vn"
DOSSIER = "000.00.12.H29-250415-0001"
LINK_FIELDS = {"url", "code", "dossier_code", "qr_png_url", "qr_svg_url", "answered"}


@pytest.fixture(autouse=True)
def public_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_PUBLIC_URL", PUBLIC_URL)


@pytest.fixture
def tree():
    province = make_unit(code="TINH")
    return (
        province,
        make_unit(code="XA-A", parent=province),
        make_unit(code="XA-B", parent=province),
    )


def new_key(unit) -> str:
    return create_api_key(name="Phần mềm một cửa", unit=unit, created_by=None)[1]


def post_link(client, key: str, **body):
    headers = {"Authorization": f"Bearer {key}"}
    return client.post("/api/v1/survey-links", json=body, headers=headers)


def stored_links() -> list[SurveyCode]:
    return list(db.session.scalars(sa.select(SurveyCode).where(SurveyCode.single_use)))


def stored_responses() -> list[SurveyResponse]:
    return list(db.session.scalars(sa.select(SurveyResponse)))


def test_a_link_is_made_for_a_dossier_at_a_counter(client, tree):
    counter = make_counter(unit=tree[1])
    officer = make_officer(unit=tree[1])
    targets = {"counter_code": counter.code, "officer_code": officer.code}
    response = post_link(client, new_key(tree[1]), dossier_code=DOSSIER, **targets)
    assert response.status_code == 201
    body = response.get_json()
    [link] = stored_links()
    assert body == {
        "url": f"{PUBLIC_URL}/s/{link.code}",
        "code": link.code,
        "dossier_code": DOSSIER,
        "qr_png_url": f"{PUBLIC_URL}/s/{link.code}/qr.png",
        "qr_svg_url": f"{PUBLIC_URL}/s/{link.code}/qr.svg",
        "answered": False,
    }
    assert (link.unit_id, link.counter_id, link.officer_id) == (tree[1].id, counter.id, officer.id)
    assert (link.dossier_code, link.used_at, link.revoked_at) == (DOSSIER, None, None)
    assert response.headers["Cache-Control"] == "no-store"


def test_the_qr_of_a_link_downloads_from_the_returned_address(client, tree):
    body = post_link(client, new_key(tree[1]), dossier_code=DOSSIER, unit_code="XA-A").get_json()
    png = client.get(body["qr_png_url"].removeprefix(PUBLIC_URL))
    assert (png.status_code, png.mimetype) == (200, "image/png")


def test_using_a_key_records_when(client, tree):
    key = new_key(tree[1])
    post_link(client, key, dossier_code=DOSSIER, unit_code="XA-A")
    assert db.session.scalar(sa.select(ApiKey.last_used_at)) is not None


def test_the_same_dossier_again_returns_the_same_link(client, tree):
    key, counter = new_key(tree[1]), make_counter(unit=tree[1])
    first = post_link(client, key, dossier_code=DOSSIER, counter_code=counter.code)
    again = post_link(client, key, dossier_code=DOSSIER, unit_code="XA-A")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert len(stored_links()) == 1


def test_the_key_may_come_in_an_x_api_key_header(client, tree):
    response = client.post(
        "/api/v1/survey-links",
        json={"dossier_code": DOSSIER, "unit_code": "XA-A"},
        headers={"X-Api-Key": new_key(tree[1])},
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer sk_nosuchpf_c2VjcmV0LXRoYXQtZG9lcy1ub3QtZXhpc3Q"},
        {"Authorization": "Bearer not-a-key"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"X-Api-Key": ""},
    ],
)
def test_no_valid_key_gets_401_in_json(client, tree, headers):
    new_key(tree[1])
    response = client.post(
        "/api/v1/survey-links", json={"dossier_code": DOSSIER, "unit_code": "XA-A"}, headers=headers
    )
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert stored_links() == []


def test_a_right_prefix_with_a_wrong_secret_gets_401(client, tree):
    scheme, prefix, _ = new_key(tree[1]).split("_", 2)
    forged = f"{scheme}_{prefix}_{'A' * 43}"
    assert post_link(client, forged, dossier_code=DOSSIER, unit_code="XA-A").status_code == 401


def test_a_revoked_key_gets_401(client, tree):
    key = new_key(tree[1])
    revoke_api_key(db.session.scalar(sa.select(ApiKey)))
    response = post_link(client, key, dossier_code=DOSSIER, unit_code="XA-A")
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"unit_code": "XA-A"}, {"dossier_code"}),
        ({"dossier_code": "  ", "unit_code": "XA-A"}, {"dossier_code"}),
        ({"dossier_code": "x" * 61, "unit_code": "XA-A"}, {"dossier_code"}),
        ({"dossier_code": 12345, "unit_code": "XA-A"}, {"dossier_code"}),
        ({"dossier_code": "HS\n1", "unit_code": "XA-A"}, {"dossier_code"}),
        ({"dossier_code": DOSSIER}, {"unit_code"}),
        ({"dossier_code": DOSSIER, "unit_code": ["XA-A"]}, {"unit_code"}),
        ({"dossier_code": DOSSIER, "counter": "Q1", "unit_code": "XA-A"}, {"counter"}),
        ([DOSSIER], {"body"}),
    ],
)
def test_bad_data_gets_422_naming_each_field(client, tree, body, fields):
    response = client.post(
        "/api/v1/survey-links", json=body, headers={"X-Api-Key": new_key(tree[1])}
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == fields
    assert stored_links() == []


def test_a_body_that_is_not_json_gets_422(client, tree):
    response = client.post(
        "/api/v1/survey-links",
        data="dossier_code=HS1",
        content_type="application/x-www-form-urlencoded",
        headers={"X-Api-Key": new_key(tree[1])},
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"body"}


def test_a_60_character_dossier_code_is_accepted(client, tree):
    response = post_link(client, new_key(tree[1]), dossier_code="H" * 60, unit_code="XA-A")
    assert response.status_code == 201


def test_codes_unknown_or_outside_the_keys_units_get_404(client, tree):
    province, commune_a, commune_b = tree
    key = new_key(commune_a)
    counter_b, officer_b = make_counter(unit=commune_b), make_officer(unit=commune_b)
    for field, code in [
        ("counter_code", counter_b.code),
        ("officer_code", officer_b.code),
        ("unit_code", "XA-B"),
        ("unit_code", "TINH"),  # above the key's unit
        ("counter_code", "NO-SUCH"),
    ]:
        response = post_link(client, key, dossier_code=DOSSIER, **{field: code})
        assert response.status_code == 404, (field, code)
        assert response.get_json()["error"] == "not_found"
        assert response.get_json()["field"] == field
    assert stored_links() == []


def test_a_province_key_makes_links_for_a_commune_below(client, tree):
    province, commune_a, _ = tree
    counter = make_counter(unit=commune_a)
    response = post_link(client, new_key(province), dossier_code=DOSSIER, counter_code=counter.code)
    assert response.status_code == 201
    assert stored_links()[0].unit_id == commune_a.id


def test_a_counter_of_another_unit_than_the_links_is_refused(client, tree):
    province, commune_a, commune_b = tree
    counter_b = make_counter(unit=commune_b)
    targets = {"unit_code": "XA-A", "counter_code": counter_b.code}
    response = post_link(client, new_key(province), dossier_code=DOSSIER, **targets)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"counter_code"}


def test_an_inactive_officer_is_refused(client, tree):
    officer = make_officer(unit=tree[1])
    officer.active = False
    db.session.commit()
    response = post_link(client, new_key(tree[1]), dossier_code=DOSSIER, officer_code=officer.code)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"officer_code"}


def test_a_too_large_body_gets_json_not_html(app, client, tree, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    response = post_link(client, new_key(tree[1]), dossier_code="x" * 2000, unit_code="XA-A")
    assert response.status_code == 413
    assert response.get_json()["error"] == "request_entity_too_large"


# The one-time survey behind the link


def make_link(client, unit, **targets) -> str:
    body = post_link(client, new_key(unit), dossier_code=DOSSIER, **targets).get_json()
    return body["code"]


def test_a_link_opens_the_survey_once_and_stores_the_dossier(app, client, tree):
    counter, officer = make_counter(unit=tree[1]), make_officer(unit=tree[1])
    code = make_link(client, tree[1], counter_code=counter.code, officer_code=officer.code)
    opened, page = open_survey(client, code)
    assert opened.status_code == 200 and page.select_one("form input[name=CHUNG]")
    posted, _ = send_survey(client, code, full_answers())
    assert posted.status_code == 303
    [stored] = stored_responses()
    assert (stored.dossier_code, stored.counter_id, stored.officer_id) == (
        DOSSIER,
        counter.id,
        officer.id,
    )
    assert db.session.get(SurveyCode, code).used_at is not None
    assert client.get(posted.headers["Location"]).status_code == 200  # thank-you still works


def test_a_used_link_says_already_answered(client, tree):
    code = make_link(client, tree[1], unit_code="XA-A")
    send_survey(client, code, full_answers())
    response = client.get(f"/s/{code}?lang=en")
    assert response.status_code == 410
    page = parse(response)
    assert page.h1.get_text(strip=True) == "This survey has already been answered"
    assert page.select("form") == []


def test_the_api_reports_a_used_link_as_answered(client, tree):
    key = new_key(tree[1])
    code = post_link(client, key, dossier_code=DOSSIER, unit_code="XA-A").get_json()["code"]
    send_survey(client, code, full_answers())
    again = post_link(client, key, dossier_code=DOSSIER, unit_code="XA-A")
    assert again.status_code == 200
    assert again.get_json()["answered"] is True


def test_a_second_phone_cannot_rate_the_dossier_again(app, client, tree):
    code = make_link(client, tree[1], unit_code="XA-A")
    other_phone = app.test_client()
    _, early_page = open_survey(other_phone, code)  # opened before the first rating was sent
    send_survey(client, code, full_answers(value=5))
    data = hidden_fields(early_page) | full_answers(value=1)
    late = other_phone.post(f"/s/{code}", data=data)
    assert late.status_code == 410
    [stored] = stored_responses()
    assert stored.answer_values()["CHUNG"] == 5


def test_a_double_tap_on_send_lands_on_the_thank_you_page(client, tree):
    code = make_link(client, tree[1], unit_code="XA-A")
    first, data = send_survey(client, code, full_answers())
    second = client.post(f"/s/{code}", data=data)
    assert (first.status_code, second.status_code) == (303, 303)
    assert second.headers["Location"] == first.headers["Location"]
    assert len(stored_responses()) == 1


def rate_dossier_elsewhere(unit, client_ref: str = "kiosk-1"):
    """The same dossier rated through another channel (a kiosk)."""
    return submit_response(
        Submission(
            client_ref=client_ref,
            unit=unit,
            instrument=get_current_instrument(unit.instrument_code),
            answers=full_answers(value=4),
            channel=Channel.KIOSK,
            dossier_code=DOSSIER,
        )
    )


def test_a_dossier_rated_another_way_closes_its_link(client, tree):
    code = make_link(client, tree[1], unit_code="XA-A")
    rate_dossier_elsewhere(tree[1])
    assert client.get(f"/s/{code}").status_code == 410


def test_a_form_open_while_the_dossier_is_rated_elsewhere_adds_nothing(client, tree):
    code = make_link(client, tree[1], unit_code="XA-A")
    _, page = open_survey(client, code)
    rate_dossier_elsewhere(tree[1])
    posted = client.post(f"/s/{code}", data=hidden_fields(page) | full_answers(value=1))
    assert posted.status_code == 410
    assert [r.channel for r in stored_responses()] == [Channel.KIOSK]
    assert db.session.get(SurveyCode, code).used_at is None


def test_one_dossier_is_stored_once_when_two_ratings_race(app, tree):
    unit_id, outcomes = tree[1].id, []
    barrier = threading.Barrier(2)

    def rate(client_ref: str):
        try:
            with app.app_context():
                barrier.wait()
                unit = db.session.get(type(tree[1]), unit_id)
                outcomes.append(rate_dossier_elsewhere(unit, client_ref).created)
        except DossierAlreadyRated:
            outcomes.append("refused")

    threads = [threading.Thread(target=rate, args=(ref,)) for ref in ("kiosk-1", "kiosk-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [True, "refused"]
    assert len(stored_responses()) == 1


# The OpenAPI document


def openapi_document() -> dict:
    return json.loads((PACKAGE_DIR / "data" / "openapi.json").read_text(encoding="utf-8"))


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


def json_schema(document: dict, response: dict) -> dict:
    """The response's JSON Schema, with the document's components for its $refs."""
    schema = response["content"]["application/json"]["schema"]
    return schema | {"components": document["components"]}


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
