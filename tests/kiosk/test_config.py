"""What a paired tablet reads at GET /api/v1/kiosk/config."""

import base64
import hashlib
import io
from datetime import date, time, timedelta

import pytest
from PIL import Image

from kiosk.pairing import KioskSettings, update_kiosk_settings
from survey_app.models import utcnow
from survey_app.months import survey_zone
from survey_app.services.calendar import add_override, remove_override
from survey_app.services.org.admin import set_active
from survey_app.services.org.photos import set_officer_photo
from survey_app.workdays import is_working_day
from tests.helpers.builders import make_counter, make_officer
from tests.helpers.kiosk_devices import bearer, paired_kiosk, rating, send, stored_responses


def read_config(client, token) -> dict:
    response = client.get("/api/v1/kiosk/config", headers=bearer(token))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def jpeg_of_photo(colour="navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), colour).save(buffer, "PNG")
    return buffer.getvalue()


def settings(**changes) -> KioskSettings:
    values = {
        "fixed_officer": None,
        "idle_seconds": 45,
        "thanks_seconds": 5,
        "opens_at": time(7, 0),
        "closes_at": time(16, 30),
        "default_locale": "en",
    }
    return KioskSettings(**(values | changes))


@pytest.fixture
def counter(tree):
    return make_counter(unit=tree[1], code="XA-A-Q1", name="Quầy Đất đai")


def test_the_config_names_the_kiosk_its_counter_and_unit(client, counter):
    _, token = paired_kiosk(counter.unit, counter=counter, name="Máy quầy 1")
    config = read_config(client, token)
    assert config["kiosk"] == {
        "name": "Máy quầy 1",
        "counter_code": "XA-A-Q1",
        "counter_name": "Quầy Đất đai",
        "unit_code": "XA-A",
        "unit_name": "UBND xã An Bình",
    }
    assert (config["time_zone"], config["default_locale"]) == ("Asia/Ho_Chi_Minh", "vi")
    assert (config["idle_seconds"], config["thanks_seconds"]) == (30, 8)
    assert (config["opens_at"], config["closes_at"]) == ("07:30", "17:00")
    assert config["staff_pin"] is None and config["fixed_officer_code"] is None


def test_the_instrument_comes_in_both_languages(client, counter):
    _, token = paired_kiosk(counter.unit, counter=counter)
    instrument = read_config(client, token)["instrument"]
    assert (instrument["code"], instrument["version"]) == ("kiosk-5", 1)
    assert [factor["code"] for factor in instrument["factors"]] == ["TC", "TT", "CC", "KQ", "PA"]
    assert instrument["factors"][0]["name"] == {
        "vi": "Tiếp cận dịch vụ",
        "en": "Access to the service",
    }
    items = instrument["items"]
    assert [item["code"] for item in items] == ["TC", "TT", "CC", "KQ", "PA", "CHUNG"]
    assert items[2] == {
        "code": "CC",
        "factor": "CC",
        "text": {"vi": "Sự phục vụ của công chức", "en": "Service of the officers"},
    }
    assert items[-1]["factor"] is None
    assert items[-1]["text"]["vi"].startswith("Nhìn chung")


def test_the_counters_active_officers_come_with_their_photos(client, counter, tree):
    lan = make_officer(unit=tree[1], code="CB-LAN", full_name="Nguyễn Thị Lan", counters=[counter])
    make_officer(unit=tree[1], code="CB-AN", full_name="Đỗ Văn An", counters=[counter])
    make_officer(unit=tree[1], code="CB-KHAC", full_name="Trần Khác")  # another counter's
    gone = make_officer(unit=tree[1], code="CB-NGHI", full_name="Lê Nghỉ", counters=[counter])
    gone.active = False
    set_officer_photo(lan, jpeg_of_photo())
    _, token = paired_kiosk(counter.unit, counter=counter)
    officers = read_config(client, token)["officers"]
    assert [(o["code"], o["name"]) for o in officers] == [
        ("CB-AN", "Đỗ Văn An"),
        ("CB-LAN", "Nguyễn Thị Lan"),
    ]
    assert officers[0]["photo"] is None
    prefix, encoded = officers[1]["photo"].split(",", 1)
    assert prefix == "data:image/jpeg;base64"
    with Image.open(io.BytesIO(base64.b64decode(encoded))) as picture:
        assert (picture.format, picture.size) == ("JPEG", (192, 256))  # small enough to embed


def test_a_fixed_officer_is_the_only_one_offered(client, counter, tree):
    make_officer(unit=tree[1], code="CB-LAN", counters=[counter])
    fixed = make_officer(unit=tree[1], code="CB-CO-DINH", full_name="Phạm Cố Định")
    kiosk, token = paired_kiosk(counter.unit, counter=counter)
    update_kiosk_settings(kiosk, settings(fixed_officer=fixed), by=None)
    config = read_config(client, token)
    assert config["fixed_officer_code"] == "CB-CO-DINH"
    assert [officer["code"] for officer in config["officers"]] == ["CB-CO-DINH"]
    assert (config["idle_seconds"], config["thanks_seconds"]) == (45, 5)
    assert (config["opens_at"], config["closes_at"], config["default_locale"]) == (
        "07:00",
        "16:30",
        "en",
    )


def test_the_staff_pin_can_be_checked_offline_and_only_so(client, counter):
    kiosk, token = paired_kiosk(counter.unit, counter=counter)
    update_kiosk_settings(kiosk, settings(staff_pin="4821"), by=None)
    pin = read_config(client, token)["staff_pin"]
    salt, rounds = pin["salt"].encode(), pin["iterations"]
    assert pin["hash"] == hashlib.pbkdf2_hmac("sha256", b"4821", salt, rounds).hex()
    assert pin["hash"] != hashlib.pbkdf2_hmac("sha256", b"4822", salt, rounds).hex()
    assert "4821" not in kiosk.staff_pin_hash
    update_kiosk_settings(kiosk, settings(clear_pin=True), by=None)
    assert read_config(client, token)["staff_pin"] is None


@pytest.fixture
def day_off_ahead(app):
    """A working day about two weeks ahead, made a day off by an override."""
    today = utcnow().astimezone(survey_zone()).date()
    day = next(
        today + timedelta(days=n) for n in range(14, 40) if is_working_day(today + timedelta(n))
    )
    override = add_override(day=day, is_working_day=False, name="Nghỉ bù", source="Thử nghiệm")
    yield day
    remove_override(override)  # the calendar table outlives a test


def test_closed_days_are_the_days_off_of_the_next_45_days(client, counter, day_off_ahead):
    _, token = paired_kiosk(counter.unit, counter=counter)
    closed = [date.fromisoformat(day) for day in read_config(client, token)["closed_days"]]
    today = utcnow().astimezone(survey_zone()).date()
    ahead = [today + timedelta(days=n) for n in range(45)]
    assert closed == [day for day in ahead if not is_working_day(day)]
    assert day_off_ahead in closed
    assert any(day.weekday() == 6 for day in closed)
    assert not any(day.weekday() < 5 and is_working_day(day) for day in closed)


def test_an_always_open_kiosk_has_no_closed_day(client, counter, day_off_ahead):
    kiosk, token = paired_kiosk(counter.unit, counter=counter)
    assert read_config(client, token)["always_open"] is False
    update_kiosk_settings(kiosk, settings(always_open=True), by=None)
    config = read_config(client, token)
    assert (config["always_open"], config["closed_days"]) == (True, [])


def test_the_callback_consent_names_the_unit_and_asks_only_for_a_phone(client, counter):
    _, token = paired_kiosk(counter.unit, counter=counter)
    consent = read_config(client, token)["callback"]["consent_text"]
    assert consent["en"].startswith("I agree that UBND xã An Bình keeps the phone number")
    assert "e-mail" not in consent["en"]
    assert "Law 91/2025/QH15" in consent["en"]
    assert consent["vi"].startswith("Tôi đồng ý")
    assert "91/2025/QH15" in consent["vi"]


def test_a_deactivated_fixed_officer_is_no_longer_offered_nor_rated(client, counter, tree):
    """A fixed officer moved or retired takes no more ratings: the tablet offers the counter's
    active officers until a manager changes the setting."""
    make_officer(unit=tree[1], code="CB-LAN", counters=[counter])
    fixed = make_officer(unit=tree[1], code="CB-CO-DINH", full_name="Phạm Cố Định")
    kiosk, token = paired_kiosk(counter.unit, counter=counter)
    update_kiosk_settings(kiosk, settings(fixed_officer=fixed), by=None)
    set_active(fixed, False)
    config = read_config(client, token)
    assert config["fixed_officer_code"] is None
    assert [officer["code"] for officer in config["officers"]] == ["CB-LAN"]
    assert send(client, token, rating()).status_code == 201
    assert stored_responses()[0].officer_id is None
