import re
from collections import Counter as Tally
from datetime import date
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from survey_app.cli import demo_address, main
from survey_app.core.extensions import db
from survey_app.demo.loader import load_demo, months_before
from survey_app.models import (
    Channel,
    Counter,
    Officer,
    Procedure,
    Role,
    SurveyResponse,
    Ticket,
    TicketStatus,
    Unit,
    utcnow,
)
from tests.helpers.app import empty_tables
from tests.helpers.staff_pages import sign_in
from tests.helpers.statements import queued_response_ids
from tests.helpers.survey_pages import parse

TODAY = date(2026, 3, 15)
SURVEY_URL = re.compile(r"http://127\.0\.0\.1:(\d+)(/s/[A-Z0-9]{8})")
KIOSK_URL = re.compile(r"http://127\.0\.0\.1:5123/kiosk/#pair=[A-Z0-9]{8}")


@pytest.fixture(scope="module")
def demo(migrated_app):
    """Loading takes about a second, so these read-only tests share one load."""
    with migrated_app.app_context():
        yield load_demo(TODAY)
        db.session.remove()
        empty_tables()


def _responses() -> list[SurveyResponse]:
    return list(db.session.scalars(sa.select(SurveyResponse)))


def test_demo_builds_a_province_centre_with_two_communes(demo):
    root, *communes = demo.units
    assert root.code == "LD-TTHCC" and root.parent is None
    assert root.name == "Trung tâm Phục vụ hành chính công tỉnh Lâm Đồng"
    assert [unit.parent for unit in communes] == [root, root]
    assert sorted(unit.instrument_code for unit in demo.units) == [
        "sipas-2017",
        "sipas-2023",
        "sipas-2023",
    ]


def test_every_demo_unit_has_counters_by_field_and_officers_on_them(demo):
    for unit in demo.units:
        assert 3 <= len(unit.counters) <= 5
        assert all(counter.field and counter.field in counter.name for counter in unit.counters)
        assert 2 <= len(unit.officers) <= 4
        for officer in unit.officers:
            assert len(officer.full_name.split()) >= 3
            assert 1 <= len(officer.counters) <= 2
            assert {counter.unit for counter in officer.counters} == {unit}


def test_every_counter_and_officer_has_a_survey_code(demo):
    counters = db.session.scalars(sa.select(Counter)).all()
    officers = db.session.scalars(sa.select(Officer)).all()
    coded = {code.counter or code.officer for code in demo.survey_codes}
    assert coded == set(counters) | set(officers)
    assert all(re.fullmatch(r"[A-Z0-9]{8}", code.code) for code in demo.survey_codes)


def test_procedures_belong_to_the_fields_of_the_counters(demo):
    procedures = db.session.scalars(sa.select(Procedure)).all()
    counter_fields = {counter.field for counter in db.session.scalars(sa.select(Counter))}
    assert len(procedures) >= 10
    assert "Đăng ký khai sinh" in {procedure.name for procedure in procedures}
    assert {procedure.field for procedure in procedures} <= counter_fields


def test_responses_fill_the_last_13_months_and_none_is_in_the_future(demo):
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    local_days = [response.submitted_at.astimezone(zone).date() for response in _responses()]
    assert 400 <= len(local_days) <= 600 and demo.responses == len(local_days)
    assert min(local_days) >= months_before(TODAY, 13) == date(2025, 2, 15)
    assert max(local_days) < TODAY
    assert len({(day.year, day.month) for day in local_days}) >= 12
    assert all(day.weekday() < 5 for day in local_days)


def test_every_demo_response_waits_once_on_the_tally_queue(demo):
    """Written as every rating is (insert_responses): one queue row each, none other."""
    assert queued_response_ids() == sorted(response.id for response in _responses())


def test_responses_fall_in_office_hours(demo):
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    hours = {response.submitted_at.astimezone(zone).hour for response in _responses()}
    assert hours <= {7, 8, 9, 10, 11, 13, 14, 15, 16}


def test_responses_are_mostly_satisfied_with_some_flagged_and_commented(demo):
    responses = _responses()
    flagged = [response for response in responses if response.flagged]
    assert 0.08 <= len(flagged) / len(responses) <= 0.25
    assert all(min(response.answer_values().values()) <= 3 for response in flagged)
    commented = [response for response in responses if response.comment]
    assert 0.1 <= len(commented) / len(responses) <= 0.3
    unanswered = [r for r in responses if len(r.answer_values()) < len(r.instrument.items)]
    assert unanswered


def test_channels_attribution_and_instruments(demo):
    responses = _responses()
    channels = Tally(response.channel for response in responses)
    assert channels[Channel.QR] > channels[Channel.PAPER] > 0 and channels[Channel.KIOSK] > 0
    for response in responses:
        expected = "kiosk-5" if response.channel == Channel.KIOSK else response.unit.instrument_code
        assert response.instrument.code == expected
        assert response.counter or response.officer
    assert any(response.procedure for response in responses)
    assert all(response.client_ref.startswith("demo-") for response in responses)


def test_loading_again_adds_nothing(demo):
    again = load_demo(TODAY)
    assert not again.created and demo.created
    assert again.responses == demo.responses == len(_responses())
    assert [unit.code for unit in again.units] == [unit.code for unit in demo.units]
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == 3


def test_demo_command_reuses_the_data_and_prints_links_that_open_the_survey(
    demo, migrated_app, database_url
):
    env = {
        "SURVEY_DATABASE_URL": database_url,
        "SURVEY_ENV": "development",
        "FLASK_RUN_FROM_CLI": None,  # FlaskGroup sets it; CliRunner restores it afterwards
    }
    # A PostgreSQL test database is refused without the flag
    # (tests/survey_app/cli/test_demo_guard.py).
    forced = [] if database_url.startswith("sqlite") else ["--allow-published-passwords"]
    command = ["demo", "--no-serve", "--port", "5123", *forced]
    result = CliRunner().invoke(main, command, env=env)
    assert result.exit_code == 0, result.output
    assert "already there" in result.output
    assert f"Responses in the demo units: {demo.responses}" in result.output
    assert (
        "Sign-in accounts at http://127.0.0.1:5123/dang-nhap (password: mot-cua-demo-2026)"
        in result.output
    )
    for username in ("quantri", "lanhdao.ductrong", "xuly.xuanhuong", "congchuc.dt01"):
        assert username in result.output
    assert "Serving on" not in result.output
    assert len(KIOSK_URL.findall(result.output)) == 2
    assert "Open at every hour, days off too: rate on them now, even on a Sunday night." in (
        result.output
    )
    links = SURVEY_URL.findall(result.output)
    assert len(links) == len(demo.survey_codes) and {port for port, _ in links} == {"5123"}
    client = migrated_app.test_client()
    for _, path in links[:3]:
        page = parse(client.get(path))
        assert "Trung tâm Phục vụ hành chính công tỉnh Lâm Đồng" in page.get_text()


def test_demo_tablets_are_open_at_every_hour_and_pair_with_the_printed_code(demo, migrated_app):
    fresh = load_demo(TODAY)  # each start gives new codes: the fixture's are spent by now
    assert [k.kiosk.counter.code for k in fresh.kiosks] == ["DT-Q1", "TTHCC-Q2"]
    assert all(k.kiosk.always_open for k in fresh.kiosks)
    response = pair(migrated_app, fresh.kiosks[1].pairing_code)
    assert response.status_code == 201
    config = response.get_json()["config"]
    assert (config["always_open"], config["closed_days"]) == (True, [])
    assert config["kiosk"]["counter_code"] == "TTHCC-Q2"


def test_each_demo_start_gives_the_tablets_new_pairing_codes(demo, migrated_app):
    first, second = load_demo(TODAY).kiosks[0], load_demo(TODAY).kiosks[0]
    assert first.kiosk == second.kiosk and first.pairing_code != second.pairing_code
    assert pair(migrated_app, first.pairing_code).status_code == 404
    assert pair(migrated_app, second.pairing_code).status_code == 201


def pair(app, code: str):
    return app.test_client().post("/api/v1/kiosk/pair", json={"pairing_code": code})


def test_demo_accounts_cover_every_role_and_sign_in(demo, migrated_app):
    roles = {user.username: (user.role, user.unit.code) for user in demo.accounts}
    assert roles == {
        "quantri": (Role.ADMINISTRATOR, "LD-TTHCC"),
        "lanhdao.ductrong": (Role.MANAGER, "LD-DUCTRONG"),
        "xuly.xuanhuong": (Role.COMPLAINT_HANDLER, "LD-XUANHUONG"),
        "congchuc.dt01": (Role.OFFICER, "LD-DUCTRONG"),
    }
    officer_account = next(user for user in demo.accounts if user.role is Role.OFFICER)
    assert officer_account.officer.code == "DT-CB01"
    response = sign_in(migrated_app.test_client(), officer_account, password=demo.password)
    assert response.status_code == 302


def test_demo_tickets_show_every_urgency_and_a_finished_case(demo, migrated_app):
    tickets = list(db.session.scalars(sa.select(Ticket)))
    assert {ticket.status for ticket in tickets} == {
        TicketStatus.RECEIVED,
        TicketStatus.ANSWERED,
        TicketStatus.CLOSED,
    }
    assert all(ticket.received_at <= utcnow() for ticket in tickets)
    closed = next(ticket for ticket in tickets if ticket.status is TicketStatus.CLOSED)
    assert closed.handling_rating == 4 and closed.answer


def test_the_demo_serves_and_remembers_its_own_address(
    demo, migrated_app, database_url, tmp_path, monkeypatch
):
    """Its links name the port it serves, even with a public address set for production, and
    `survey-app qr` on its database later encodes that same address."""
    env = {
        "SURVEY_DATABASE_URL": database_url,
        "SURVEY_ENV": "development",
        "SURVEY_PUBLIC_URL": "https://khaosat.example.gov.vn",
        "SURVEY_INSTANCE_PATH": str(tmp_path),
        "FLASK_RUN_FROM_CLI": None,
    }
    forced = [] if database_url.startswith("sqlite") else ["--allow-published-passwords"]
    arguments = ["demo", "--no-serve", "--port", "5124", *forced]
    result = CliRunner().invoke(main, arguments, env=env)
    assert result.exit_code == 0, result.output
    assert "khaosat.example.gov.vn" not in result.output
    assert {port for port, _ in SURVEY_URL.findall(result.output)} == {"5124"}
    monkeypatch.setattr(migrated_app, "instance_path", str(tmp_path))
    remembered = demo_address.recall(migrated_app)
    assert remembered == demo_address.DemoAddress("http://127.0.0.1:5124", "LD-TTHCC")
