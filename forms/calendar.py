"""Forms of the working-day calendar page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from forms.org import strip_text
from survey_app.services.calendar import NAME_MAX_LENGTH, SOURCE_MAX_LENGTH

TOO_LONG = _l("Use at most %(max)d characters.")


class OverrideForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Enter a date."))])
    kind = RadioField(
        _l("The day is"),
        choices=[
            SelectChoice("off", _l("a day off")),
            SelectChoice("working", _l("a working day")),
        ],
        validators=[InputRequired(_l("Choose a day off or a working day."))],
    )
    name = StringField(
        _l("Name"),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Enter a name.")),
            Length(max=NAME_MAX_LENGTH, message=TOO_LONG),
        ],
    )
    source = StringField(
        _l("Source document"),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Name the document that decided it.")),
            Length(max=SOURCE_MAX_LENGTH, message=TOO_LONG),
        ],
    )


class RemoveOverrideForm(FlaskForm):
    """Only the CSRF token: the day is in the URL."""


class ConfirmYearForm(FlaskForm):
    document = StringField(
        _l("Deciding document"),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Name the document that published the year's schedule.")),
            Length(max=SOURCE_MAX_LENGTH, message=TOO_LONG),
        ],
    )
