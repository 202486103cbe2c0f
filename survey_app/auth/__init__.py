"""Sign-in (Flask-Login), roles and the access guard of the staff pages."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from survey_app.auth.sessions import same_browser
from survey_app.core.extensions import db
from survey_app.models import User

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.login_message_category = "info"
# Replaced by survey_app/auth/sessions.py: a session version and the browser's digest.
login_manager.session_protection = None


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """The user whose current session version the cookie carries, from the same browser."""
    if not same_browser():
        return None
    user = db.session.scalar(sa.select(User).where(User.session_token == session_token))
    return user if user is not None and user.active else None


def init_app(app) -> None:
    login_manager.init_app(app)
