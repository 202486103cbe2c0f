"""When the database fails a request: unreachable (citizens keep their answers, API clients are
told to retry) or refusing a value no check caught (a readable 400, never a 500)."""

from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import event

from survey_app.core.extensions import db
from survey_app.models import SurveyResponse
from tests.helpers.api_links import DOSSIER, new_key, post_link
from tests.helpers.builders import full_answers, make_counter, survey_code_of
from tests.helpers.survey_pages import checked_values, hidden_fields, open_survey, parse

BUSY_VI = "Hệ thống đang bận"


@contextmanager
def database_down():
    """Every new connection fails as it does when PostgreSQL is stopped (connection refused)."""

    def refuse(connection):
        raise sa.exc.OperationalError("connect", {}, ConnectionRefusedError("database is down"))

    event.listen(db.engine, "engine_connect", refuse)
    try:
        yield
    finally:
        event.remove(db.engine, "engine_connect", refuse)


def stored_refs() -> list[str]:
    return list(db.session.scalars(sa.select(SurveyResponse.client_ref)))


def test_a_survey_sent_while_the_database_is_down_comes_back_with_every_answer(client):
    code = survey_code_of(make_counter())
    _, form_page = open_survey(client, code)
    answers = {name: str(value) for name, value in full_answers(value=4, TC2=2).items()}
    sent = hidden_fields(form_page) | answers | {"KQ3": "", "comment": "Chờ hơi lâu"}
    with database_down():
        busy = client.post(f"/s/{code}", data=sent)
    assert busy.status_code == 503
    assert busy.headers["Retry-After"].isdigit()
    page = parse(busy)
    assert BUSY_VI in page.select_one("[role=alert]").get_text()
    assert checked_values(page) == answers | {"KQ3": ""}
    assert page.select_one("textarea").get_text() == "Chờ hơi lâu"
    assert hidden_fields(page)["submission_id"] == sent["submission_id"]
    assert stored_refs() == []


def test_sending_the_kept_form_again_stores_the_rating_once(client):
    code = survey_code_of(make_counter())
    _, form_page = open_survey(client, code)
    sent = hidden_fields(form_page) | {k: str(v) for k, v in full_answers().items()}
    with database_down():
        page = parse(client.post(f"/s/{code}", data=sent))
    again = hidden_fields(page) | checked_values(page) | {"comment": ""}
    assert client.post(f"/s/{code}", data=again).status_code == 303
    assert client.post(f"/s/{code}", data=again).status_code == 303
    assert stored_refs() == [sent["submission_id"]]


def test_opening_a_page_while_the_database_is_down_says_to_try_again(client):
    code = survey_code_of(make_counter())
    with database_down():
        response = client.get(f"/s/{code}")
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert BUSY_VI in parse(response).h1.get_text()


def test_a_post_without_a_known_questionnaire_gets_the_plain_busy_page(client):
    code = survey_code_of(make_counter())
    with database_down():
        response = client.post(f"/s/{code}", data={"CHUNG": "5", "instrument": "no-such"})
    assert response.status_code == 503
    assert BUSY_VI in parse(response).h1.get_text()


def test_the_api_answers_503_json_that_asks_to_retry(client, tree):
    key = new_key(tree[1])
    with database_down():
        response = post_link(client, key, dossier_code=DOSSIER, unit_code="XA-A")
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    body = response.get_json()
    assert body["error"] == "unavailable" and body["retry"] is True
    assert body["message"]


def test_a_value_the_database_cannot_hold_is_refused_not_a_server_error(client, monkeypatch):
    from survey_app.blueprints import survey

    def unstorable(code, **options):
        raise sa.exc.DataError("SELECT", {}, ValueError("NUL (0x00) bytes"))

    monkeypatch.setattr(survey, "get_live_survey_code", unstorable)
    page = client.get("/s/ABCDEFGH")
    assert page.status_code == 400
    assert parse(page).h1.get_text(strip=True) == "Không thể xử lý yêu cầu"


def test_the_api_refuses_a_value_the_database_cannot_hold_in_json(client, tree, monkeypatch):
    from survey_app.blueprints import api

    def unstorable(key):
        raise sa.exc.DataError("SELECT", {}, ValueError("NUL (0x00) bytes"))

    monkeypatch.setattr(api, "find_api_key", unstorable)
    response = post_link(client, "sk_x_y", dossier_code=DOSSIER)
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request" and response.get_json()["message"]


def test_a_connection_lost_before_the_end_of_a_request_does_not_spoil_its_answer(client):
    """The page was read; the database went away before the request's closing rollback."""
    code = survey_code_of(make_counter())

    def connection_lost(connection):
        raise sa.exc.OperationalError("ROLLBACK", {}, ConnectionResetError("server closed"))

    event.listen(db.engine, "rollback", connection_lost)
    try:
        page = client.get(f"/s/{code}")
    finally:
        event.remove(db.engine, "rollback", connection_lost)
    assert page.status_code == 200
    assert open_survey(client, code)[0].status_code == 200  # the next request has a connection
