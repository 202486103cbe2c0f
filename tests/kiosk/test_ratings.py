"""Ratings a tablet syncs to POST /api/v1/responses: stored once, at the time of the tap."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from analytics.indices import ResponseFilter, compute_figures
from kiosk import ratings as kiosk_ratings
from kiosk.pairing import KioskSettings, find_live_kiosk, update_kiosk_settings
from survey_app.core.extensions import db
from survey_app.models import Channel, Role, TicketChannel, TicketStatus
from survey_app.months import Month, current_month, survey_zone
from tests.helpers.builders import make_counter, make_officer, make_user
from tests.helpers.kiosk_devices import (
    CONSENT,
    PHONE,
    bearer,
    paired_kiosk,
    rating,
    send,
    stored_responses,
    stored_tickets,
)
from tests.helpers.staff_pages import sign_in
from tests.helpers.statements import queued_response_ids, recorded_statements

# How a new rating is written (services/responses/inserts.py, insert_response), per database.
# The repeat filter's read of the tablet's rating before (services/responses/kiosk_repeats.py),
# then the rating and its queue row.
RATING_STATEMENTS = {
    # The repeat check rides in the rating's insert on both databases; SQLite then writes the
    # queue row, PostgreSQL writes it in the same statement.
    "sqlite": ["WITH kiosk_repeat AS", "INSERT INTO untallied_responses"],
    "postgresql": ["WITH kiosk_repeat AS"],
}


@pytest.fixture
def place(tree):
    counter = make_counter(unit=tree[1], code="XA-A-Q1", name="Quầy Đất đai")
    officer = make_officer(unit=tree[1], code="CB-LAN", full_name="Nguyễn Thị Lan")
    kiosk, token = paired_kiosk(tree[1], counter=counter)
    return {"unit": tree[1], "counter": counter, "officer": officer, "kiosk": kiosk, "token": token}


def test_a_new_rating_is_stored_with_its_kiosk_counter_and_officer(client, place):
    body = rating(officer_code="CB-LAN", comment="  Cán bộ nhiệt tình.  ", locale="vi")
    response = send(client, place["token"], body)
    assert response.status_code == 201
    assert response.get_json() == {"id": body["id"], "status": "created"}
    [stored] = stored_responses()
    assert (stored.channel, stored.client_ref, stored.kiosk_id) == (
        Channel.KIOSK,
        body["id"],
        place["kiosk"].id,
    )
    assert (stored.unit, stored.counter, stored.officer) == (
        place["unit"],
        place["counter"],
        place["officer"],
    )
    assert stored.instrument.code == "kiosk-5"
    assert stored.answer_values() == {"TC": 5, "TT": 4, "CC": 5, "PA": 4, "CHUNG": 5}
    assert stored.comment == "Cán bộ nhiệt tình."
    assert stored.submitted_at == datetime.fromisoformat(body["submitted_at"])


def test_the_same_id_again_is_a_duplicate_and_stores_nothing(client, place):
    body = rating()
    assert send(client, place["token"], body).status_code == 201
    again = send(client, place["token"], body | {"id": body["id"].upper()})
    assert again.status_code == 200
    assert again.get_json() == {"id": body["id"], "status": "duplicate"}
    assert len(stored_responses()) == 1


def test_a_rating_reads_nothing_before_it_is_stored(client, place):
    """The kiosk and the instrument come from this process's copies, no copy of the rating is
    looked for before the insert, and the last contact was written a moment ago. The insert
    compares the rating with the tablet's latest one itself."""
    send(client, place["token"], rating())  # this process reads the kiosk and instrument once
    with recorded_statements() as statements:
        assert send(client, place["token"], rating()).status_code == 201
    assert [s.split(" (")[0].split(",")[0] for s in statements] == RATING_STATEMENTS[
        db.engine.dialect.name
    ]


def test_a_low_rating_is_flagged(client, place):
    send(client, place["token"], rating(answers={"TC": 5, "CC": 2, "CHUNG": 4}))
    assert stored_responses()[0].flagged


def test_a_fixed_kiosk_attributes_its_ratings_to_its_officer(client, place):
    settings = KioskSettings(
        fixed_officer=place["officer"],
        idle_seconds=30,
        thanks_seconds=8,
        opens_at=datetime.min.time().replace(hour=7),
        closes_at=datetime.min.time().replace(hour=17),
        default_locale="vi",
    )
    update_kiosk_settings(place["kiosk"], settings, by=None)
    send(client, place["token"], rating())
    assert stored_responses()[0].officer == place["officer"]


def test_a_rating_synced_next_month_counts_in_the_month_of_the_tap(client, place):
    zone = survey_zone()
    this_month = current_month(zone)
    last_month = this_month.previous()
    tapped = datetime.combine(this_month.first_day, datetime.min.time(), zone) - timedelta(
        minutes=10
    )  # 23:50 on the last day of last month, local time
    send(client, place["token"], rating(submitted_at=tapped.isoformat()))
    # Another citizen (other answers): the same answers again so soon would be a kiosk repeat.
    other = rating(submitted_at=tapped.astimezone(UTC).isoformat())
    send(client, place["token"], other | {"answers": other["answers"] | {"CHUNG": 4}})
    unit = ResponseFilter(unit_ids=frozenset({place["unit"].id}))
    assert compute_figures(unit, last_month, zone).responses == 2
    assert compute_figures(unit, this_month, zone).responses == 0


def _answers(**changes):
    return {"TC": 5, "TT": 4, "CC": 5, "KQ": 4, "PA": 4, "CHUNG": 5} | changes


def _future():
    return (datetime.now(UTC) + timedelta(minutes=10)).isoformat()


def _old():
    return (datetime.now(UTC) - timedelta(days=91)).isoformat()


CALLBACK = {"phone": PHONE, "consent_text": CONSENT}
# (name, change to a valid body, the field that must be named)
BAD_PAYLOADS = [
    ("unknown field", {"extra": 1}, "extra"),
    ("id missing", {"id": None}, "id"),
    ("id not a uuid", {"id": "rating-1"}, "id"),
    ("id not a string", {"id": 12}, "id"),
    ("instrument missing", {"instrument": None}, "instrument"),
    ("unknown instrument", {"instrument": "sipas-2023"}, "instrument"),
    ("submitted_at missing", {"submitted_at": None}, "submitted_at"),
    ("submitted_at unparseable", {"submitted_at": "hôm qua"}, "submitted_at"),
    ("submitted_at without offset", {"submitted_at": "2026-04-15T09:30:00"}, "submitted_at"),
    ("submitted_at a number", {"submitted_at": 1713148200}, "submitted_at"),
    ("submitted_at in the future", {"submitted_at": _future}, "submitted_at"),
    ("submitted_at older than 90 days", {"submitted_at": _old}, "submitted_at"),
    ("answers missing", {"answers": None}, "answers"),
    ("answers not an object", {"answers": [5, 5, 5]}, "answers"),
    ("unknown item code", {"answers": _answers(XX=5)}, "answers.XX"),
    ("value above 5", {"answers": _answers(TC=6)}, "answers.TC"),
    ("value below 1", {"answers": _answers(TT=0)}, "answers.TT"),
    ("value a string", {"answers": _answers(CC="5")}, "answers.CC"),
    ("value a fraction", {"answers": _answers(KQ=4.5)}, "answers.KQ"),
    ("value a boolean", {"answers": _answers(PA=True)}, "answers.PA"),
    ("CHUNG missing", {"answers": {"TC": 5}}, "answers.CHUNG"),
    ("CHUNG unanswered", {"answers": _answers(CHUNG=None)}, "answers.CHUNG"),
    ("officer of another unit", {"officer_code": "CB-XA-B"}, "officer_code"),
    ("unknown officer", {"officer_code": "KHONG-CO"}, "officer_code"),
    ("officer_code not a string", {"officer_code": 7}, "officer_code"),
    ("comment too long", {"comment": "x" * 2001}, "comment"),
    ("comment with control characters", {"comment": "a\x00b"}, "comment"),
    ("unknown locale", {"locale": "fr"}, "locale"),
    ("callback not an object", {"callback": PHONE}, "callback"),
    ("callback without consent", {"callback": {"phone": PHONE}}, "callback.consent_text"),
    ("callback with a bad phone", {"callback": CALLBACK | {"phone": "gọi tôi"}}, "callback.phone"),
    ("callback with an unknown field", {"callback": CALLBACK | {"mail": "a@b"}}, "callback.mail"),
    ("callback after a good rating", {"callback": CALLBACK}, "callback"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"), [p[1:] for p in BAD_PAYLOADS], ids=[p[0] for p in BAD_PAYLOADS]
)
def test_each_kind_of_bad_rating_is_refused_naming_its_field(client, place, tree, change, field):
    make_officer(unit=tree[2], code="CB-XA-B")
    values = {name: value() if callable(value) else value for name, value in change.items()}
    body = {name: value for name, value in (rating() | values).items() if value is not None}
    response = send(client, place["token"], body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert field in errors, errors
    assert errors[field] and all(message.isascii() for message in errors.values())
    assert stored_responses() == [] and stored_tickets() == []


def test_a_body_that_is_not_a_json_object_is_refused(client, place):
    headers = bearer(place["token"], **{"Content-Type": "application/json"})
    broken = client.post("/api/v1/responses", data="{'id': 1", headers=headers)
    assert broken.status_code == 400
    assert broken.get_json()["error"] == "invalid_json"
    listed = send(client, place["token"], [rating()])
    assert listed.status_code == 422
    assert "body" in listed.get_json()["errors"]
    assert stored_responses() == []


def test_messages_are_english_whatever_the_browser_asks_for(client, place):
    headers = {"Accept-Language": "vi"}
    response = send(client, place["token"], rating(answers={"TC": 5}), **headers)
    assert response.get_json()["errors"]["answers.CHUNG"] == (
        "Please rate your overall satisfaction."
    )


def callback_rating(**changes):
    answers = {"TC": 4, "TT": 2, "CC": 1, "KQ": None, "PA": 3, "CHUNG": 2}
    callback = {"phone": PHONE, "consent_text": CONSENT, "name": "Trần Văn Bình"}
    return rating(answers=answers, callback=callback, comment="Chờ quá lâu.") | changes


def test_a_callback_files_one_ticket_with_the_contact_and_consent(client, place):
    body = callback_rating(officer_code="CB-LAN")
    response = send(client, place["token"], body)
    assert response.status_code == 201
    [ticket] = stored_tickets()
    assert response.get_json() == {
        "id": body["id"],
        "status": "created",
        "ticket_code": ticket.code,
    }
    [stored] = stored_responses()
    assert ticket.response == stored
    assert (ticket.channel, ticket.status) == (TicketChannel.KIOSK, TicketStatus.RECEIVED)
    assert (ticket.contact_phone, ticket.contact_name, ticket.consent_text) == (
        PHONE,
        "Trần Văn Bình",
        CONSENT,
    )
    assert ticket.consent_at == ticket.received_at == stored.submitted_at
    assert (ticket.unit, ticket.counter, ticket.officer) == (
        place["unit"],
        place["counter"],
        place["officer"],
    )
    assert "Chờ quá lâu." in ticket.content and "Sự phục vụ của công chức: 1" in ticket.content
    assert PHONE not in ticket.content and "Trần Văn Bình" not in ticket.content


def test_a_callback_rating_waits_once_on_the_tally_queue_as_every_rating(client, place):
    with recorded_statements() as statements:
        assert send(client, place["token"], callback_rating()).status_code == 201
    [stored] = stored_responses()
    assert queued_response_ids() == [stored.id]
    # Written by insert_response's statements, before the ticket that names it.
    writes = [s.split(" (")[0] for s in statements if s.startswith(("INSERT", "WITH"))]
    expected = [s for s in RATING_STATEMENTS[db.engine.dialect.name] if not s.startswith("SELECT")]
    assert writes[: len(expected)] == expected
    assert "INSERT INTO tickets" in writes


def test_a_callback_sent_again_files_no_second_ticket(client, place):
    body = callback_rating()
    send(client, place["token"], body)
    again = send(client, place["token"], body)
    assert again.status_code == 200 and "ticket_code" not in again.get_json()
    assert len(stored_tickets()) == 1 and len(stored_responses()) == 1


def test_two_racing_copies_of_a_callback_store_one_rating_and_one_ticket(place, monkeypatch):
    """The second copy checked before the first one committed: the unique keys decide."""
    kiosk = find_live_kiosk(place["token"])
    body = callback_rating()  # two copies of one rating: the same content
    first = kiosk_ratings.submit_kiosk_rating(kiosk, _rating_of(body))
    monkeypatch.setattr(kiosk_ratings, "get_response_by_ref", lambda unit_id, ref: None)
    second = kiosk_ratings.submit_kiosk_rating(kiosk, _rating_of(body))
    assert (first.created, second.created) == (True, False)
    assert second.response.id == first.response.id and second.ticket is None
    assert len(stored_tickets()) == 1 and len(stored_responses()) == 1


def _rating_of(body):
    from kiosk.payloads import parse_rating

    return parse_rating(body)


def test_the_officer_never_sees_the_callers_phone(client, place, tree):
    user = make_user(role=Role.OFFICER, unit=tree[1], officer=place["officer"])
    for number in range(5):
        body = rating(officer_code="CB-LAN", comment=f"Góp ý số {number}.")
        send(client, place["token"], body)
    send(client, place["token"], callback_rating(officer_code="CB-LAN"))
    sign_in(client, user)
    page = client.get(f"/cong-chuc/cua-toi?thang={current_month()}").get_data(as_text=True)
    assert "Góp ý số 4." in page and "Chờ quá lâu." in page
    assert PHONE not in page and "Trần Văn Bình" not in page


def test_ratings_of_a_kiosk_count_in_the_figures_of_its_counter(client, place):
    for overall in (5, 4, 2):
        send(client, place["token"], rating(answers={"TC": 5, "CHUNG": overall}))
    month = Month.containing(datetime.now(UTC), survey_zone())
    figures = compute_figures(ResponseFilter(counter_id=place["counter"].id), month)
    assert figures.responses == 3


def test_a_new_id_is_needed_for_each_rating(client, place):
    """Two citizens' ratings differ by their ids alone: both count."""
    body = rating()
    send(client, place["token"], body)
    send(client, place["token"], body | {"id": str(uuid.uuid4())})
    assert len(stored_responses()) == 2
