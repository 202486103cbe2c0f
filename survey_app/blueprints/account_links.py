"""Pages opened without a password: "Quên mật khẩu?" and the one-time links sent by e-mail."""

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _

from forms.account_links import ForgotPasswordForm, SetPasswordForm
from survey_app.auth import sign_in_throttle
from survey_app.auth.sessions import start_session
from survey_app.blueprints.officer import FIRST_VISIT_KEY
from survey_app.models import Role
from survey_app.services.accounts.links import (
    ACTIVATION,
    LINK_PATHS,
    RESET,
    InvalidLink,
    set_password_from_link,
    user_for_link,
)
from survey_app.services.accounts.reset import request_password_reset
from survey_app.services.accounts.staff import MIN_PASSWORD_LENGTH, InvalidAccount

bp = Blueprint("account_links", __name__)
METHODS = ["GET", "POST"]


@bp.route("/quen-mat-khau", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        # The same page whatever the address: it never tells who has an account.
        return render_template("auth/reset_requested.html")
    status = 422 if form.is_submitted() else 200
    return render_template("auth/forgot_password.html", form=form), status


@bp.route(f"{LINK_PATHS[ACTIVATION]}<token>", methods=METHODS)
def activate(token: str):
    return set_password(ACTIVATION, token)


@bp.route(f"{LINK_PATHS[RESET]}<token>", methods=METHODS)
def reset(token: str):
    return set_password(RESET, token)


def set_password(purpose: str, token: str):
    try:
        user = user_for_link(purpose, token)
    except InvalidLink as problem:
        return render_template("auth/link_invalid.html", problem=str(problem)), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            set_password_from_link(purpose, token, form.password.data)
        except InvalidAccount as problem:
            form.password.errors = [*form.password.errors, str(problem)]
        except InvalidLink as problem:  # used in another tab meanwhile
            return render_template("auth/link_invalid.html", problem=str(problem)), 410
        else:
            return _signed_in(user, purpose)
    status = 422 if form.is_submitted() else 200
    context = {"form": form, "account": user, "purpose": purpose, "min_length": MIN_PASSWORD_LENGTH}
    return render_template("auth/set_password.html", **context), status


def _signed_in(user, purpose: str):
    """This browser signs in with the new password; an officer lands on their own page."""
    start_session(user)
    flash(_passwords_set_message(purpose), "success")
    if user.role is Role.OFFICER and user.officer is not None:
        session[FIRST_VISIT_KEY] = purpose == ACTIVATION
        target = url_for("officer.show_my_feedback")
    else:
        target = url_for("staff.show_home")
    response = redirect(target)
    sign_in_throttle.remember_browser(response, user.username)
    return response


def _passwords_set_message(purpose: str) -> str:
    if purpose == ACTIVATION:
        return _("Your account is active.")
    return _("Your new password is set. Other sessions were signed out.")
