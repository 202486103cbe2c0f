"""Sign-in and sign-out of staff, and the change of one's own password."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE

from forms.accounts import ChangePasswordForm
from forms.auth import SignInForm
from survey_app.auth import oidc, sign_in_throttle
from survey_app.auth.sessions import start_session
from survey_app.auth.sign_in_throttle import TooManyAttempts
from survey_app.blueprints import sso
from survey_app.services.accounts import staff as accounts
from survey_app.services.accounts.staff import InvalidAccount, SignInRefused, authenticate

bp = Blueprint("auth", __name__)


@bp.route("/dang-nhap", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("staff.show_home"))
    form = SignInForm()
    if form.validate_on_submit():
        username = form.username.data
        try:
            sign_in_throttle.check_attempt(username)
            user = authenticate(username, form.password.data)
        except TooManyAttempts as refused:
            form.form_errors.append(
                _(
                    "Too many failed attempts. Try again after %(time)s.",
                    time=format_time(refused.until, "short"),
                )
            )
        except SignInRefused as refused:
            sign_in_throttle.count_failure(username)
            form.form_errors.append(str(refused))
        else:
            start_session(user)
            response = redirect(_safe_next(request.args.get("next")))
            sign_in_throttle.remember_browser(response, user.username)
            return response
    status = 422 if form.is_submitted() else 200
    return render_template("auth/sign_in.html", form=form, sso=oidc.configured()), status


@bp.post("/dang-xuat")
def sign_out():
    id_token = session.pop(sso.ID_TOKEN_KEY, None)
    if current_user.is_authenticated:
        accounts.sign_out(current_user._get_current_object())
    logout_user()
    if id_token and oidc.configured():
        # Signed in through the province: its own session stays open unless ended there too.
        after = current_app.config["SURVEY_PUBLIC_URL"].rstrip("/") + url_for(".sign_in")
        provider_url = oidc.end_session_url(id_token, after)
        return render_template("auth/signed_out.html", provider_url=provider_url)
    flash(_("You have signed out."), "info")
    return redirect(url_for(".sign_in"))


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to somewhere else."""
    if target and target.startswith("/") and not urlsplit(target).netloc and "//" not in target:
        return target
    return url_for("staff.show_home")


# What a user with a temporary password (set by an administrator) may still open.
OPEN_WITH_TEMPORARY_PASSWORD = frozenset({"auth.change_password", "auth.sign_out", "static"})
# A citizen's pages: no account acts there, so none is looked up (a rating's session cookie,
# which carries the form's CSRF token, made every rating ask Flask-Login for its user).
CITIZEN_BLUEPRINTS = frozenset({"survey", "complaints", "public", "qr"})


def _may_carry_a_sign_in() -> bool:
    """Only a request with the session cookie (or Flask-Login's remember cookie, which this app
    never sets) can be a signed-in user's: a tablet's or an integration's call, which carries
    neither, is not made to open a session and ask for its user."""
    config = current_app.config
    cookies = request.cookies
    return (
        config["SESSION_COOKIE_NAME"] in cookies
        or config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE) in cookies
    )


@bp.before_app_request
def require_own_password():
    """After an administrator's reset, every page leads to the change of password."""
    if request.endpoint in OPEN_WITH_TEMPORARY_PASSWORD or request.blueprint in CITIZEN_BLUEPRINTS:
        return None
    if not _may_carry_a_sign_in():
        return None
    if not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        return redirect(url_for("auth.change_password"))
    return None


@bp.route("/tai-khoan/mat-khau", methods=["GET", "POST"])
@login_required  # any signed-in user, whatever their role: not a guarded staff page
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(user, form.current_password.data, form.new_password.data)
        except InvalidAccount as problem:
            form[problem.field].errors = [*form[problem.field].errors, str(problem)]
        else:
            start_session(user)  # this session carries the new token; the others end
            flash(_("Your password was changed. Other sessions were signed out."), "success")
            return redirect(url_for("staff.show_home"))
    status = 422 if form.is_submitted() else 200
    context = {"form": form, "min_length": accounts.MIN_PASSWORD_LENGTH}
    return render_template("auth/change_password.html", **context), status
