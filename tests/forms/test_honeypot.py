"""The hidden field bots fill in: their submission looks accepted, nothing is stored, one log
line without personal data tells the office."""

import logging

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import SurveyResponse, Ticket
from tests.helpers.builders import full_answers, make_counter, survey_code_of
from tests.helpers.survey_pages import hidden_fields, open_survey, parse, send_survey

BOT_COMMENT = "Mua thuốc giá rẻ tại http://spam.example"


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def assert_hidden_from_people(page) -> None:
    field = page.select_one("input[name=website]")
    assert field["type"] == "text" and field["tabindex"] == "-1"
    assert field["autocomplete"] == "off" and field.get("value") == ""
    wrapper = field.find_parent("div")
    assert wrapper["aria-hidden"] == "true" and "hp" in wrapper["class"]


def test_the_survey_and_complaint_forms_carry_a_field_hidden_from_people(client, tree):
    _, survey = open_survey(client, survey_code_of(make_counter(unit=tree[1])))
    assert_hidden_from_people(survey)
    assert_hidden_from_people(parse(client.get(f"/phan-anh/{tree[1].code}")))
    stylesheet = client.get("/static/css/survey.css")
    assert ".hp{position:absolute;left:-10000px" in stylesheet.get_data(as_text=True)
    stylesheet.close()


def test_a_survey_with_the_field_filled_thanks_the_bot_and_stores_nothing(client, caplog):
    code = survey_code_of(make_counter())
    with caplog.at_level(logging.WARNING):
        posted, _ = send_survey(
            client, code, full_answers(), comment=BOT_COMMENT, extra={"website": "spam.example"}
        )
    assert posted.status_code == 200
    assert parse(posted).h1.get_text(strip=True) == "Cảm ơn Ông/Bà đã đánh giá"
    assert count(SurveyResponse) == 0
    [line] = [record.getMessage() for record in caplog.records if "honeypot" in record.getMessage()]
    assert "survey" in line and BOT_COMMENT not in line and "127.0.0.1" not in line


def test_a_person_sending_the_empty_field_is_counted(client):
    posted, _ = send_survey(
        client, survey_code_of(make_counter()), full_answers(), extra={"website": ""}
    )
    assert posted.status_code == 303
    assert count(SurveyResponse) == 1


def test_a_complaint_with_the_field_filled_gets_a_code_that_leads_nowhere(client, tree, caplog):
    url = f"/phan-anh/{tree[1].code}"
    data = hidden_fields(parse(client.get(url))) | {
        "content": BOT_COMMENT,
        "contact_phone": "0912 345 678",
        "website": "spam.example",
    }
    with caplog.at_level(logging.WARNING):
        posted = client.post(url, data=data)
    assert posted.status_code == 200
    page = parse(posted)
    decoy_code = page.select_one("#tracking-code").get_text(strip=True)
    assert len(decoy_code) == 10
    assert count(Ticket) == 0
    assert client.get(f"/t/{decoy_code}").status_code == 404
    [line] = [record.getMessage() for record in caplog.records if "honeypot" in record.getMessage()]
    assert tree[1].code in line and "0912" not in line and BOT_COMMENT not in line
