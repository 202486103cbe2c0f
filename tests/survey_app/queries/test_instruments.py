"""The per-process copy of an instrument that the survey page and the rating services read."""

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import SurveyResponse
from survey_app.queries import instruments as instrument_reads
from survey_app.queries import instruments as queries
from survey_app.queries.instruments import get_cached_instrument, get_current_instrument
from tests.helpers.builders import full_answers, make_counter, survey_code_of
from tests.helpers.statements import count_statements
from tests.helpers.survey_pages import send_survey


def test_the_copy_has_the_current_version_and_its_items_in_order(app):
    copy = get_cached_instrument("sipas-2023")
    instrument = get_current_instrument("sipas-2023")
    assert (copy.id, copy.code, copy.version) == (instrument.id, "sipas-2023", instrument.version)
    assert [(i.id, i.code, i.factor) for i in copy.items] == [
        (i.id, i.code, i.factor) for i in instrument.items
    ]
    assert copy.items[0].text("vi") == instrument.items[0].text_vi
    assert copy.name("en") == instrument.name_en


def test_a_second_read_costs_no_query(app):
    get_cached_instrument("kiosk-5")
    assert count_statements(lambda: get_cached_instrument("kiosk-5")) == 0


def test_the_copy_is_read_again_after_a_while(app, monkeypatch):
    get_cached_instrument("kiosk-5")
    later = queries.time.monotonic() + instrument_reads.INSTRUMENT_CACHE_SECONDS + 1
    monkeypatch.setattr(queries.time, "monotonic", lambda: later)
    assert count_statements(lambda: get_cached_instrument("kiosk-5")) > 0


def test_an_unknown_instrument_is_none(app):
    assert get_cached_instrument("no-such-instrument") is None


def test_a_rating_sent_through_the_copy_stores_the_right_items(client):
    code = survey_code_of(make_counter())
    get_cached_instrument("sipas-2023")  # this process already read it
    answers = full_answers(value=5, TC1=2, PA3=None)
    assert send_survey(client, code, answers)[0].status_code == 303
    stored = db.session.scalars(sa.select(SurveyResponse)).one()
    assert stored.instrument.code == "sipas-2023"
    assert stored.answer_values() == {k: v for k, v in answers.items() if v is not None}
