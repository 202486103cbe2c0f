"""Forms of the account pages: own password, accounts administered, audit log filters."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional, Regexp

from survey_app.core.patterns import EMAIL_PATTERN
from survey_app.display.collation import sorted_vi
from survey_app.display.history import audit_action_label
from survey_app.display.labels import COMMAND_LINE_LABEL, ROLE_LABELS
from survey_app.models import Officer, Role, Unit, User, max_length

# Enough to catch a typo; whether the mailbox exists is not for a form to say.
COMMAND_LINE = "-"  # the audit filter's value for changes made with `survey-app`
DEVICE = "~"  # … and for those a device made alone (a tablet pairing itself)


def strip(value):
    return value.strip() if isinstance(value, str) else value


def lower(value):
    return value.lower() if isinstance(value, str) else value


# Lets a browser's password manager tell the fields apart.
NEW_PASSWORD_INPUT = {"autocomplete": "new-password"}


def _new_password(label) -> PasswordField:
    return PasswordField(
        label,
        validators=[InputRequired(_l("Enter a password.")), Length(max=200)],
        render_kw=NEW_PASSWORD_INPUT,
    )


def _repeated(field_name: str) -> PasswordField:
    return PasswordField(
        _l("The same password again"),
        validators=[
            InputRequired(_l("Enter the password a second time.")),
            EqualTo(field_name, _l("The two passwords are not the same.")),
        ],
        render_kw=NEW_PASSWORD_INPUT,
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your current password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = _new_password(_l("New password"))
    confirm = _repeated("new_password")


class ResetPasswordForm(FlaskForm):
    password = _new_password(_l("Temporary password"))
    confirm = _repeated("password")


class AccountForm(FlaskForm):
    """An account as an administrator edits it; the choices are the units and officers in the
    administrator's scope, so a value from outside it is refused as an invalid choice."""

    full_name = StringField(
        _l("Full name"),
        filters=[strip],
        validators=[
            InputRequired(_l("Enter the person's full name.")),
            Length(max=max_length(User.full_name)),
        ],
    )
    email = StringField(
        _l("E-mail (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=max_length(User.email)),
            Regexp(EMAIL_PATTERN, message=_l("Enter an address such as name@example.gov.vn.")),
        ],
    )
    role = SelectField(_l("Role"))
    unit = SelectField(_l("Unit"))
    officer = SelectField(_l("Officer (only for an officer account)"))
    active = BooleanField(_l("Active: the person can sign in"))

    def set_choices(self, units: list[Unit], officers: list[Officer]) -> None:
        self.role.choices = [(role.value, ROLE_LABELS[role]) for role in Role]
        self.unit.choices = [(unit.code, f"{unit.name} ({unit.code})") for unit in units]
        self.officer.choices = [("", _l("None"))] + [
            (officer.code, f"{officer.full_name} ({officer.code}, {officer.unit.name})")
            for officer in officers
        ]


class NewAccountForm(AccountForm):
    username = StringField(
        _l("Username"),
        filters=[strip, lower],
        validators=[InputRequired(_l("Enter a username.")), Length(max=max_length(User.username))],
    )
    # Left empty (the usual way): the person sets their own from an activation link.
    password = PasswordField(
        _l("Initial password (optional)"),
        validators=[Optional(), Length(max=200)],
        render_kw=NEW_PASSWORD_INPUT,
    )
    confirm = PasswordField(
        _l("The same password again"),
        validators=[EqualTo("password", _l("The two passwords are not the same."))],
        render_kw=NEW_PASSWORD_INPUT,
    )
    active = None  # a new account is active


class AuditFilterForm(Form):
    """Read from the query string (a GET form: no CSRF token, a link can be shared)."""

    action = SelectField(_l("Action"), validators=[Optional()])
    user = SelectField(_l("Changed by"), validators=[Optional()])

    def set_choices(self, actions: list[str], actors: list[tuple[str, str]]) -> None:
        labelled = [(name, audit_action_label(name)) for name in actions]
        self.action.choices = [("", _l("All actions"))] + sorted_vi(labelled, key=lambda c: c[1])
        self.user.choices = [
            ("", _l("Everyone")),
            (COMMAND_LINE, COMMAND_LINE_LABEL),
            (DEVICE, _l("A tablet, by itself")),
            *actors,
        ]
