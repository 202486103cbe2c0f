"""The one-time survey behind a dossier's link: it opens once, and a dossier counts once."""

import threading

import pytest

from survey_app.core.extensions import db
from survey_app.models import Channel, SurveyCode
from survey_app.queries.instruments import get_current_instrument
from survey_app.services.responses.submit import DossierAlreadyRated, Submission, submit_response
from tests.helpers.api_links import DOSSIER, make_link, new_key, post_link, stored_responses
from tests.helpers.builders import full_answers, make_counter, make_officer
from tests.helpers.survey_pages import hidden_fields, open_survey, parse, send_survey

pytestmark = pytest.mark.usefixtures("public_url")


def test_a_link_opens_the_survey_once_and_stores_the_dossier(app, client, tree):
    counter, officer = make_counter(unit=tree[1]), make_officer(unit=tree[1])
    code = make_link(client, tree[1], counter_code=counter.code, officer_code=officer.code)
    opened, page = open_survey(client, code)
    assert opened.status_code == 200 and page.select_one("form input[name=CHUNG]")
    posted, _ = send_survey(client, code, full_answers())
    assert posted.status_code == 303
    [stored] = stored_responses()
    assert (stored.dossier_code, stored.counter_id, stored.officer_id) == (
        DOSSIER,
        counter.id,
        officer.id,
    )
    assert db.session.get(SurveyCode, code).used_at is not None
    assert client.get(posted.headers["Location"]).status_code == 200  # thank-you still works


def test_a_used_link_says_already_answered(client, tree):
    code = make_link(client, tree[1], unit_code="XA-A")
    send_survey(client, code, full_answers())
    response = client.get(f"/s/{code}?lang=en")
    assert response.status_code == 410
    page = parse(response)
    assert page.h1.get_text(strip=True) == "This survey has already been answered"
    assert page.select("form") == []


def test_the_api_reports_a_used_link_as_answered(client, tree):
    key = new_key(tree[1])
    code = post_link(client, key, dossier_code=DOSSIER, unit_code="XA-A").get_json()["code"]
    send_survey(client, code, full_answers())
    again = post_link(client, key, dossier_code=DOSSIER, unit_code="XA-A")
    assert again.status_code == 200
    assert again.get_json()["answered"] is True


def test_a_second_phone_cannot_rate_the_dossier_again(app, client, tree):
    code = make_link(client, tree[1], unit_code="XA-A")
    other_phone = app.test_client()
    _, early_page = open_survey(other_phone, code)  # opened before the first rating was sent
    send_survey(client, code, full_answers(value=5))
    data = hidden_fields(early_page) | full_answers(value=1)
    late = other_phone.post(f"/s/{code}", data=data)
    assert late.status_code == 410
    [stored] = stored_responses()
    assert stored.answer_values()["CHUNG"] == 5


def test_a_double_tap_on_send_lands_on_the_thank_you_page(client, tree):
    code = make_link(client, tree[1], unit_code="XA-A")
    first, data = send_survey(client, code, full_answers())
    second = client.post(f"/s/{code}", data=data)
    assert (first.status_code, second.status_code) == (303, 303)
    assert second.headers["Location"] == first.headers["Location"]
    assert len(stored_responses()) == 1


def rate_dossier_elsewhere(unit, client_ref: str = "kiosk-1"):
    """The same dossier rated through another channel (a kiosk)."""
    return submit_response(
        Submission(
            client_ref=client_ref,
            unit=unit,
            instrument=get_current_instrument(unit.instrument_code),
            answers=full_answers(value=4),
            channel=Channel.KIOSK,
            dossier_code=DOSSIER,
        )
    )


def test_a_dossier_rated_another_way_closes_its_link(client, tree):
    code = make_link(client, tree[1], unit_code="XA-A")
    rate_dossier_elsewhere(tree[1])
    assert client.get(f"/s/{code}").status_code == 410


def test_a_form_open_while_the_dossier_is_rated_elsewhere_adds_nothing(client, tree):
    code = make_link(client, tree[1], unit_code="XA-A")
    _, page = open_survey(client, code)
    rate_dossier_elsewhere(tree[1])
    posted = client.post(f"/s/{code}", data=hidden_fields(page) | full_answers(value=1))
    assert posted.status_code == 410
    assert [r.channel for r in stored_responses()] == [Channel.KIOSK]
    assert db.session.get(SurveyCode, code).used_at is None


def test_one_dossier_is_stored_once_when_two_ratings_race(app, tree):
    unit_id, outcomes = tree[1].id, []
    barrier = threading.Barrier(2)

    def rate(client_ref: str):
        try:
            with app.app_context():
                barrier.wait()
                unit = db.session.get(type(tree[1]), unit_id)
                outcomes.append(rate_dossier_elsewhere(unit, client_ref).created)
        except DossierAlreadyRated:
            outcomes.append("refused")

    threads = [threading.Thread(target=rate, args=(ref,)) for ref in ("kiosk-1", "kiosk-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [True, "refused"]
    assert len(stored_responses()) == 1
