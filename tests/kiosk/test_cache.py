"""The copies of paired kiosks a process keeps: a rating reads no kiosk, a change of settings or
a revocation is seen at once by the process that made it and within CODE_CACHE_SECONDS by any
other, and a tablet paired again works at once everywhere."""

from datetime import timedelta

import sqlalchemy as sa

from kiosk import contact as kiosk_contact
from kiosk.contact import CONTACT_PRECISION
from kiosk.pairing import KioskSettings, revoke_kiosk, update_kiosk_settings
from survey_app.core.extensions import db
from survey_app.models import Kiosk, utcnow
from survey_app.queries import code_cache
from survey_app.queries.code_cache import CODE_CACHE_SECONDS
from survey_app.services.api_keys import hash_secret
from tests.helpers.builders import make_counter, make_officer
from tests.helpers.kiosk_devices import paired_kiosk, rating, send, stored_responses
from tests.helpers.statements import recorded_statements


def change_elsewhere(kiosk_id: int, **values) -> None:
    """What another worker or server does: this process's session never sees it."""
    with db.engine.begin() as connection:
        connection.execute(sa.update(Kiosk).where(Kiosk.id == kiosk_id).values(**values))


def later(monkeypatch, seconds: float) -> None:
    now = code_cache.time.monotonic() + seconds
    monkeypatch.setattr(code_cache.time, "monotonic", lambda: now)


def kiosk_reads(statements: list[str]) -> list[str]:
    return [s for s in statements if s.startswith("SELECT") and "FROM kiosks" in s]


def test_a_kiosk_revoked_in_this_process_is_refused_at_once(client):
    kiosk, token = paired_kiosk(None, counter=make_counter())
    assert send(client, token, rating()).status_code == 201
    revoke_kiosk(kiosk, by=None)
    assert send(client, token, rating()).status_code == 403
    assert len(stored_responses()) == 1


def test_a_kiosk_revoked_elsewhere_is_refused_within_the_cache_time(client, monkeypatch):
    kiosk, token = paired_kiosk(None, counter=make_counter())
    assert send(client, token, rating()).status_code == 201
    change_elsewhere(kiosk.id, revoked_at=utcnow())
    later(monkeypatch, CODE_CACHE_SECONDS + 0.1)
    assert send(client, token, rating()).status_code == 403


def test_a_tablet_paired_again_elsewhere_works_at_once_and_the_old_token_stops(client, monkeypatch):
    kiosk, old_token = paired_kiosk(None, counter=make_counter())
    assert send(client, old_token, rating()).status_code == 201
    new_token = f"kt_{kiosk.token_prefix}_{'n' * 43}"
    change_elsewhere(kiosk.id, token_hash=hash_secret("n" * 43))
    assert send(client, new_token, rating()).status_code == 201
    later(monkeypatch, CODE_CACHE_SECONDS + 0.1)
    assert send(client, old_token, rating()).status_code == 401


def test_a_fixed_officer_set_in_this_process_rates_at_once(client):
    counter = make_counter()
    officer = make_officer(unit=counter.unit, code="CB-HOA")
    kiosk, token = paired_kiosk(None, counter=counter)
    send(client, token, rating())
    settings = KioskSettings(
        fixed_officer=officer,
        idle_seconds=30,
        thanks_seconds=8,
        opens_at=kiosk.opens_at,
        closes_at=kiosk.closes_at,
        default_locale="vi",
    )
    update_kiosk_settings(kiosk, settings, by=None)
    send(client, token, rating())
    assert [r.officer_id for r in stored_responses()] == [None, officer.id]


def test_writing_the_last_contact_keeps_the_copy(client, monkeypatch):
    """The contact is not a setting: after writing it the next rating still reads no kiosk,
    and writes the time again only a minute later."""
    kiosk, token = paired_kiosk(None, counter=make_counter())
    send(client, token, rating(), **{"X-Kiosk-Queue": "3"})
    with recorded_statements() as statements:
        send(client, token, rating(), **{"X-Kiosk-Queue": "2"})  # the queue: written at once
        send(client, token, rating(), **{"X-Kiosk-Queue": "2"})  # nothing new to write
    assert kiosk_reads(statements) == []
    assert len([s for s in statements if s.startswith("UPDATE kiosks")]) == 1
    a_minute_on = utcnow() + CONTACT_PRECISION + timedelta(seconds=1)
    monkeypatch.setattr(kiosk_contact, "utcnow", lambda: a_minute_on)
    send(client, token, rating())
    db.session.expire_all()
    assert (kiosk.queue_length, kiosk.last_seen_at) == (2, a_minute_on)


def test_a_rating_with_a_call_back_files_its_ticket_from_the_copy(client):
    kiosk, token = paired_kiosk(None, counter=make_counter())
    send(client, token, rating())
    body = rating(
        answers={"TC": 2, "CHUNG": 2},
        callback={"phone": "0912 345 678", "consent_text": "Tôi đồng ý."},
    )
    response = send(client, token, body)
    assert response.status_code == 201 and response.get_json()["ticket_code"]
