"""The citizen's correction of their contact data, and the withdrawal of their consent (a
button: only the CSRF token)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TelField
from wtforms.validators import Length

from forms.survey import strip_text


class ContactCorrectionForm(FlaskForm):
    contact_name = StringField(
        _l("Your name"),
        filters=[strip_text],
        validators=[Length(max=200, message=_l("Use at most %(max)d characters."))],
    )
    contact_phone = TelField(
        _l("Phone"),
        filters=[strip_text],
        validators=[Length(max=40, message=_l("Use at most %(max)d characters."))],
    )
    contact_email = EmailField(
        _l("E-mail"),
        filters=[strip_text],
        validators=[Length(max=254, message=_l("Use at most %(max)d characters."))],
    )


class WithdrawConsentForm(FlaskForm):
    pass
