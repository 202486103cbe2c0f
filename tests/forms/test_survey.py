"""The QR survey's sent form read without WTForms (forms/survey.read_posted_survey) agrees with
the SurveyForm: it takes a form only when the SurveyForm finds nothing wrong, with the same
answers, comment and submission id, and takes every such form; the rest is the SurveyForm's."""

import secrets

from flask import session
from hypothesis import given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer
from werkzeug.datastructures import MultiDict

from forms.survey import build_survey_form, read_posted_survey, unknown_field_names
from survey_app.core.patterns import CLIENT_ID_PATTERN
from survey_app.models import OVERALL_ITEM
from survey_app.queries.instruments import get_current_instrument

LEVELS = st.one_of(
    st.sampled_from(["1", "2", "3", "4", "5", ""]),
    st.sampled_from(["0", "6", " 4 ", "3.5", "+2", "４", "abc", "  "]),
    st.text(max_size=4),
)
COMMENTS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "  Cán bộ nhiệt tình. ", "a\x00b\x1b", "x" * 2000, " " + "y" * 2000]),
)
TOKENS = st.sampled_from(["good", "missing", "forged"])


@st.composite
def posts(draw, item_codes: list[str]) -> list[tuple[str, str]]:
    chosen = draw(st.lists(st.sampled_from(item_codes), unique=True))
    pairs = [(code, draw(LEVELS)) for code in chosen]
    if draw(st.booleans()):
        pairs.append((OVERALL_ITEM, draw(st.sampled_from(["1", "3", "5"]))))
    if draw(st.booleans()):  # a name sent twice: the first value counts
        pairs += [(code, draw(LEVELS)) for code, _ in pairs[:1]]
    if draw(st.booleans()):
        pairs.append(("comment", draw(COMMENTS)))
    if draw(st.booleans()):
        pairs.append(("submission_id", draw(st.one_of(st.just(secrets.token_hex(16)), LEVELS))))
    pairs += draw(st.lists(st.tuples(st.sampled_from(["TC9", "website", "instrument"]), LEVELS)))
    return pairs


def test_the_quick_reading_agrees_with_the_survey_form(app):
    instrument = get_current_instrument("sipas-2023")
    codes = tuple(item.code for item in instrument.items)
    signer = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    raw = secrets.token_hex(20)

    @settings(max_examples=300, deadline=None)
    @given(pairs=posts(list(codes)), token=TOKENS)
    def agree(pairs, token):
        if token != "missing":
            pairs = [*pairs, ("csrf_token", signer.dumps(raw if token == "good" else "other"))]
        with app.test_request_context("/s/X", method="POST", data=MultiDict(pairs)):
            session["csrf_token"] = raw  # as the form's page left it
            posted = read_posted_survey(codes)
            form = build_survey_form(instrument)
            sent_id = form.submission_id.data
            unknown = unknown_field_names(dict(pairs), form)
            valid = form.validate() and not unknown
            assert (posted is not None) == valid, (pairs, form.errors, unknown)
            if posted is not None:
                assert posted.answers == form.answers(list(codes))
                assert posted.comment == (form.comment.data or "")
                if CLIENT_ID_PATTERN.match(sent_id or ""):
                    assert posted.submission_id == sent_id
                else:
                    assert CLIENT_ID_PATTERN.match(posted.submission_id)

    agree()
