"""Input made to crash the parsers: JSON nested without end, numbers past what the database
holds, digits that are not ASCII. Each gets a 4xx, never a 500."""

import pytest

from survey_app.core.bounded import MAX_ID
from survey_app.core.json_depth import MAX_JSON_DEPTH, json_depth
from survey_app.models import Role, TicketChannel
from survey_app.services.tickets.opening import TicketRequest, open_ticket
from tests.helpers.api_links import new_key
from tests.helpers.builders import make_counter, make_unit, make_user
from tests.helpers.kiosk_devices import bearer, paired_kiosk, rating
from tests.helpers.staff_pages import sign_in
from tests.helpers.survey_pages import parse

HUGE = "9223372036854775807"
HUGER = "99999999999999999999"


@pytest.mark.parametrize("body", ["[" * 100_000, '{"a":' * 50_000])
def test_deep_json_to_the_pairing_endpoint_is_a_json_400(client, body):
    response = client.post(
        "/api/v1/kiosk/pair", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"
    assert f"more than {MAX_JSON_DEPTH} levels" in response.get_json()["message"]


def test_deep_json_to_the_survey_links_api_is_a_json_400(client):
    key = new_key(make_unit())
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    response = client.post("/api/v1/survey-links", data="[" * 100_000, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"


def test_a_kiosk_rating_of_ordinary_depth_is_still_taken(client):
    unit = make_unit()
    _, token = paired_kiosk(unit, counter=make_counter(unit=unit))
    response = client.post("/api/v1/responses", json=rating(), headers=bearer(token))
    assert response.status_code == 201


def test_the_depth_counts_brackets_outside_strings_only():
    assert json_depth(b'{"a": [{"b": "[[[[{{"}, "\\"[["]}') == 3
    assert json_depth(b"") == 0


def test_a_page_number_past_any_list_is_not_found(client, tree):
    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=tree[0]))
    assert client.get(f"/quan-tri/nhat-ky?page={HUGE}").status_code == 404
    assert client.get(f"/quan-tri/thu-tuc?page={HUGE}").status_code == 404
    assert client.get("/quan-tri/nhat-ky?page=2").status_code == 200


def test_a_counter_filter_past_any_id_is_ignored(client, tree):
    sign_in(client, make_user(role=Role.MANAGER, unit=tree[1]))
    response = client.get(f"/quan-tri/phan-anh/?counter={HUGER}")
    assert response.status_code == 200
    assert client.get("/quan-tri/phan-anh/?counter=²").status_code == 200


def test_a_new_ticket_naming_a_counter_past_any_id_has_no_counter(client, tree):
    unit = tree[1]
    sign_in(client, make_user(role=Role.MANAGER, unit=unit))
    form = parse(client.get("/quan-tri/phan-anh/moi")).select_one("main form")
    hidden = {f["name"]: f.get("value", "") for f in form.select("input[type=hidden]")}
    data = hidden | {"channel": "hotline", "unit": str(unit.id), "content": "Quầy đóng sớm."}
    response = client.post("/quan-tri/phan-anh/moi", data=data | {"counter": HUGER})
    assert response.status_code == 303


def test_an_attachment_id_past_any_id_is_not_found(client, tree):
    unit = tree[1]
    ticket = open_ticket(
        TicketRequest(client_ref="x", unit=unit, content="Chờ lâu.", channel=TicketChannel.WEB)
    ).ticket
    sign_in(client, make_user(role=Role.MANAGER, unit=unit))
    assert client.get(f"/quan-tri/phan-anh/{ticket.code}/tep/{HUGER}").status_code == 404
    assert client.get(f"/quan-tri/phan-anh/{ticket.code}/tep/{MAX_ID + 1}").status_code == 404


def test_a_queue_header_of_non_ascii_digits_is_ignored(client):
    unit = make_unit()
    _, token = paired_kiosk(unit, counter=make_counter(unit=unit))
    response = client.get("/api/v1/kiosk/config", headers=bearer(token, **{"X-Kiosk-Queue": "²"}))
    assert response.status_code == 200
