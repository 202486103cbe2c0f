"""The copies of live survey codes a process keeps: ratings read no code, and a change is seen
at once by the process that made it and within CODE_CACHE_SECONDS by any other."""

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import RatingRules, SurveyCode, SurveyResponse, utcnow
from survey_app.queries import code_cache
from survey_app.queries.code_cache import (
    CODE_CACHE_KEY,
    CODE_CACHE_SECONDS,
    get_live_rules,
    get_live_survey_code,
)
from survey_app.services.codes import rotate_code
from survey_app.services.org.admin import set_active, update_officer
from survey_app.services.responses.holding_rules import (
    HOURS_FIELDS,
    RULE_FIELDS,
    rules_of,
    save_rules,
)
from tests.helpers.builders import full_answers, make_counter, make_officer, survey_code_of
from tests.helpers.statements import reads_of, recorded_statements
from tests.helpers.survey_pages import hidden_fields, open_survey


def open_form(client, code: str) -> dict[str, str]:
    response, page = open_survey(client, code)
    assert response.status_code == 200
    return hidden_fields(page)


def send_from(client, code: str, fields: dict[str, str], ref: str):
    """One more rating from the open form, under its own id."""
    data = fields | {"submission_id": ref} | {k: str(v) for k, v in full_answers().items()}
    return client.post(f"/s/{code}", data=data)


def revoke_elsewhere(code: str) -> None:
    """What another worker or server does: this process's session never sees it."""
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(SurveyCode).where(SurveyCode.code == code).values(revoked_at=utcnow())
        )


def cached_codes(app) -> dict:
    return app.extensions.get(CODE_CACHE_KEY, {})


def later(monkeypatch, seconds: float) -> None:
    now = code_cache.time.monotonic() + seconds
    monkeypatch.setattr(code_cache.time, "monotonic", lambda: now)


def test_a_rating_from_an_open_form_reads_its_code_only_with_the_lock(client):
    """SQLite: the copy the form renewed. PostgreSQL: the code is read in the statement that
    takes the target's lock (services/responses/target_lock.py), never on its own."""
    counter = make_counter()
    code = survey_code_of(counter)
    fields = open_form(client, code)
    with recorded_statements() as statements:
        assert send_from(client, code, fields, "a" * 32).status_code == 303
    reads = reads_of(statements, "survey_codes")
    if db.engine.dialect.name == "postgresql":
        assert len(reads) == 1 and "pg_advisory_xact_lock" in reads[0]
    else:
        assert reads == []
    stored = db.session.scalars(sa.select(SurveyResponse)).one()
    assert (stored.unit_id, stored.counter_id, stored.officer_id) == (
        counter.unit_id,
        counter.id,
        None,
    )


def test_a_rating_through_an_officer_code_names_the_officer(client):
    officer = make_officer(full_name="Trần Văn Hùng")
    code = survey_code_of(officer)
    assert "Trần Văn Hùng" in open_survey(client, code)[0].get_data(as_text=True)
    send_from(client, code, open_form(client, code), "b" * 32)
    stored = db.session.scalars(sa.select(SurveyResponse)).one()
    assert (stored.unit_id, stored.counter_id, stored.officer_id) == (
        officer.unit_id,
        None,
        officer.id,
    )


def test_a_code_replaced_in_this_process_stops_at_once(client):
    code = survey_code_of(make_counter())
    fields = open_form(client, code)
    rotate_code(db.session.get(SurveyCode, code))
    assert send_from(client, code, fields, "c" * 32).status_code == 404


def test_a_counter_deactivated_in_this_process_stops_at_once(client):
    counter = make_counter()
    code = survey_code_of(counter)
    fields = open_form(client, code)
    set_active(counter, False)
    assert send_from(client, code, fields, "d" * 32).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 0


def test_an_officer_renamed_in_this_process_shows_at_once(client):
    officer = make_officer(full_name="Trần Văn Hùng")
    code = survey_code_of(officer)
    open_form(client, code)
    update_officer(officer, full_name="Trần Văn Hưng", counter_codes=[])
    again = send_from(client, code, {}, "e" * 32)  # no CSRF token: the form comes back
    assert again.status_code == 422 and "Trần Văn Hưng" in again.get_data(as_text=True)


def test_a_code_revoked_by_another_process_stops_within_the_cache_time(client, monkeypatch):
    code = survey_code_of(make_counter())
    fields = open_form(client, code)
    revoke_elsewhere(code)
    later(monkeypatch, CODE_CACHE_SECONDS + 0.1)
    assert send_from(client, code, fields, "f" * 32).status_code == 404


def test_opening_the_form_reads_the_code_again(client):
    code = survey_code_of(make_counter())
    open_form(client, code)
    revoke_elsewhere(code)
    assert client.get(f"/s/{code}").status_code == 404


def test_an_unknown_code_is_not_kept_so_a_new_one_works_at_once(app):
    assert get_live_survey_code("KHONGCO1") is None
    assert "KHONGCO1" not in cached_codes(app)


def test_a_one_time_link_is_read_from_the_database_each_time(app):
    counter = make_counter()
    link = SurveyCode(
        code="HSLINK01", unit=counter.unit, counter=counter, dossier_code="HS-1", single_use=True
    )
    db.session.add(link)
    db.session.commit()
    assert isinstance(get_live_survey_code("HSLINK01"), SurveyCode)
    assert "HSLINK01" not in cached_codes(app)


def rules_values(**changes) -> dict:
    defaults = rules_of(0)
    values = {name: getattr(defaults, name) for name in (*RULE_FIELDS, *HOURS_FIELDS)}
    return values | changes


def test_a_units_hold_rules_are_read_once_for_its_ratings(client):
    counter = make_counter()
    code = survey_code_of(counter)
    fields = open_form(client, code)
    send_from(client, code, fields, "1" * 32)
    with recorded_statements() as statements:
        assert send_from(client, code, fields, "2" * 32).status_code == 303
    assert reads_of(statements, "rating_rules") == []


def test_rules_saved_in_this_process_apply_to_the_next_rating_at_once(app):
    counter = make_counter()
    assert get_live_rules(counter.unit_id, rules_of).repeat_minutes == rules_of(0).repeat_minutes
    save_rules(counter.unit, rules_values(repeat_minutes=7), by=None)
    assert get_live_rules(counter.unit_id, rules_of).repeat_minutes == 7


def test_rules_saved_by_another_process_apply_within_the_cache_time(app, monkeypatch):
    unit_id = make_counter().unit_id
    assert get_live_rules(unit_id, rules_of).address_limit == rules_of(0).address_limit
    with db.engine.begin() as connection:  # another worker: this session never sees it
        values = rules_values(address_limit=2) | {"unit_id": unit_id}
        connection.execute(sa.insert(RatingRules).values(values))
    assert get_live_rules(unit_id, rules_of).address_limit == rules_of(0).address_limit
    later(monkeypatch, CODE_CACHE_SECONDS + 0.1)
    assert get_live_rules(unit_id, rules_of).address_limit == 2
