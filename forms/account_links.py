"""Forms of the pages reached without a password: a forgotten one, and one set from a link."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from forms.accounts import _new_password, _repeated, strip


class ForgotPasswordForm(FlaskForm):
    # Not checked against a pattern: every address gets the same answer anyway.
    email = StringField(
        _l("E-mail address of your account"),
        filters=[strip],
        validators=[InputRequired(_l("Enter your e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )


class SetPasswordForm(FlaskForm):
    password = _new_password(_l("Your password"))
    confirm = _repeated("password")
