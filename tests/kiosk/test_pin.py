"""The staff PIN reaches the tablet only as a slow hash (PBKDF2, survey_app/services/kiosk_pin.py):
a stolen configuration no longer gives the PIN away in milliseconds."""

import hashlib

from survey_app.core.extensions import db
from survey_app.services.kiosk_pin import hash_pin
from tests.helpers.builders import make_counter, make_unit
from tests.helpers.kiosk_devices import bearer, paired_kiosk


def config_pin(client, token) -> dict | None:
    return client.get("/api/v1/kiosk/config", headers=bearer(token)).get_json()["staff_pin"]


def test_the_tablet_gets_a_pbkdf2_hash_with_a_high_count(client):
    unit = make_unit()
    kiosk, token = paired_kiosk(unit, counter=make_counter(unit=unit))
    kiosk.staff_pin_hash = hash_pin("48213")
    db.session.commit()

    pin = config_pin(client, token)

    assert pin["algorithm"] == "PBKDF2-SHA256" and pin["iterations"] >= 600_000
    derived = hashlib.pbkdf2_hmac("sha256", b"48213", pin["salt"].encode(), pin["iterations"])
    assert pin["hash"] == derived.hex()
    assert "sha256" not in pin


def test_an_old_fast_hash_is_not_sent_to_the_tablet(client):
    unit = make_unit()
    kiosk, token = paired_kiosk(unit, counter=make_counter(unit=unit))
    salt = "9f86d081884c7d659a2feaa0c55ad015"
    kiosk.staff_pin_hash = f"{salt}${hashlib.sha256((salt + '4821').encode()).hexdigest()}"
    db.session.commit()
    assert config_pin(client, token) is None
