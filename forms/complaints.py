"""The citizen's complaint form and the rating of its handling."""

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from forms.survey import strip_text
from survey_app.core.patterns import CLIENT_ID_PATTERN
from survey_app.display.labels import SCALE_LABELS
from survey_app.models import CONTENT_MAX_LENGTH, Ticket, max_length

NOT_CHOSEN = SelectChoice("", _l("— Not sure / not about one —"))


def one_newline(value):
    """A browser sends a line break as CR LF but counts it as one character under the box:
    count it once here too, so the limit the citizen saw is the one checked."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


class CitizenTicketForm(FlaskForm):
    client_ref = HiddenField()
    phieu = HiddenField()  # the client_ref of the survey it comes from, known only to that phone
    content = TextAreaField(
        _l("Your complaint or recommendation"),
        filters=[one_newline, strip_text],
        validators=[
            InputRequired(_l("Describe your complaint or recommendation.")),
            Length(
                max=CONTENT_MAX_LENGTH,
                message=_l(
                    "Your text has %(length)d characters; at most %(max)d fit. "
                    "Shorten it and send again: what you typed is kept."
                ),
            ),
        ],
    )
    counter = SelectField(_l("Counter concerned (optional)"), choices=[NOT_CHOSEN], default="")
    officer = SelectField(_l("Officer concerned (optional)"), choices=[NOT_CHOSEN], default="")
    procedure = SelectField(_l("Procedure concerned (optional)"), choices=[NOT_CHOSEN], default="")
    attachments = MultipleFileField(_l("Pictures or PDF documents (optional)"))
    contact_name = StringField(
        _l("Your name"),
        filters=[strip_text],
        validators=[Length(max=max_length(Ticket.contact_name))],
    )
    contact_phone = TelField(_l("Phone"), filters=[strip_text], validators=[Length(max=40)])
    contact_email = EmailField(_l("E-mail"), filters=[strip_text], validators=[Length(max=254)])
    consent = BooleanField()

    def fresh_client_ref(self) -> str:
        """The id that makes a double tap file one ticket."""
        if not CLIENT_ID_PATTERN.match(self.client_ref.data or ""):
            self.client_ref.data = uuid.uuid4().hex
        return self.client_ref.data

    def offer(self, counters, officers, procedures) -> None:
        """Names only: the citizen picks who or what, never sees a code or an id."""
        self.counter.choices = [NOT_CHOSEN, *(SelectChoice(c.code, c.name) for c in counters)]
        self.officer.choices = [NOT_CHOSEN, *(SelectChoice(o.code, o.full_name) for o in officers)]
        self.procedure.choices = [NOT_CHOSEN, *(SelectChoice(p.code, p.name) for p in procedures)]


class RatingForm(FlaskForm):
    rating = RadioField(
        _l("How satisfied are you with how your complaint was handled?"),
        choices=[SelectChoice(level, label) for level, label in SCALE_LABELS.items()],
        coerce=int,
        validators=[InputRequired(_l("Choose one of the five levels."))],
    )
