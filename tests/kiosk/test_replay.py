"""A rating sent again under a stored id: 200 only for a true repeat; other content is a 409
with the stored rating's time, and the stored rating stays as it was."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers.builders import make_counter, make_unit
from tests.helpers.kiosk_devices import (
    CONSENT,
    KIOSK_ANSWERS,
    PHONE,
    paired_kiosk,
    rating,
    send,
    stored_responses,
    stored_tickets,
)


@pytest.fixture
def token(app):
    unit = make_unit()
    return paired_kiosk(unit, counter=make_counter(unit=unit))[1]


def test_a_true_repeat_is_a_200_duplicate(client, token):
    sent = rating()
    assert send(client, token, sent).status_code == 201
    again = send(client, token, sent)
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
    assert len(stored_responses()) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"answers": KIOSK_ANSWERS | {"CHUNG": 1}},
        {"comment": "Một nội dung khác hẳn"},
        {"submitted_at": "later"},
    ],
    ids=["answers", "comment", "time"],
)
def test_the_same_id_with_other_content_is_a_409_with_the_stored_time(client, token, change):
    tapped = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    original = rating(submitted_at=tapped.isoformat())
    assert send(client, token, original).status_code == 201
    if change.get("submitted_at") == "later":
        change = {"submitted_at": (tapped + timedelta(minutes=3)).isoformat()}

    replay = send(client, token, original | change)

    assert replay.status_code == 409
    body = replay.get_json()
    assert body["error"] == "conflict" and body["id"] == original["id"]
    assert datetime.fromisoformat(body["stored_submitted_at"]) == tapped
    [stored] = stored_responses()
    assert stored.answer_values()["CHUNG"] == 5 and stored.comment == ""


def test_a_call_back_rating_replayed_with_other_answers_is_a_409(client, token):
    low = KIOSK_ANSWERS | {"CHUNG": 2}
    callback = {"phone": PHONE, "consent_text": CONSENT}
    original = rating(answers=low, callback=callback)
    assert send(client, token, original).status_code == 201
    assert send(client, token, original).status_code == 200
    replay = send(client, token, original | {"answers": low | {"TC": 1}})
    assert replay.status_code == 409
    assert len(stored_tickets()) == 1
