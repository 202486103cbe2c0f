"""The API that makes one-time survey links for dossiers."""

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import ApiKey
from survey_app.services.api_keys import revoke_api_key
from tests.helpers.api_links import DOSSIER, PUBLIC_URL, new_key, post_link, stored_links
from tests.helpers.builders import make_counter, make_officer

pytestmark = pytest.mark.usefixtures("public_url")


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
