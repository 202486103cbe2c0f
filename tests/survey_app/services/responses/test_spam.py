"""Marking a response as spam: a manager's audited decision; the response stays in the table
but leaves every figure and the export, and the mark can be taken back."""

from datetime import datetime

import sqlalchemy as sa

from analytics.indices import ResponseFilter, compute_figures
from survey_app.core.extensions import db
from survey_app.models import Role, SurveyResponse
from survey_app.months import Month, survey_zone
from survey_app.services.responses.export import export_frame
from tests.helpers.builders import full_answers, make_response, make_user
from tests.helpers.staff_pages import csrf, events, sign_in
from tests.helpers.survey_pages import parse

MONTH = Month(2026, 3)


def march_response(unit, value: int, ref: str) -> SurveyResponse:
    at = datetime(2026, 3, 10, 9, tzinfo=survey_zone())
    return make_response(
        unit=unit, answers=full_answers(value=value), submitted_at=at, client_ref=ref
    )


def spam_url(response: SurveyResponse) -> str:
    return f"/quan-tri/phieu/{response.unit.code}/{response.client_ref}/spam"


def figures_of(unit):
    return compute_figures(ResponseFilter(unit_ids=frozenset({unit.id})), MONTH)


def test_a_manager_marks_spam_which_is_kept_but_left_out_of_figures_and_export(
    client, manager, tree
):
    commune = tree[1]
    march_response(commune, 5, "real")
    spam = march_response(commune, 1, "quang-cao")
    assert figures_of(commune).responses == 2

    posted = client.post(spam_url(spam), data=csrf(client) | {"spam": "1", "next": "/quan-tri/"})
    assert (posted.status_code, posted.location) == (302, "/quan-tri/")

    db.session.expire_all()
    assert db.session.get(SurveyResponse, spam.id).is_spam is True
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 2
    figures = figures_of(commune)
    assert (figures.responses, figures.overall_pct) == (1, 100)
    assert list(export_frame(commune, MONTH, survey_zone())["ref"]) == ["real"]
    [event] = events("survey_response.spam")
    assert (event.actor_id, event.target_key, event.unit_id) == (
        manager.id,
        "quang-cao",
        commune.id,
    )


def test_the_mark_can_be_taken_back(client, manager, tree):
    spam = march_response(tree[1], 1, "nham-lan")
    client.post(spam_url(spam), data=csrf(client) | {"spam": "1"})
    client.post(spam_url(spam), data=csrf(client) | {"spam": "0"})
    db.session.expire_all()
    assert db.session.get(SurveyResponse, spam.id).is_spam is False
    assert figures_of(tree[1]).responses == 1
    assert len(events("survey_response.not_spam")) == 1


def test_a_response_of_another_commune_or_an_unknown_one_is_404(client, manager, tree):
    other = march_response(tree[2], 1, "xa-khac")
    assert client.post(spam_url(other), data=csrf(client)).status_code == 404
    unknown = f"/quan-tri/phieu/{tree[1].code}/khong-co/spam"
    assert client.post(unknown, data=csrf(client)).status_code == 404
    db.session.expire_all()
    assert db.session.get(SurveyResponse, other.id).is_spam is False


def test_officers_and_complaint_handlers_may_not_mark_spam(client, tree):
    response = march_response(tree[1], 1, "thu")
    for role in (Role.OFFICER, Role.COMPLAINT_HANDLER):
        fresh = client.application.test_client()
        sign_in(fresh, make_user(role=role, unit=tree[1]))
        page = parse(fresh.get("/quan-tri/", follow_redirects=True))
        token = {"csrf_token": page.select_one("input[name=csrf_token]")["value"]}
        assert fresh.post(spam_url(response), data=token).status_code == 403


def test_it_never_redirects_off_site(client, manager, tree):
    response = march_response(tree[1], 1, "chuyen-huong")
    posted = client.post(spam_url(response), data=csrf(client) | {"next": "//evil.example/"})
    assert posted.location == "/quan-tri/"
