"""The levels text: one digit per item position, read back the same in Python and in SQL."""

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import Item, SurveyResponse
from survey_app.models.levels import answered, decode, encode, value_at
from tests.helpers.builders import full_answers, make_response

CODES = ["TC1", "TC2", "CC1", "CHUNG"]


def test_encode_writes_one_digit_per_item_in_position_order():
    assert encode(CODES, {"CHUNG": 4, "TC1": 5, "CC1": None}) == "5004"


def test_decode_leaves_out_the_unanswered_items():
    assert decode(CODES, "5004") == {"TC1": 5, "CHUNG": 4}


@pytest.mark.parametrize("answers", [{"XX": 4}, {"TC1": 6}, {"TC1": 0}, {"TC1": "5"}])
def test_encode_refuses_unknown_items_and_levels_off_the_scale(answers):
    with pytest.raises(ValueError):
        encode(CODES, answers)


def test_decode_refuses_levels_of_another_length():
    with pytest.raises(ValueError):
        decode(CODES, "50040")


def test_sql_reads_the_same_answers_as_python(app):
    answers = full_answers(TC1=1, TT2=None, CC3=2, CHUNG=3)
    stored = make_response(answers=answers)
    rows = db.session.execute(
        sa.select(Item.code, value_at(SurveyResponse.levels, Item.position))
        .join(Item, answered(SurveyResponse, Item))
        .where(SurveyResponse.id == stored.id)
    ).all()
    expected = {code: value for code, value in answers.items() if value is not None}
    assert dict(rows) == expected == stored.answer_values()
    assert len(stored.levels) == len(stored.instrument.items)
