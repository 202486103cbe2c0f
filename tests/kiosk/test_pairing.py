"""Pairing a counter tablet, its device token, and what each request records about it."""

import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from kiosk.contact import CONTACT_PRECISION
from kiosk.pairing import InvalidPairingCode, add_kiosk, new_pairing_code, pair_kiosk, revoke_kiosk
from survey_app.core.extensions import db
from survey_app.models import AuditEvent, Kiosk, utcnow
from tests.helpers.builders import make_counter
from tests.helpers.kiosk_devices import bearer, paired_kiosk, rating, send, stored_responses

TOKEN_FORMAT = re.compile(r"^kt_([a-z0-9]{8})_([A-Za-z0-9_-]{43,})$")
PAIRING_FORMAT = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$")


def pair(client, code):
    return client.post("/api/v1/kiosk/pair", json={"pairing_code": code})


def config(client, token, **headers):
    return client.get("/api/v1/kiosk/config", headers=bearer(token, **headers))


@pytest.fixture
def counter(tree):
    return make_counter(unit=tree[1], code="XA-A-Q1", name="Quầy Đất đai")


def test_a_pairing_code_gives_a_device_token_and_the_config(client, counter):
    kiosk, code = add_kiosk(counter, name="Máy quầy 1", created_by=None)
    assert PAIRING_FORMAT.match(code)
    response = pair(client, code)
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    prefix, secret = TOKEN_FORMAT.match(body["token"]).groups()
    assert body["config"]["kiosk"]["counter_code"] == "XA-A-Q1"
    db.session.expire_all()
    assert (kiosk.token_prefix, kiosk.pairing_code_hash) == (prefix, None)
    assert kiosk.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert kiosk.paired_at is not None
    assert config(client, body["token"]).status_code == 200


def test_a_code_is_typed_in_any_case_with_spaces(client, counter):
    _, code = add_kiosk(counter, name="Máy quầy 1", created_by=None)
    assert pair(client, f" {code[:4].lower()} - {code[4:]} ").status_code == 201


def test_a_pairing_code_works_once(client, counter):
    _, code = add_kiosk(counter, name="Máy quầy 1", created_by=None)
    assert pair(client, code).status_code == 201
    again = pair(client, code)
    assert again.status_code == 404
    assert again.get_json()["error"] == "invalid_pairing_code"


def test_an_expired_code_is_refused(client, counter):
    kiosk, code = add_kiosk(counter, name="Máy quầy 1", created_by=None)
    kiosk.pairing_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = pair(client, code)
    assert response.status_code == 404
    assert response.get_json() == {
        "error": "invalid_pairing_code",
        "message": "This pairing code is unknown, used or expired.",
    }


def test_a_code_lives_24_hours(counter):
    kiosk, _ = add_kiosk(counter, name="Máy quầy 1", created_by=None)
    left = kiosk.pairing_expires_at - utcnow()
    assert timedelta(hours=23, minutes=59) < left <= timedelta(hours=24)


def test_the_code_of_a_revoked_kiosk_is_refused(client, counter):
    kiosk, code = add_kiosk(counter, name="Máy quầy 1", created_by=None)
    revoke_kiosk(kiosk, by=None)
    assert pair(client, code).status_code == 404


def test_a_missing_or_unknown_code_is_named(client, counter):
    missing = client.post("/api/v1/kiosk/pair", json={"code": "ABCDEFGH"})
    assert missing.status_code == 422
    assert missing.get_json() == {"errors": {"pairing_code": "Required.", "code": "Unknown field."}}
    assert pair(client, "ABCDEFGH").status_code == 404


def test_pairing_again_replaces_the_token(client, counter):
    kiosk, first = paired_kiosk(counter.unit, counter=counter)
    code = new_pairing_code(kiosk, by=None)
    assert config(client, first).status_code == 200  # still works until the code is used
    second = pair(client, code).get_json()["token"]
    assert config(client, first).status_code == 401
    assert config(client, second).status_code == 200


def test_pairing_is_audited(client, counter):
    kiosk, code = add_kiosk(counter, name="Máy quầy 1", created_by=None)
    pair(client, code)
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["kiosk.create", "kiosk.pair"]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "kiosk.pair"))
    assert (event.target_key, event.unit_id) == (kiosk.token_prefix, counter.unit_id)


def test_pair_kiosk_refuses_an_unknown_code(counter):
    with pytest.raises(InvalidPairingCode):
        pair_kiosk("ZZZZZZZZ")


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer kt_nothing_here", "Basic kt_a_b", "Bearer sk_abcdefgh_secret"],
)
def test_a_request_without_a_valid_token_is_unauthorized(client, counter, authorization):
    _, token = paired_kiosk(counter.unit, counter=counter)
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/api/v1/kiosk/config", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="kiosk"'


def test_a_wrong_secret_with_a_real_prefix_is_unauthorized(client, counter):
    _, token = paired_kiosk(counter.unit, counter=counter)
    assert config(client, token[:-4] + "AAAA").status_code == 401


def test_a_revoked_kiosk_is_stopped_and_stores_nothing(client, counter):
    kiosk, token = paired_kiosk(counter.unit, counter=counter)
    revoke_kiosk(kiosk, by=None)
    for response in (config(client, token), send(client, token, rating())):
        assert response.status_code == 403
        assert response.get_json()["error"] == "revoked"
    assert stored_responses() == []


def test_reading_the_config_records_the_last_contact(client, counter):
    kiosk, token = paired_kiosk(counter.unit, counter=counter)
    before = utcnow()
    config(client, token, **{"X-Kiosk-Version": "1.4.2", "X-Kiosk-Queue": "7"})
    db.session.expire_all()
    assert kiosk.last_seen_at >= before
    assert (kiosk.app_version, kiosk.queue_length) == ("1.4.2", 7)


def test_the_last_contact_is_kept_to_the_minute_and_the_queue_at_once(client, counter):
    kiosk, token = paired_kiosk(counter.unit, counter=counter)
    config(client, token, **{"X-Kiosk-Queue": "7"})
    db.session.expire_all()
    first = kiosk.last_seen_at
    config(client, token, **{"X-Kiosk-Queue": "6"})
    db.session.expire_all()
    assert (kiosk.last_seen_at, kiosk.queue_length) == (first, 6)
    kiosk.last_seen_at = first - CONTACT_PRECISION
    db.session.commit()
    config(client, token, **{"X-Kiosk-Queue": "6"})
    db.session.expire_all()
    assert kiosk.last_seen_at > first


def test_garbage_in_the_device_headers_is_ignored(client, counter):
    kiosk, token = paired_kiosk(counter.unit, counter=counter)
    config(client, token, **{"X-Kiosk-Version": "1.0", "X-Kiosk-Queue": "2"})
    config(client, token, **{"X-Kiosk-Version": "v" * 41, "X-Kiosk-Queue": "-3"})
    config(client, token, **{"X-Kiosk-Queue": "99999999999"})
    db.session.expire_all()
    assert (kiosk.app_version, kiosk.queue_length) == ("1.0", 2)


def test_a_rating_records_the_last_contact_with_it(client, counter):
    kiosk, token = paired_kiosk(counter.unit, counter=counter)
    body = rating()
    send(client, token, body, **{"X-Kiosk-Version": "2.0", "X-Kiosk-Queue": "5"})
    send(client, token, body, **{"X-Kiosk-Queue": "0"})  # the same rating again
    db.session.expire_all()
    assert (kiosk.app_version, kiosk.queue_length) == ("2.0", 0)
    assert len(stored_responses()) == 1


def test_a_staff_session_on_the_same_browser_does_not_get_in_the_way(client, manager, tree):
    """The kiosk sends no CSRF token; a session cookie beside its token changes nothing."""
    _, token = paired_kiosk(tree[1])
    assert send(client, token, rating()).status_code == 201


def test_a_token_is_never_stored(client, counter):
    kiosk, token = paired_kiosk(counter.unit, counter=counter)
    secret = TOKEN_FORMAT.match(token).group(2)
    with db.engine.connect() as connection:
        rows = [*connection.execute(sa.select(Kiosk.__table__))]
        rows += [*connection.execute(sa.select(AuditEvent.__table__))]
    assert secret[:16] not in " ".join(str(value) for row in rows for value in row)
