"""The citizen's survey form, built from an instrument's items."""

import unicodedata
import uuid
from dataclasses import dataclass
from functools import cache

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from wtforms import Field, HiddenField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from forms import honeypot
from survey_app.core.patterns import CLIENT_ID_PATTERN
from survey_app.models import OVERALL_ITEM, SCALE, Instrument
from survey_app.models.response import COMMENT_MAX_LENGTH

KEPT_CONTROLS = frozenset("\t\n\r")
# "instrument" names the questionnaire, so the form can be shown again while the database is down.
FIXED_FIELDS = frozenset({"comment", "submission_id", "csrf_token", "instrument", honeypot.FIELD})


def to_level(value):
    """'' means "Không có ý kiến"; anything unparsable is kept so the validator can name it."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def on_scale(form, field) -> None:
    if field.data is not None and field.data not in SCALE:
        raise ValidationError(_l("Choose one of the five levels."))


def strip_text(value):
    """Trimmed, without control characters: nobody types them, a NUL byte cannot even be
    stored in PostgreSQL, and the rest would only garble the officers' screens and exports.
    Line breaks and tabs stay."""
    if not isinstance(value, str):
        return value
    return "".join(
        c for c in value if c in KEPT_CONTROLS or unicodedata.category(c) != "Cc"
    ).strip()


# The page writes its own labels; a field without one would look up a translation of its name
# on every request (WTForms' default label), about 25 look-ups per rating sent.
UNUSED_LABEL = ""


class SurveyForm(FlaskForm):
    submission_id = HiddenField(label=UNUSED_LABEL)
    comment = TextAreaField(
        label=UNUSED_LABEL,
        filters=[strip_text],
        validators=[
            Length(
                max=COMMENT_MAX_LENGTH,
                message=_l("The comment is too long (at most %(max)d characters)."),
            )
        ],
    )

    def fresh_submission_id(self) -> str:
        """The id that makes a double tap or a resubmission count once."""
        if not CLIENT_ID_PATTERN.match(self.submission_id.data or ""):
            self.submission_id.data = uuid.uuid4().hex
        return self.submission_id.data

    def answers(self, item_codes: list[str]) -> dict[str, int | None]:
        return {code: self[code].data for code in item_codes}


@cache
def survey_form_class(instrument_id: int, item_codes: tuple[str, ...]) -> type[SurveyForm]:
    """One form class per instrument version; item codes are the field names."""
    fields = {code: _level_field(code) for code in item_codes}
    return type(f"SurveyForm{instrument_id}", (SurveyForm,), fields)


class LevelField(Field):
    """One answer on the 1–5 scale, rendered as radios by the template; '' is "No opinion"."""

    def process_formdata(self, valuelist):
        self.data = to_level(valuelist[0]) if valuelist else None


def _level_field(code: str) -> LevelField:
    validators = [on_scale]
    if code == OVERALL_ITEM:
        validators.insert(0, InputRequired(message=_l("Please rate your overall satisfaction.")))
    return LevelField(label=UNUSED_LABEL, validators=validators)


def build_survey_form(instrument: Instrument) -> SurveyForm:
    form_class = survey_form_class(instrument.id, tuple(item.code for item in instrument.items))
    return form_class()


def unknown_field_names(submitted_names, form: SurveyForm) -> list[str]:
    allowed = FIXED_FIELDS | {field.name for field in form}
    return sorted(set(submitted_names) - allowed)


@dataclass(frozen=True)
class PostedSurvey:
    answers: dict[str, int | None]
    comment: str
    submission_id: str


def read_posted_survey(item_codes: tuple[str, ...]) -> PostedSurvey | None:
    """The sent form read without WTForms, when the SurveyForm would find nothing wrong: the
    same checks (CSRF token, each level on the scale, the overall rating given, the comment's
    length, no unknown field) and the same values. None: something may be wrong, and the
    SurveyForm, built as before, says what and shows the page again with what the citizen
    chose. Building and validating that form cost about a fifth of a rating's CPU."""
    data = request.form
    if request.files or not data or not _allowed_names(item_codes).issuperset(data.keys()):
        return None
    if not _csrf_token_valid(data):
        return None
    answers = {}
    for code in item_codes:
        values = data.getlist(code)
        level = to_level(values[0]) if values else None
        if level is not None and level not in SCALE:
            return None
        answers[code] = level
    if OVERALL_ITEM in answers and not data.get(OVERALL_ITEM):  # InputRequired's test
        return None
    comments = data.getlist("comment")
    comment = strip_text(comments[0]) if comments else None
    if comment and len(comment) > COMMENT_MAX_LENGTH:
        return None
    submission_id = data.get("submission_id") or ""
    if not CLIENT_ID_PATTERN.match(submission_id):  # as SurveyForm.fresh_submission_id
        submission_id = uuid.uuid4().hex
    return PostedSurvey(answers, comment or "", submission_id)


@cache
def _allowed_names(item_codes: tuple[str, ...]) -> frozenset[str]:
    return FIXED_FIELDS | frozenset(item_codes)


def _csrf_token_valid(data) -> bool:
    """Flask-WTF's check of the form's token, with the settings its form reads."""
    config = current_app.config
    if not config.get("WTF_CSRF_ENABLED", True) or g.get("csrf_valid", False):
        return True
    try:
        validate_csrf(data.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token")))
    except ValidationError:
        return False
    return True
