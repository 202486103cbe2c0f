"""Sign-in (Flask-Login), roles and the access guard of the staff pages."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from survey_app.extensions import db
from survey_app.models import User

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.login_message_category = "info"
# A stolen cookie used from another browser is refused.
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.session_token == session_token))
    return user if user is not None and user.active else None


def init_app(app) -> None:
    login_manager.init_app(app)
