"""Forms of the unit, counter and officer pages and of the organisation import.

Only the shape is checked here; codes (pattern, uniqueness) and an officer's counters are
business rules checked by survey_app.services.org.admin, which names the field at fault.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from survey_app.core.patterns import EMAIL_PATTERN
from survey_app.services.org.admin import CODE_MAX_LENGTH, NAME_MAX_LENGTH


def strip_text(value):
    return value.strip() if isinstance(value, str) else value


def code_field() -> StringField:
    return StringField(
        _l("Code"),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Enter a code.")),
            Length(max=CODE_MAX_LENGTH, message=_l("Use at most %(max)d characters.")),
        ],
    )


def name_field(label) -> StringField:
    return StringField(
        label,
        filters=[strip_text],
        validators=[
            DataRequired(_l("Enter a name.")),
            Length(max=NAME_MAX_LENGTH, message=_l("Use at most %(max)d characters.")),
        ],
    )


class UnitForm(FlaskForm):
    name = name_field(_l("Name"))
    # The loaded questionnaires are the choices; the service refuses any other code.
    instrument_code = SelectField(_l("Questionnaire"), validate_choice=False)
    # Left out of a post: the unit keeps its version (a new unit takes the newest).
    instrument_version = SelectField(
        _l("Questionnaire version"), coerce=int, validate_choice=False, validators=[Optional()]
    )
    auto_close_days = IntegerField(
        _l("Working days an answered complaint waits for the citizen before it closes"),
        validators=[
            Optional(),
            NumberRange(min=1, max=60, message=_l("Give a number from %(min)d to %(max)d.")),
        ],
    )


class NewUnitForm(UnitForm):
    code = code_field()


class CounterForm(FlaskForm):
    name = name_field(_l("Name"))
    field = StringField(
        _l("Field of procedures"),
        filters=[strip_text],
        render_kw={"list": "known-fields"},
        validators=[Length(max=NAME_MAX_LENGTH, message=_l("Use at most %(max)d characters."))],
    )


class NewCounterForm(CounterForm):
    code = code_field()


class OfficerForm(FlaskForm):
    full_name = name_field(_l("Full name"))
    # Where the activation link of the officer's account goes (accounts in bulk).
    email = StringField(
        _l("E-mail (optional)"),
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=254),
            Regexp(EMAIL_PATTERN, message=_l("Enter an address such as name@example.gov.vn.")),
        ],
    )
    # Counter codes; the service refuses a counter of another unit with a message.
    counters = SelectMultipleField(
        _l("Counters"),
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class NewOfficerForm(OfficerForm):
    code = code_field()


class StatusForm(FlaskForm):
    """The deactivate / reactivate button."""

    active = HiddenField(validators=[AnyOf(["true", "false"])])


class PhotoForm(FlaskForm):
    photo = FileField(
        _l("Photo"),
        validators=[FileRequired(_l("Choose a picture."))],
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )


class RemovePhotoForm(FlaskForm):
    pass


class OrgImportForm(FlaskForm):
    file = FileField(
        _l("Organisation CSV file"),
        validators=[FileRequired(_l("Choose a CSV file."))],
        render_kw={"accept": ".csv,text/csv"},
    )
