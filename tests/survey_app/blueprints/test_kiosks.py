"""The kiosks pages: list, add (pairing code and QR shown once), settings, new code, revoke."""

import base64
import re
from datetime import time

import pytest
import sqlalchemy as sa

from kiosk.pairing import add_kiosk
from survey_app.core.extensions import db
from survey_app.models import AuditEvent, Kiosk, Role
from survey_app.services.kiosk_pin import pin_digest
from survey_app.services.org.admin import set_active
from tests.helpers.api_links import PUBLIC_URL
from tests.helpers.builders import make_counter, make_officer, make_user
from tests.helpers.kiosk_devices import bearer, paired_kiosk, rating, send
from tests.helpers.qr import decoded, svg_as_image
from tests.helpers.staff_pages import csrf, events, post_form, sign_in, summary, text
from tests.helpers.survey_pages import parse

pytestmark = pytest.mark.usefixtures("public_url")

LIST_URL = "/quan-tri/kiosk/"
NEW_URL = "/quan-tri/kiosk/moi"
CODE_FORMAT = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$")


@pytest.fixture(autouse=True)
def english(client):
    """These tests read the English pages."""
    client.get("/?lang=en")


@pytest.fixture
def counters(tree):
    return (
        make_counter(unit=tree[1], code="XA-A-Q1", name="Quầy Đất đai"),
        make_counter(unit=tree[2], code="XA-B-Q1", name="Quầy Hộ tịch xã B"),
    )


def kiosk_url(kiosk: Kiosk, action: str = "") -> str:
    return f"/quan-tri/kiosk/{kiosk.token_prefix}{action}"


def add_through_the_page(client, counter="XA-A-Q1", name="Máy quầy Đất đai"):
    response = post_form(client, NEW_URL, {"counter": counter, "name": name})
    return response, parse(response)


def shown_code(page) -> str:
    return "".join(text(page, "#pairing-code").split()).replace("\u202f", "")


def settings_form(**changes) -> dict:
    return {
        "fixed_officer": "",
        "idle_seconds": "60",
        "thanks_seconds": "10",
        "opens_at": "07:00",
        "closes_at": "11:30",
        "default_locale": "en",
        "staff_pin": "",
    } | changes


def test_the_menu_leads_managers_to_the_kiosks(client, manager):
    page = parse(client.get("/quan-tri/"))
    assert page.select_one("nav.menu a[href='/quan-tri/kiosk/']").get_text() == "Kiosks"


def test_adding_a_kiosk_shows_its_pairing_code_and_qr_once(client, manager, counters):
    response, page = add_through_the_page(client)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    code = shown_code(page)
    assert CODE_FORMAT.match(code)
    qr = page.select_one("img.pairing-qr")["src"]
    svg = base64.b64decode(qr.removeprefix("data:image/svg+xml;base64,"))
    assert decoded(svg_as_image(svg)) == [f"{PUBLIC_URL}/kiosk/#pair={code}"]
    assert client.post("/api/v1/kiosk/pair", json={"pairing_code": code}).status_code == 201
    assert code not in client.get(LIST_URL).get_data(as_text=True)
    [event] = events("kiosk.create")
    assert (event.actor, event.details["counter"]) == (manager, "XA-A-Q1")


def test_a_counter_of_another_unit_cannot_be_chosen(client, manager, counters):
    response, page = add_through_the_page(client, counter="XA-B-Q1")
    assert response.status_code == 422
    assert "Counter" in summary(response)
    assert db.session.scalar(sa.select(sa.func.count(Kiosk.id))) == 0


def test_a_kiosk_needs_a_name(client, manager, counters):
    response, _ = add_through_the_page(client, name="  ")
    assert response.status_code == 422
    assert "Enter a name for the kiosk." in summary(response)


def test_the_list_shows_status_contact_version_and_queue(client, manager, counters, tree):
    waiting, _ = add_kiosk(counters[0], name="Máy chờ ghép nối", created_by=None)
    active, token = paired_kiosk(tree[1], counter=counters[0], name="Máy đang chạy")
    client.get("/api/v1/kiosk/config", headers=bearer(token, **{"X-Kiosk-Version": "1.2.0"}))
    send(client, token, rating(), **{"X-Kiosk-Queue": "4"})
    paired_kiosk(tree[2], counter=counters[1], name="Máy của xã B")
    page = parse(client.get(LIST_URL))
    rows = {
        row.select_one("td").get_text(strip=True): [
            td.get_text(" ", strip=True) for td in row("td")
        ]
        for row in page.select("tbody tr")
    }
    assert set(rows) == {"Máy chờ ghép nối", "Máy đang chạy"}
    assert rows["Máy chờ ghép nối"][3:] == ["Waiting for pairing", "Never", "–", "–"]
    name, unit, counter, status, contact, version, queue = rows["Máy đang chạy"]
    assert (unit, counter, status) == ("UBND xã An Bình", "Quầy Đất đai XA-A-Q1", "Active")
    assert contact != "Never" and (version, queue) == ("1.2.0", "4")


def test_settings_are_saved_audited_and_reach_the_tablet(client, manager, counters, tree):
    officer = make_officer(unit=tree[1], code="CB-LAN", full_name="Nguyễn Thị Lan")
    kiosk, token = paired_kiosk(tree[1], counter=counters[0])
    changes = settings_form(fixed_officer="CB-LAN", staff_pin="123456")
    response = post_form(client, kiosk_url(kiosk), changes)
    assert response.status_code == 303
    db.session.expire_all()
    assert (kiosk.fixed_officer, kiosk.idle_seconds, kiosk.thanks_seconds) == (officer, 60, 10)
    assert (kiosk.opens_at, kiosk.closes_at, kiosk.default_locale) == (
        time(7, 0),
        time(11, 30),
        "en",
    )
    _, iterations, salt, digest = kiosk.staff_pin_hash.split("$")
    assert digest == pin_digest("123456", salt, int(iterations))
    [event] = events("kiosk.settings")
    assert event.details["fixed_officer"] == "CB-LAN" and event.details["staff_pin"] == "set"
    assert "123456" not in str(event.details)
    config = client.get("/api/v1/kiosk/config", headers=bearer(token)).get_json()
    assert (config["fixed_officer_code"], config["closes_at"]) == ("CB-LAN", "11:30")


def test_a_kiosk_can_be_set_open_at_every_hour_and_back(client, manager, counters, tree):
    kiosk, token = paired_kiosk(tree[1], counter=counters[0])
    post_form(client, kiosk_url(kiosk), settings_form(always_open="y"))
    db.session.expire_all()
    assert kiosk.always_open
    [event] = events("kiosk.settings")
    assert event.details["always_open"] is True
    config = client.get("/api/v1/kiosk/config", headers=bearer(token)).get_json()
    assert (config["always_open"], config["closed_days"]) == (True, [])
    post_form(client, kiosk_url(kiosk), settings_form())
    db.session.expire_all()
    assert not kiosk.always_open


def test_the_page_says_when_the_fixed_officer_was_deactivated(client, manager, counters, tree):
    officer = make_officer(unit=tree[1], code="CB-LAN", full_name="Nguyễn Thị Lan")
    kiosk, _ = paired_kiosk(tree[1], counter=counters[0])
    post_form(client, kiosk_url(kiosk), settings_form(fixed_officer="CB-LAN"))
    assert "was deactivated" not in text(parse(client.get(kiosk_url(kiosk))), "main")
    set_active(officer, False)
    notice = text(parse(client.get(kiosk_url(kiosk))), "main")
    assert "Nguyễn Thị Lan, the fixed officer, was deactivated" in notice


def test_an_empty_pin_keeps_the_pin_and_the_box_clears_it(client, manager, counters, tree):
    kiosk, _ = paired_kiosk(tree[1], counter=counters[0])
    post_form(client, kiosk_url(kiosk), settings_form(staff_pin="4821"))
    stored = db.session.scalar(sa.select(Kiosk.staff_pin_hash))
    post_form(client, kiosk_url(kiosk), settings_form())
    assert db.session.scalar(sa.select(Kiosk.staff_pin_hash)) == stored
    post_form(client, kiosk_url(kiosk), settings_form(clear_pin="y"))
    assert db.session.scalar(sa.select(Kiosk.staff_pin_hash)) == ""


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"idle_seconds": "5"}, "Choose between 10 and 300 seconds."),
        ({"thanks_seconds": "61"}, "Choose between 3 and 60 seconds."),
        ({"closes_at": "06:00"}, "The closing time must be after the opening."),
        ({"staff_pin": "12ab"}, "The PIN has 4 to 8 digits."),
        ({"staff_pin": "123456789"}, "The PIN has 4 to 8 digits."),
        ({"fixed_officer": "CB-XA-B"}, "Not a valid choice."),
    ],
)
def test_wrong_settings_are_refused(client, manager, counters, tree, changes, message):
    make_officer(unit=tree[2], code="CB-XA-B")
    kiosk, _ = paired_kiosk(tree[1], counter=counters[0])
    response = post_form(client, kiosk_url(kiosk), settings_form(**changes))
    assert response.status_code == 422
    assert message in summary(response)
    db.session.expire_all()
    assert (kiosk.idle_seconds, kiosk.fixed_officer, kiosk.staff_pin_hash) == (30, None, "")


def test_a_new_pairing_code_replaces_the_tablet_once_used(client, manager, counters, tree):
    kiosk, old_token = paired_kiosk(tree[1], counter=counters[0])
    response = client.post(kiosk_url(kiosk, "/ma-ghep-noi"), data=csrf(client))
    assert response.headers["Cache-Control"] == "no-store"
    code = shown_code(parse(response))
    new_token = client.post("/api/v1/kiosk/pair", json={"pairing_code": code}).get_json()["token"]
    assert client.get("/api/v1/kiosk/config", headers=bearer(old_token)).status_code == 401
    assert client.get("/api/v1/kiosk/config", headers=bearer(new_token)).status_code == 200
    assert [event.actor for event in events("kiosk.new_pairing_code")] == [manager]


def test_revoking_needs_the_box_ticked(client, manager, counters, tree):
    kiosk, token = paired_kiosk(tree[1], counter=counters[0])
    unticked = client.post(kiosk_url(kiosk, "/thu-hoi"), data=csrf(client))
    assert unticked.status_code == 303
    assert client.get("/api/v1/kiosk/config", headers=bearer(token)).status_code == 200
    response = post_form(client, kiosk_url(kiosk), {"confirm": "y"}, "form.revoke")
    assert response.status_code == 303
    assert client.get("/api/v1/kiosk/config", headers=bearer(token)).status_code == 403
    assert [event.actor for event in events("kiosk.revoke")] == [manager]
    page = parse(client.get(kiosk_url(kiosk)))
    assert "Revoked on" in text(page, "h1") and page.select_one("form.revoke") is None


def test_a_revoked_kiosk_gets_no_new_code(client, manager, counters, tree):
    kiosk, _ = paired_kiosk(tree[1], counter=counters[0])
    post_form(client, kiosk_url(kiosk), {"confirm": "y"}, "form.revoke")
    response = client.post(kiosk_url(kiosk, "/ma-ghep-noi"), data=csrf(client))
    assert response.status_code == 303
    assert db.session.scalar(sa.select(Kiosk.pairing_code_hash)) is None


@pytest.mark.parametrize(
    ("method", "action"),
    [("get", ""), ("post", ""), ("post", "/ma-ghep-noi"), ("post", "/thu-hoi")],
)
def test_a_kiosk_of_another_unit_is_not_found(client, manager, counters, tree, method, action):
    kiosk, token = paired_kiosk(tree[2], counter=counters[1])
    response = getattr(client, method)(kiosk_url(kiosk, action), data=csrf(client))
    assert response.status_code == 404
    assert client.get("/api/v1/kiosk/config", headers=bearer(token)).status_code == 200


def test_the_province_administrator_sees_every_communes_kiosks(client, admin, counters, tree):
    paired_kiosk(tree[1], counter=counters[0], name="Máy xã A")
    paired_kiosk(tree[2], counter=counters[1], name="Máy xã B")
    page = parse(client.get(LIST_URL))
    assert {row.select_one("td a").get_text() for row in page.select("tbody tr")} == {
        "Máy xã A",
        "Máy xã B",
    }


@pytest.mark.parametrize("role", [Role.COMPLAINT_HANDLER, Role.OFFICER])
def test_other_roles_may_not_manage_kiosks(client, tree, counters, role):
    sign_in(client, make_user(role=role, unit=tree[1]))
    kiosk, _ = paired_kiosk(tree[1], counter=counters[0])
    assert client.get(LIST_URL).status_code == 403
    assert client.get(kiosk_url(kiosk)).status_code == 403


def test_the_audit_log_names_the_kiosk_by_its_prefix(client, manager, counters):
    add_through_the_page(client)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "kiosk.create"))
    kiosk = db.session.scalar(sa.select(Kiosk))
    assert (event.target_type, event.target_key) == ("kiosk", kiosk.token_prefix)
    assert event.unit_id == counters[0].unit_id
