"""Every form a browser can post is protected against cross-site requests: a post without the
page's token is refused. Staff forms are refused before the view runs (400, logged by
Flask-WTF); the citizen's forms check their own token so that an expired one keeps the answers,
and store nothing without it. Only the JSON APIs (keys and device tokens, no cookies) are exempt.
"""

import logging

import pytest
import sqlalchemy as sa
from werkzeug.routing import IntegerConverter

from survey_app.core.extensions import csrf, db
from survey_app.models import SurveyResponse, Ticket, TicketStatus, utcnow
from tests.helpers.builders import full_answers, make_counter, survey_code_of
from tests.helpers.tickets import new_ticket

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
API_PREFIX = "/api/"
# Blueprints that check the token in their own forms (see self_checked_posts below).
SELF_CHECKED_BLUEPRINTS = {"survey", "complaints", "contact_rights"}
TOO_LONG = "The page was open for too long"


def browser_posts(app):
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if rule.methods & UNSAFE_METHODS and not rule.rule.startswith(API_PREFIX)
        ),
        key=lambda rule: rule.endpoint,
    )


def any_url(rule) -> str:
    """The URL with made-up values: the token check comes before anything is looked up."""
    values = {
        name: 1 if isinstance(rule._converters[name], IntegerConverter) else "X1"
        for name in rule.arguments
    }
    return rule.build(values, append_unknown=False)[1]


def test_only_the_apis_and_the_self_checking_citizen_forms_are_exempt(app):
    exempt = {blueprint.name for blueprint in csrf._exempt_blueprints}
    api_blueprints = {
        rule.endpoint.split(".")[0]
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API_PREFIX)
    }
    assert exempt - api_blueprints == SELF_CHECKED_BLUEPRINTS
    assert not csrf._exempt_views


def test_every_staff_post_without_a_token_is_refused(app, client, admin, caplog):
    checked = []
    for rule in browser_posts(app):
        if rule.endpoint.split(".")[0] in SELF_CHECKED_BLUEPRINTS:
            continue
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="flask_wtf.csrf"):
            response = client.post(any_url(rule), data={"name": "x"})
        assert response.status_code == 400, (rule, response.status_code)
        assert "The CSRF token is missing." in caplog.messages, rule
        checked.append(rule.endpoint)
    assert "auth.sign_out" in checked and "api_keys.revoke_api_key" in checked


@pytest.fixture
def citizen(client):
    client.get("/", query_string={"lang": "en"})
    return client


def test_a_survey_posted_without_its_token_stores_nothing(citizen):
    code = survey_code_of(make_counter())
    answers = {name: str(value) for name, value in full_answers().items()}
    response = citizen.post(f"/s/{code}", data=answers | {"submission_id": "a" * 32})
    assert response.status_code == 422
    assert TOO_LONG in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 0


def test_a_complaint_posted_without_its_token_stores_nothing(citizen, tree):
    response = citizen.post(f"/phan-anh/{tree[1].code}", data={"content": "Phải chờ quá lâu."})
    assert response.status_code == 422
    assert TOO_LONG in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0


def test_a_rating_posted_without_its_token_is_not_recorded(citizen, tree):
    ticket = new_ticket(tree[1])
    ticket.status, ticket.answer, ticket.answered_at = TicketStatus.ANSWERED, "Đã xử lý.", utcnow()
    db.session.commit()
    response = citizen.post(f"/t/{ticket.code}", data={"rating": "5"})
    assert response.status_code == 422
    assert TOO_LONG in response.get_data(as_text=True)
    db.session.refresh(ticket)
    assert ticket.handling_rating is None


def test_every_browser_post_is_covered_by_these_tests(app):
    self_checked = {
        rule.endpoint
        for rule in browser_posts(app)
        if rule.endpoint.split(".")[0] in SELF_CHECKED_BLUEPRINTS
    }
    assert self_checked == {
        "survey.answer_survey",
        "complaints.file_form",
        "complaints.show_status",
        "contact_rights.correct_my_data",
        "contact_rights.withdraw_my_consent",
    }


def test_a_withdrawal_or_correction_posted_without_its_token_changes_nothing(citizen, tree):
    ticket = new_ticket(tree[1], contact_phone="0912 345 678", consent_text="Tôi đồng ý.")
    withdrawn = citizen.post(f"/t/{ticket.code}/du-lieu/rut-lai")
    corrected = citizen.post(f"/t/{ticket.code}/du-lieu", data={"contact_phone": "0987 654 321"})
    assert (withdrawn.status_code, corrected.status_code) == (422, 422)
    assert TOO_LONG in corrected.get_data(as_text=True)
    db.session.refresh(ticket)
    assert ticket.contact_phone == "0912 345 678"
