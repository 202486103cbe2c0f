"""The form that creates an API key."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length


def strip_text(value):
    return value.strip() if isinstance(value, str) else value


class ApiKeyForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[strip_text],
        validators=[DataRequired(_l("Enter a name for the key.")), Length(max=200)],
    )
    # Choices are the units the user may manage, set by the view: another unit is refused.
    unit = SelectField(
        _l("Unit"),
        validate_choice=True,
        validators=[InputRequired(_l("Choose the unit the key works for."))],
    )

    def __init__(self, units, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit.choices = [(unit.code, unit.name) for unit in units]
