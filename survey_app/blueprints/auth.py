"""Sign-in and sign-out of staff."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from forms.auth import SignInForm
from survey_app.services.accounts import AccountLocked, SignInRefused, authenticate

bp = Blueprint("auth", __name__)


@bp.route("/dang-nhap", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("staff.show_home"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data)
        except AccountLocked as locked:
            form.form_errors.append(
                _(
                    "Too many failed attempts. Try again after %(time)s.",
                    time=format_time(locked.until, "short"),
                )
            )
        except SignInRefused as refused:
            form.form_errors.append(str(refused))
        else:
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME of inactivity
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/sign_in.html", form=form), status


@bp.post("/dang-xuat")
def sign_out():
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for(".sign_in"))


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to somewhere else."""
    if target and target.startswith("/") and not urlsplit(target).netloc and "//" not in target:
        return target
    return url_for("staff.show_home")


@bp.get("/tai-khoan/mat-khau")
def change_password():
    return "being built"
