"""Forms of the complaint pages: queue filters, the handling actions, staff entry."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Form,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from forms.accounts import strip
from survey_app.models import CONTENT_MAX_LENGTH, TicketChannel
from survey_app.services.tickets.handling import ANSWER_MIN_LENGTH

SEARCH_MAX_LENGTH = 100
STAFF_CHANNELS = (TicketChannel.HOTLINE, TicketChannel.PAPER, TicketChannel.MAILBOX)
CHANNEL_LABELS = {
    TicketChannel.HOTLINE: _l("Hotline"),
    TicketChannel.PAPER: _l("Paper letter"),
    TicketChannel.MAILBOX: _l("Suggestion box"),
}


class QueueFilterForm(Form):
    """A GET form: no CSRF, and it never blocks the page."""

    q = StringField(
        _l("Tracking code, phone number or words"),
        filters=[strip],
        validators=[Length(max=SEARCH_MAX_LENGTH)],
    )
    status = SelectField(_l("Status"), validate_choice=False)
    counter = SelectField(_l("Counter"), validate_choice=False)
    officer = SelectField(_l("Officer"), validate_choice=False)


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Handled by"), validators=[InputRequired(_l("Choose a person."))])


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        _l("Answer to the citizen"),
        filters=[strip],
        validators=[
            InputRequired(_l("Write the answer.")),
            Length(min=ANSWER_MIN_LENGTH, max=CONTENT_MAX_LENGTH),
        ],
    )


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for rejecting"),
        filters=[strip],
        validators=[
            InputRequired(_l("Give the reason.")),
            Length(min=ANSWER_MIN_LENGTH, max=CONTENT_MAX_LENGTH),
        ],
    )


class CloseForm(FlaskForm):
    pass


class TransferForm(FlaskForm):
    unit_code = StringField(
        _l("Code of the receiving unit"),
        filters=[strip],
        validators=[InputRequired(_l("Enter a unit code.")), Length(max=60)],
    )


class ExtendForm(FlaskForm):
    new_due = DateField(
        _l("New due date"), validators=[InputRequired(_l("Enter a date such as 2026-03-31."))]
    )
    reason = TextAreaField(
        _l("Reason for the extension"),
        filters=[strip],
        validators=[InputRequired(_l("Give the reason.")), Length(max=2000)],
    )


class StaffTicketForm(FlaskForm):
    form_id = HiddenField()  # the same form sent twice files one ticket
    channel = SelectField(
        _l("Received by"),
        choices=[SelectChoice(c.value, CHANNEL_LABELS[c]) for c in STAFF_CHANNELS],
    )
    unit = SelectField(_l("Unit"), validators=[InputRequired()])
    content = TextAreaField(
        _l("Complaint or recommendation"),
        filters=[strip],
        validators=[
            InputRequired(_l("Write down the complaint.")),
            Length(max=CONTENT_MAX_LENGTH),
        ],
    )
    counter = SelectField(_l("Counter concerned"), validate_choice=False)
    officer = SelectField(_l("Officer concerned"), validate_choice=False)
    procedure_code = StringField(
        _l("Procedure code"), filters=[strip], validators=[Optional(), Length(max=60)]
    )
    contact_name = StringField(
        _l("Name"), filters=[strip], validators=[Optional(), Length(max=200)]
    )
    contact_phone = StringField(
        _l("Phone"), filters=[strip], validators=[Optional(), Length(max=40)]
    )
    contact_email = StringField(
        _l("E-mail"),
        filters=[strip],
        validators=[Optional(), Length(max=254)],
    )
    consent = BooleanField(_l("The citizen agreed that we keep this contact to answer them"))
