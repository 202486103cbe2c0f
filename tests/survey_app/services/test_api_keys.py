"""API keys in the staff pages: shown once, stored hashed, listed by prefix, revoked."""

import hashlib
import re

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import ApiKey, AuditEvent, Role
from survey_app.services.api_keys import create_api_key
from tests.helpers.builders import make_unit, make_user
from tests.helpers.staff_pages import post_form, sign_in
from tests.helpers.survey_pages import hidden_fields, parse

KEY_FORMAT = re.compile(r"^sk_([a-z0-9]{8})_([A-Za-z0-9_-]{43,})$")
NEW_KEY_URL = "/quan-tri/khoa-api/moi"


def create_through_the_page(client, name="Phần mềm một cửa xã", unit="XA-A"):
    response = post_form(client, NEW_KEY_URL, {"name": name, "unit": unit})
    return response, parse(response)


def shown_key(page) -> str:
    return page.select_one("input#new-key")["value"]


def call_api(client, key: str):
    return client.post(
        "/api/v1/survey-links",
        json={"dossier_code": "HS-1", "unit_code": "XA-A"},
        headers={"Authorization": f"Bearer {key}"},
    )


def test_a_new_key_is_shown_once_in_full(client, manager):
    response, page = create_through_the_page(client)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    key = shown_key(page)
    prefix, _ = KEY_FORMAT.match(key).groups()
    listing = client.get("/quan-tri/khoa-api").get_data(as_text=True)
    assert f"sk_{prefix}_" in listing
    assert key not in listing


def test_only_a_hash_of_the_secret_is_stored(client, manager):
    _, page = create_through_the_page(client)
    prefix, secret = KEY_FORMAT.match(shown_key(page)).groups()
    with db.engine.connect() as connection:
        rows = [*connection.execute(sa.select(ApiKey.__table__))]
        rows += [*connection.execute(sa.select(AuditEvent.__table__))]
    stored = " ".join(str(value) for row in rows for value in row)
    assert secret not in stored and secret[:16] not in stored
    api_key = db.session.scalar(sa.select(ApiKey))
    assert api_key.prefix == prefix
    assert api_key.key_hash == hashlib.sha256(secret.encode()).hexdigest()


def test_the_new_key_works_for_the_api(client, manager):
    _, page = create_through_the_page(client)
    assert call_api(client, shown_key(page)).status_code == 201


def test_two_keys_never_share_a_secret_or_a_prefix(app, tree):
    keys = [create_api_key(name=f"k{i}", unit=tree[1], created_by=None)[1] for i in range(5)]
    parts = [KEY_FORMAT.match(key).groups() for key in keys]
    assert len({prefix for prefix, _ in parts}) == len({secret for _, secret in parts}) == 5


def test_creating_a_key_is_audited(client, tree, manager):
    create_through_the_page(client, name="Một cửa điện tử")
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "api_key.create"))
    api_key = db.session.scalar(sa.select(ApiKey))
    assert (event.actor_id, event.target_key, event.unit_id) == (
        manager.id,
        api_key.prefix,
        tree[1].id,
    )
    assert event.details == {"name": "Một cửa điện tử", "unit": "XA-A"}
    assert api_key.created_by_id == manager.id


def test_the_list_shows_name_unit_creator_and_last_use(client, tree, manager):
    _, page = create_through_the_page(client, name="Một cửa điện tử")
    key = shown_key(page)
    prefix = KEY_FORMAT.match(key).group(1)
    client.get("/quan-tri/khoa-api?lang=en")
    row = parse(client.get("/quan-tri/khoa-api")).select_one(f"#key-{prefix}")
    cells = [cell.get_text(" ", strip=True) for cell in row.select("td")]
    assert cells[1:3] == ["Một cửa điện tử", "UBND xã An Bình"]
    assert manager.full_name in cells[3]
    assert cells[4] == "Never"
    call_api(client, key)
    row = parse(client.get("/quan-tri/khoa-api")).select_one(f"#key-{prefix}")
    assert row.select("td")[4].get_text(strip=True) != "Never"


def test_an_empty_list_says_what_keys_are_for(client, manager):
    page = parse(client.get("/quan-tri/khoa-api"))
    assert page.select_one(".empty") is not None
    assert page.select_one("a[href='/quan-tri/khoa-api/moi']") is not None


def test_a_missing_name_is_explained_and_the_unit_kept(client, tree, manager):
    make_unit(code="THON", name="Thôn Một", parent=tree[1])
    response, page = create_through_the_page(client, name="  ", unit="THON")
    assert response.status_code == 422
    assert page.select_one(".summary a")["href"] == "#name"
    assert page.select_one("#name-err") is not None
    assert page.select_one("select#unit option[selected]")["value"] == "THON"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiKey)) == 0


def test_a_key_for_a_unit_outside_the_managers_scope_is_refused(client, tree, manager):
    options = parse(client.get(NEW_KEY_URL)).select("select#unit option")
    assert [option["value"] for option in options] == ["XA-A"]
    response, page = create_through_the_page(client, unit="XA-B")
    assert response.status_code == 422
    assert page.select_one("#unit-err") is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiKey)) == 0


def revoke_through_the_list(client, prefix: str):
    form = parse(client.get("/quan-tri/khoa-api")).select_one(f"#key-{prefix} form")
    return client.post(form["action"], data=hidden_fields(form))


def test_revoking_a_key_stops_it_at_once(client, manager):
    _, page = create_through_the_page(client)
    key = shown_key(page)
    prefix = KEY_FORMAT.match(key).group(1)
    response = revoke_through_the_list(client, prefix)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(ApiKey.revoked_at)) is not None
    assert call_api(client, key).status_code == 401
    listing = parse(client.get("/quan-tri/khoa-api"))
    assert listing.select_one(f"#key-{prefix} .badge.off") is not None
    assert listing.select(f"#key-{prefix} form") == []


def test_revoking_is_audited(client, tree, manager):
    _, page = create_through_the_page(client)
    prefix = KEY_FORMAT.match(shown_key(page)).group(1)
    revoke_through_the_list(client, prefix)
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "api_key.revoke"))
    assert (event.actor_id, event.target_key, event.unit_id) == (manager.id, prefix, tree[1].id)


def test_a_manager_sees_and_revokes_only_keys_of_their_units(client, tree, manager):
    own, _ = create_api_key(name="Của xã A", unit=tree[1], created_by=None)
    other, _ = create_api_key(name="Của xã B", unit=tree[2], created_by=None)
    above, _ = create_api_key(name="Của tỉnh", unit=tree[0], created_by=None)
    page = parse(client.get("/quan-tri/khoa-api"))
    assert [row["id"] for row in page.select("tbody tr")] == [f"key-{own.prefix}"]
    token = hidden_fields(page)
    for api_key in (other, above):
        url = f"/quan-tri/khoa-api/{api_key.prefix}/thu-hoi"
        assert client.post(url, data=token).status_code == 404
    assert db.session.scalars(sa.select(ApiKey.revoked_at)).all() == [None, None, None]


def test_a_province_manager_lists_the_keys_of_the_communes_below(client, tree):
    create_api_key(name="Của xã B", unit=tree[2], created_by=None)
    sign_in(client, make_user(role=Role.MANAGER, unit=tree[0]))
    page = parse(client.get("/quan-tri/khoa-api"))
    assert len(page.select("tbody tr")) == 1
    options = parse(client.get(NEW_KEY_URL)).select("select#unit option")
    assert {option["value"] for option in options} == {"TINH", "XA-A", "XA-B"}


@pytest.mark.parametrize("role", [Role.COMPLAINT_HANDLER, Role.OFFICER])
def test_other_roles_cannot_manage_keys(client, tree, role):
    sign_in(client, make_user(role=role, unit=tree[1]))
    assert client.get("/quan-tri/khoa-api").status_code == 403
    assert client.get(NEW_KEY_URL).status_code == 403
