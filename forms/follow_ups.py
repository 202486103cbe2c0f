"""The follow-up of flagged responses: one form for one response or many ticked together."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from forms.survey import strip_text
from survey_app.models import FollowUpState
from survey_app.models.follow_ups import ACTION_MAX_LENGTH, NOTE_MAX_LENGTH

FOLLOW_UP_STATE_LABELS = {
    FollowUpState.NEW: _l("New"),
    FollowUpState.IN_PROGRESS: _l("Being handled"),
    FollowUpState.DONE: _l("Handled"),
    FollowUpState.UNREACHABLE: _l("Could not be reached"),
}


class FollowUpForm(FlaskForm):
    # Tokens of the ticked responses (analytics.follow_ups.response_token).
    responses = SelectMultipleField(validate_choice=False)
    state = SelectField(
        _l("State"),
        choices=[
            SelectChoice(state.value, label) for state, label in FOLLOW_UP_STATE_LABELS.items()
        ],
        validators=[InputRequired(_l("Choose a state."))],
    )
    handler = SelectField(_l("Handled by"), validate_choice=False)
    action = StringField(
        _l("Action taken"),
        filters=[strip_text],
        validators=[Length(max=ACTION_MAX_LENGTH, message=_l("Use at most %(max)d characters."))],
    )
    note = TextAreaField(
        _l("Note"),
        filters=[strip_text],
        validators=[Length(max=NOTE_MAX_LENGTH, message=_l("Use at most %(max)d characters."))],
    )
