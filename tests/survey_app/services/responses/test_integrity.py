"""Rating integrity (issue 15): one phone cannot move an officer's figures; a busy morning of
honest phones all counts; a flood of ratings never blocks complaints; held ratings count only
once a manager accepts them; a tablet's repeated taps count once."""

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from analytics.indices import ResponseFilter, compute_figures
from analytics.integrity import integrity_counts
from survey_app.blueprints.phone_cookie import COOKIE
from survey_app.core.extensions import db
from survey_app.core.limits import EXTENSION_KEY
from survey_app.models import (
    AuditEvent,
    HoldReason,
    Officer,
    RatingDecision,
    SurveyResponse,
    Unit,
)
from survey_app.models.tallies import PersonResponseTally
from survey_app.months import current_month
from survey_app.services.responses.holding_rules import RatingSource
from survey_app.services.responses.target_lock import LOCK_TARGET
from survey_app.services.tallies import tally_responses
from tests.helpers.app import make_test_app
from tests.helpers.builders import full_answers, make_officer, make_response, survey_code_of
from tests.helpers.staff_pages import csrf, events
from tests.helpers.survey_pages import parse, phone_at, survey_form_data


def all_ones() -> dict:
    return full_answers(value=1)


@pytest.fixture
def officer(tree):
    return make_officer(unit=tree[1], code="CB-LAN", full_name="Nguyễn Thị Lan")


@pytest.fixture
def proxied_app(database_url):
    """Another app on the test database, behind one trusted proxy, limits on as shipped."""
    made = make_test_app(database_url, SURVEY_TRUSTED_PROXIES=1, SURVEY_RATELIMIT_ENABLED=True)
    made.extensions[EXTENSION_KEY].reset()
    yield made
    with made.app_context():
        db.engine.dispose()


def counted_for(officer) -> int:
    return compute_figures(ResponseFilter(officer_id=officer.id), current_month()).responses


def stored_count(**conditions) -> int:
    query = sa.select(sa.func.count()).select_from(SurveyResponse).filter_by(**conditions)
    return db.session.scalar(query)


def flood(client, code: str, ratings: int, answers=None) -> list[int]:
    """The attack of the issue: open the form once, then post it again and again with the same
    cookie and CSRF token and a new random submission id each time."""
    form = survey_form_data(client, code, answers or all_ones())
    return [
        client.post(f"/s/{code}", data=form | {"submission_id": uuid.uuid4().hex}).status_code
        for _ in range(ratings)
    ]


def test_one_phone_posting_40_ratings_to_an_officer_code_counts_once(app, officer):
    code = survey_code_of(officer)
    statuses = flood(phone_at(app), code, 40)

    assert statuses == [303] * 40  # every one gets the thank-you page
    assert stored_count() == 40  # nothing is lost
    assert stored_count(held=True) == 39
    assert counted_for(officer) == 1
    tally_responses()
    assert counted_for(officer) == 1
    assert db.session.scalar(sa.select(sa.func.sum(PersonResponseTally.responses))) == 1
    db.session.expire_all()
    reasons = set(
        db.session.scalars(sa.select(SurveyResponse.hold_reason).where(SurveyResponse.held))
    )
    assert reasons == {HoldReason.PHONE_REPEAT}


def test_a_held_rating_gets_the_same_thank_you_page(app, officer):
    code = survey_code_of(officer)
    client = phone_at(app)
    form = survey_form_data(client, code, all_ones())
    pages = []
    for _ in range(2):
        sent = client.post(f"/s/{code}", data=form | {"submission_id": uuid.uuid4().hex})
        pages.append(parse(client.get(sent.location)).main.get_text(" ", strip=True))
    assert stored_count(held=True) == 1
    assert pages[0] == pages[1]


def test_a_post_without_the_forms_cookie_is_held(app, officer):
    code = survey_code_of(officer)
    client = phone_at(app)
    form = survey_form_data(client, code, all_ones())
    client.delete_cookie(COOKIE, domain="survey.test", path="/s/")
    assert client.post(f"/s/{code}", data=form).status_code == 303
    assert stored_count(held=True, hold_reason=HoldReason.NO_PHONE) == 1
    assert counted_for(officer) == 0


def test_a_forged_cookie_counts_as_none(app, officer):
    code = survey_code_of(officer)
    client = phone_at(app)
    form = survey_form_data(client, code, all_ones())
    client.set_cookie(COOKIE, "bia-dat.chu-ky-gia", domain="survey.test", path="/s/")
    client.post(f"/s/{code}", data=form)
    assert stored_count(held=True, hold_reason=HoldReason.NO_PHONE) == 1


def test_the_phone_may_rate_again_after_the_units_period(app, officer, monkeypatch):
    code = survey_code_of(officer)
    client = phone_at(app)
    flood(client, code, 1)
    later = datetime.now(UTC) + timedelta(minutes=31)
    monkeypatch.setattr("survey_app.services.responses.submit.utcnow", lambda: later)
    flood(client, code, 1)
    assert counted_for(officer) == 2


@pytest.mark.parametrize("one_address", [False, True], ids=["own-addresses", "hall-wifi"])
def test_a_busy_morning_of_twenty_phones_all_counts(proxied_app, tree, one_address):
    """Twenty citizens, each rating once, two or three to each of eight officers within a few
    minutes: through their own addresses, or all behind the commune hall's Wi-Fi."""
    officers = [make_officer(unit=tree[1], code=f"CB-{n}") for n in range(8)]
    statuses = []
    for number in range(20):
        address = "203.0.113.50" if one_address else f"203.0.113.{number + 1}"
        client = phone_at(proxied_app, "127.0.0.1", headers={"X-Forwarded-For": address})
        code = survey_code_of(officers[number % len(officers)])
        answers = full_answers(value=5 if number % 3 else 4)
        form = survey_form_data(client, code, answers)
        statuses.append(client.post(f"/s/{code}", data=form).status_code)
    assert statuses == [303] * 20
    assert stored_count(held=True) == 0
    assert sum(counted_for(each) for each in officers) == 20
    assert {counted_for(each) for each in officers} == {2, 3}


def test_after_a_flood_the_flooding_address_can_still_file_a_complaint(app, limited, tree, officer):
    limited("PUBLIC_CLIENT", "20/hour")  # reached sooner than the shipped 600/hour
    client = phone_at(app)
    statuses = flood(client, survey_code_of(officer), 25)
    assert statuses[-1] == 429
    url = f"/phan-anh/{tree[1].code}"
    _, data = survey_like_form(client, url)
    filed = client.post(url, data=data | {"content": "Phải chờ quá lâu ở quầy."})
    assert filed.status_code == 303
    tracking = client.get(filed.location)
    assert tracking.status_code == 200


def survey_like_form(client, url: str):
    page = parse(client.get(url))
    return page, {f["name"]: f.get("value", "") for f in page.select("input[type=hidden]")}


def test_a_flood_from_many_cookies_at_one_address_is_held(app, officer):
    """Clearing the cookie makes a new phone each time: the address's burst rule holds the
    rest (five a code in ten minutes from one address, by default)."""
    code = survey_code_of(officer)
    for _ in range(12):
        client = phone_at(app, "198.51.100.9")
        flood(client, code, 1)
    assert counted_for(officer) == 5
    assert stored_count(held=True, hold_reason=HoldReason.ADDRESS_BURST) == 7


def test_a_crowd_of_phones_is_capped_per_officer(proxied_app, officer):
    """Many phones through many addresses, all answering 1: the pattern rule caps them."""
    code = survey_code_of(officer)
    for number in range(15):
        client = phone_at(proxied_app, "127.0.0.1", headers={"X-Forwarded-For": f"10.9.0.{number}"})
        client.post(f"/s/{code}", data=survey_form_data(client, code, all_ones()))
    assert counted_for(officer) == 5
    assert stored_count(held=True) == 10


def test_a_unit_sets_its_own_period(client, manager, officer):
    page = client.get(f"/quan-tri/bao-cao/{officer.unit.code}/rating-rules")
    assert page.status_code == 200
    data = csrf(client) | {
        "repeat_minutes": "0",
        "burst_minutes": "10",
        "address_limit": "5",
        "target_limit": "12",
        "pattern_limit": "5",
        "kiosk_repeat_seconds": "10",
    }
    refused = client.post(f"/quan-tri/bao-cao/{officer.unit.code}/rating-rules", data=data)
    assert refused.status_code == 422
    assert "Nhập một số từ 1 đến 1440" in refused.get_data(as_text=True)
    saved = client.post(
        f"/quan-tri/bao-cao/{officer.unit.code}/rating-rules", data=data | {"repeat_minutes": "60"}
    )
    assert saved.status_code == 302
    [event] = events("unit.rating_rules")
    assert event.details["after"]["repeat_minutes"] == 60


def test_accepting_a_burst_adds_exactly_its_ratings_and_rejecting_adds_none(
    app, client, manager, officer
):
    code = survey_code_of(officer)
    flood(phone_at(app, "198.51.100.7"), code, 6)  # 1 counted, 5 held
    tally_responses()  # the held ones are marked tallied, not counted
    dashboard = f"/quan-tri/bao-cao/{officer.unit.code}/{current_month()}"
    page = parse(client.get(dashboard))
    assert "5 phiếu đang chờ xem xét" in page.select_one("#held-title").get_text()
    [line] = page.select("#held-bursts tbody tr")
    cells = [cell.get_text(" ", strip=True) for cell in line.select("td")]
    assert cells[1] == "Nguyễn Thị Lan" and cells[2:5] == ["5", "1", "1"]
    assert cells[5] == "1: 5"
    key = line["data-key"]

    no_reason = client.post(f"{dashboard}/held/{key}", data=csrf(client) | {"decision": "reject"})
    assert no_reason.status_code == 302
    assert stored_count(held=True) == 5  # a rejection needs a reason

    client.post(
        f"{dashboard}/held/{key}",
        data=csrf(client) | {"decision": "reject", "reason": "Một máy gửi liên tục"},
    )
    assert counted_for(officer) == 1
    assert stored_count(is_spam=True) == 5 and stored_count(held=True) == 0
    [decision] = db.session.scalars(sa.select(RatingDecision)).all()
    assert (decision.accepted, decision.ratings, decision.decided_by_id) == (False, 5, manager.id)
    assert decision.reason == "Một máy gửi liên tục"
    [event] = events("rating_burst.reject")
    assert (event.actor_id, event.details["ratings"]) == (manager.id, 5)
    again = client.post(
        f"{dashboard}/held/{key}", data=csrf(client) | {"decision": "accept"}, follow_redirects=True
    )
    assert "đã được quyết định" in again.get_data(as_text=True)
    assert counted_for(officer) == 1

    flood(phone_at(app, "198.51.100.8"), code, 4)  # another phone: 1 counted, 3 held
    assert counted_for(officer) == 2
    [line] = parse(client.get(dashboard)).select("#held-bursts tbody tr")
    client.post(f"{dashboard}/held/{line['data-key']}", data=csrf(client) | {"decision": "accept"})
    assert counted_for(officer) == 5  # at once, before any tally run
    tally_responses()
    assert counted_for(officer) == 5  # and once
    assert db.session.scalar(sa.select(sa.func.sum(PersonResponseTally.responses))) == 5
    assert len(db.session.scalars(sa.select(AuditEvent)).all()) >= 2
    counts = integrity_counts([officer.unit_id], current_month())
    assert (counts.held, counts.rejected, counts.accepted, counts.counted) == (0, 5, 3, 5)


def test_a_manager_of_another_commune_cannot_decide(app, client, tree, officer):
    from tests.helpers.builders import make_user
    from tests.helpers.staff_pages import sign_in

    flood(phone_at(app), survey_code_of(officer), 3)
    sign_in(client, make_user(unit=tree[2]))
    dashboard = f"/quan-tri/bao-cao/{tree[2].code}/{current_month()}"
    assert "#held-bursts" not in client.get(dashboard).get_data(as_text=True)
    held = db.session.scalars(sa.select(SurveyResponse.id).where(SurveyResponse.held)).all()
    key = f"{officer.unit_id}.{officer.id}.0.{min(held)}.{max(held)}"
    client.post(f"{dashboard}/held/{key}", data=csrf(client) | {"decision": "accept"})
    outside = f"/quan-tri/bao-cao/{tree[1].code}/{current_month()}/held/{key}"
    assert client.post(outside, data=csrf(client) | {"decision": "accept"}).status_code == 404
    assert stored_count(held=True) == 2


def test_the_public_page_does_not_fall_under_a_flood(app, client, tree, officer, monkeypatch):
    """The issue's attack made a commune's public page show 1.8 % satisfied: now the flood's
    held ratings stay out of it."""
    monkeypatch.setitem(app.config, "SURVEY_MIN_SAMPLE", 5)
    code = survey_code_of(officer)
    for number in range(5):
        client_of_citizen = phone_at(app, f"203.0.113.{number + 1}")
        flood(client_of_citizen, code, 1, answers=full_answers(value=5))
    flood(phone_at(app, "198.51.100.66"), code, 40)  # 1 counted, 39 held
    page = parse(client.get(f"/cong-khai/{tree[1].code}", query_string={"lang": "en"}))
    assert page.select_one("#responses").get_text(strip=True) == "6"
    assert page.select_one("#overall").get_text(strip=True) == "83.3%"


def test_a_repeat_whose_request_began_first_but_locked_last_is_held(app, officer):
    """Of two racing posts from one phone, the later to take the target's lock may carry the
    earlier time: it must still see the other, committed, and be held, not counted too."""
    source = RatingSource(phone_hash="mot-may", address_hash="mot-dia-chi")
    began = datetime.now(UTC).replace(microsecond=0)
    make_response(officer=officer, answers=all_ones(), source=source,
                  submitted_at=began + timedelta(seconds=1))  # fmt: skip
    make_response(officer=officer, answers=all_ones(), source=source, submitted_at=began)
    assert stored_count() == 2
    assert counted_for(officer) == 1


def test_parallel_posts_from_one_phone_count_once(app, officer):
    """Posts racing to one officer are checked one after another (PostgreSQL's advisory lock on
    the target): eight threads of one phone, one counted rating."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite (development only) does not serialise the checks")
    ids = (officer.unit_id, officer.id)
    source = RatingSource(phone_hash="mot-may", address_hash="mot-dia-chi")
    barrier = threading.Barrier(8)

    def post() -> None:
        with app.app_context():
            unit, one = db.session.get(Unit, ids[0]), db.session.get(Officer, ids[1])
            barrier.wait()
            make_response(officer=one, unit=unit, answers=all_ones(), source=source)
            db.session.remove()

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stored_count() == 8
    assert counted_for(officer) == 1


def test_a_post_of_the_form_waits_for_the_targets_lock(app, officer):
    """The form's own path reads its code with the target's lock taken (one statement,
    services/responses/target_lock.py): while another rating of the target holds the lock,
    the POST waits, and goes on once that one ends."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite (development only) does not serialise the checks")
    code = survey_code_of(officer)
    phone = phone_at(app)
    form = survey_form_data(phone, code, all_ones())
    statuses = []
    with db.engine.connect() as other_rating:
        ids = {"unit": officer.unit_id, "officer": officer.id, "counter": None}
        other_rating.execute(LOCK_TARGET, ids)
        sender = threading.Thread(
            target=lambda: statuses.append(phone.post(f"/s/{code}", data=form).status_code)
        )
        sender.start()
        sender.join(timeout=1)
        assert sender.is_alive() and statuses == []  # waiting for the lock
        other_rating.rollback()
    sender.join(timeout=10)
    assert statuses == [303]
    assert counted_for(officer) == 1
