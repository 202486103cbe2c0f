"""Forms of the kiosks pages: adding a kiosk, its settings, and revoking it.

Only the shape is checked here; the ranges and the officer's unit are checked again by
kiosk.pairing, which names the field at fault.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from kiosk.pairing import NAME_MAX_LENGTH

# The choice "no fixed officer": the citizen picks one of the counter's officers.
COUNTERS_OFFICERS = ""


def strip_text(value):
    return value.strip() if isinstance(value, str) else value


class NewKioskForm(FlaskForm):
    # Choices are the active counters of the user's units, set by the view.
    counter = SelectField(
        _l("Counter"),
        validate_choice=True,
        validators=[InputRequired(_l("Choose the counter the tablet stands at."))],
    )
    name = StringField(
        _l("Name"),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Enter a name for the kiosk.")),
            Length(max=NAME_MAX_LENGTH, message=_l("Use at most %(max)d characters.")),
        ],
    )

    def __init__(self, counters, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.counter.choices = [
            SelectChoice(counter.code, f"{counter.unit.name} · {counter.name} ({counter.code})")
            for counter in counters
        ]


class KioskSettingsForm(FlaskForm):
    fixed_officer = SelectField(_l("Officers offered"), validate_choice=True)
    idle_seconds = IntegerField(
        _l("Back to the start after (seconds without a touch)"),
        validators=[
            InputRequired(_l("Enter a number of seconds.")),
            NumberRange(10, 300, _l("Choose between 10 and 300 seconds.")),
        ],
    )
    thanks_seconds = IntegerField(
        _l("Thank-you screen shown for (seconds)"),
        validators=[
            InputRequired(_l("Enter a number of seconds.")),
            NumberRange(3, 60, _l("Choose between 3 and 60 seconds.")),
        ],
    )
    opens_at = TimeField(_l("Opens at"), validators=[InputRequired(_l("Enter a time."))])
    closes_at = TimeField(_l("Closes at"), validators=[InputRequired(_l("Enter a time."))])
    always_open = BooleanField(_l("Open at every hour, days off too"))
    default_locale = SelectField(
        _l("Language at the start"),
        choices=[SelectChoice("vi", "Tiếng Việt"), SelectChoice("en", "English")],
        validate_choice=True,
    )
    staff_pin = PasswordField(
        _l("New staff PIN (optional)"),
        filters=[strip_text],
        validators=[
            Optional(),
            Regexp(r"^[0-9]{4,8}$", message=_l("The PIN has 4 to 8 digits.")),
        ],
    )
    clear_pin = BooleanField(_l("Remove the staff PIN"))

    def offer(self, officers) -> None:
        self.fixed_officer.choices = [
            SelectChoice(
                COUNTERS_OFFICERS, _l("The counter's officers on duty (the citizen picks one)")
            ),
            *(SelectChoice(o.code, f"{o.full_name} ({o.code})") for o in officers),
        ]


class RevokeKioskForm(FlaskForm):
    confirm = BooleanField(
        _l("Yes, stop this tablet. It cannot be paired again."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
