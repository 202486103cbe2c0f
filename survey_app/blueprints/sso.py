"""Sign-in through the province's OpenID Connect provider (survey_app/auth/oidc.py).

404 when the deployment has no provider configured. The ID token is kept in the session only to
name this sign-in to the provider's end-session page at sign-out.
"""

import logging

from flask import Blueprint, abort, current_app, flash, redirect, session, url_for
from flask_babel import gettext as _

from survey_app.auth import oidc, sign_in_throttle
from survey_app.auth.sessions import start_session
from survey_app.services.accounts.sso import SsoRefused, account_for_claims

logger = logging.getLogger(__name__)

bp = Blueprint("sso", __name__)

# A session key, not a secret (Bandit B105).
ID_TOKEN_KEY = "sso_id_token"  # nosec B105
CALLBACK_PATH = "/dang-nhap/sso/ve"


@bp.before_request
def only_when_configured():
    if not oidc.configured():
        abort(404)


@bp.get("/dang-nhap/sso")
def start():
    try:
        return oidc.provider_client().authorize_redirect(callback_url())
    except oidc.unreachable() as error:
        return _failed(error)


@bp.get(CALLBACK_PATH)
def callback():
    try:
        token = oidc.provider_client().authorize_access_token()
        user = account_for_claims(token.get("userinfo") or {})
    except oidc.refused() as error:
        return _failed(error)
    except SsoRefused as refused:
        flash(str(refused), "error")
        return redirect(url_for("auth.sign_in"))
    start_session(user)
    session[ID_TOKEN_KEY] = token.get("id_token")
    response = redirect(url_for("staff.show_home"))
    sign_in_throttle.remember_browser(response, user.username)
    return response


def _failed(error: Exception):
    logger.warning("Single sign-on failed: %r", error)
    flash(_("The sign-in through the central account did not succeed. Try again."), "error")
    return redirect(url_for("auth.sign_in"))


def callback_url() -> str:
    """Registered at the provider: the public address, never the request's Host header."""
    return current_app.config["SURVEY_PUBLIC_URL"].rstrip("/") + CALLBACK_PATH
