"""'Quên mật khẩu?': a reset link by e-mail, without telling anyone which addresses have accounts.

The page answers the same for every address; whether a mail left is only known to the mailbox.
Requests are counted per address and per account (the rate-limit storage, as for sign-in): past
the limit nothing more is sent, so nobody can flood a colleague's mailbox or use the service to
spam an address, and the answer stays the same. An account that signs in only through the
province's single sign-on gets no link: its password lives at the provider.
"""

import logging

import sqlalchemy as sa
from flask import current_app
from limits import parse

from survey_app.core.extensions import db
from survey_app.core.limits import EXTENSION_KEY
from survey_app.models import User
from survey_app.services.accounts.links import ACTIVATION, RESET, send_link

logger = logging.getLogger(__name__)

MAX_ADDRESS = 254


def request_password_reset(address: str) -> None:
    """Send a link to every active account with this address, within the limits."""
    address = address.strip().lower()[:MAX_ADDRESS]
    if not address or not _allowed("reset-address", address):
        return
    accounts = db.session.scalars(
        sa.select(User).where(
            sa.func.lower(User.email) == address, User.active, User.sso_only.is_(False)
        )
    ).all()
    for user in accounts:
        if not _allowed("reset-account", str(user.id)):
            continue
        # An account never activated gets its activation link again (same page, other words).
        purpose = ACTIVATION if user.password_hash is None else RESET
        delivery = send_link(user, purpose)
        if not delivery.sent:
            logger.warning("Reset link for %s not sent: %s", user.username, delivery.reason)


def _allowed(kind: str, key: str) -> bool:
    """Count this request; False once the limit of the kind is reached."""
    if not current_app.config["SURVEY_RATELIMIT_ENABLED"]:
        return True
    name = {"reset-address": "RESET_ADDRESS", "reset-account": "RESET_ACCOUNT"}[kind]
    item = parse(current_app.config["SURVEY_RATELIMITS"][name])
    return current_app.extensions[EXTENSION_KEY].limiter.hit(item, kind, key)
