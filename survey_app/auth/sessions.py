"""Staff sessions: what a session cookie is worth, and how every session of a user ends.

The cookie names its user by their session token, never by id (User.get_id). That token is the
user's session version, checked on every request by the user loader: `end_sessions` replaces it,
and every cookie issued before then names nobody. It is replaced at sign-out, when a password is
changed or reset, when the role or unit changes, and when the account is deactivated.

The cookie also carries a digest of the User-Agent of the browser that signed in; a copied cookie
sent by another browser is refused. That only stops a careless thief (the User-Agent is easy to
copy too): revocation above is what ends a stolen session. Flask-Login's own "strong" protection
is not used: with a permanent session it only marks the session not fresh.
"""

import hashlib
import secrets

from flask import request, session
from flask_login import login_user

from survey_app.models import User

AGENT_KEY = "_agent"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def end_sessions(user: User) -> None:
    """Every session of the user ends at their next request; the caller commits."""
    user.session_token = new_session_token()


def start_session(user: User) -> None:
    """This browser's session for the user, ending after inactivity (PERMANENT_SESSION_LIFETIME)."""
    session.permanent = True
    login_user(user)
    session[AGENT_KEY] = browser_digest()


def browser_digest() -> str:
    agent = request.headers.get("User-Agent", "")
    return hashlib.sha256(agent.encode("utf-8", "replace")).hexdigest()[:32]


def same_browser() -> bool:
    """Whether the cookie comes back from the browser that signed in."""
    return secrets.compare_digest(session.get(AGENT_KEY, ""), browser_digest())
