"""Forms of the review of held ratings: a decision on a burst, and a unit's thresholds."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from survey_app.services.responses.review import REASON_MAX_LENGTH


class BurstDecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("accept", _l("Accept: count them")),
            SelectChoice("reject", _l("Reject: spam")),
        ],
        validators=[InputRequired(_l("Choose accept or reject."))],
    )
    reason = StringField(
        _l("Why"),
        validators=[Length(max=REASON_MAX_LENGTH, message=_l("Use at most %(max)d characters."))],
    )


def _whole(label, low: int, high: int) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            InputRequired(_l("Enter a whole number.")),
            NumberRange(low, high, message=_l("Enter a number from %(min)s to %(max)s.")),
        ],
    )


class LocalTimeField(TimeField):
    """A time of day as HH:MM, with the house's own message when it is not one (WTForms'
    message has no Vietnamese)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("Enter a time as HH:MM, for example 07:30."))) from error


class RatingRulesForm(FlaskForm):
    repeat_minutes = _whole(_l("One counted rating per phone per code every (minutes)"), 1, 1440)
    burst_minutes = _whole(_l("Burst window (minutes)"), 1, 120)
    address_limit = _whole(_l("Ratings from one address to one code in the window"), 2, 1000)
    target_limit = _whole(_l("Ratings to one officer or counter in the window"), 2, 1000)
    pattern_limit = _whole(_l("Identical answer patterns to one code in the window"), 2, 1000)
    kiosk_repeat_seconds = _whole(_l("Kiosk repeat window after the thank-you (seconds)"), 0, 600)
    office_hours_only = BooleanField(
        _l("Hold QR and web ratings sent outside office hours or on a day off")
    )
    opens_at = LocalTimeField(_l("Opens at"))
    closes_at = LocalTimeField(_l("Closes at"))

    def validate_closes_at(self, field: LocalTimeField) -> None:
        # Hours past midnight are not office hours: a closing time before the opening one is
        # a slip, not a night shift.
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The closing time must be after the opening."))
