"""A comment about informal payments or harassment (analytics.themes.SERIOUS) is told to the
unit's managers at once, by e-mail: the most serious thing a citizen can write.

The mail carries what a manager needs to act (when, which unit, counter and officer, the
comment with personal data hidden) and nothing that names the citizen: ratings are anonymous,
and a contact left in the comment is masked. It is sent from a background thread after the
response is stored, so the citizen never waits for the mail server; a failure is logged.
"""

import logging
import threading

import sqlalchemy as sa
from flask import Flask, current_app, render_template
from flask_babel import force_locale

from analytics.comments import mask_personal_data
from analytics.themes import is_serious
from survey_app.core.extensions import db
from survey_app.core.mail import Mail, send_mail
from survey_app.models import Counter, Officer, Role, SurveyResponse, Unit, User
from survey_app.months import survey_zone

logger = logging.getLogger(__name__)


def alert_if_serious(response: SurveyResponse, comment: str) -> threading.Thread | None:
    """Start the managers' mail when the response's `comment` is serious; the thread is
    returned so that a caller (a test) may wait for it."""
    if not comment or not is_serious(comment):
        return None
    mail = _alert(response)
    if mail is None:
        logger.warning(
            "No manager of unit %s has an e-mail for a serious comment.", response.unit_id
        )
        return None
    app = current_app._get_current_object()
    thread = threading.Thread(target=_send, args=(app, mail), name="serious comment alert")
    thread.start()
    return thread


def _alert(response: SurveyResponse) -> Mail | None:
    unit = db.session.get(Unit, response.unit_id)
    addresses = list(
        db.session.scalars(
            sa.select(User.email).where(
                User.unit_id == unit.id,
                User.role == Role.MANAGER,
                User.active.is_(True),
                User.email.is_not(None),
                User.email != "",
            )
        )
    )
    if not addresses:
        return None
    counter = db.session.get(Counter, response.counter_id) if response.counter_id else None
    officer = db.session.get(Officer, response.officer_id) if response.officer_id else None
    with force_locale("vi"):
        body = render_template(
            "mail/serious_comment.txt",
            unit=unit,
            counter=counter,
            officer=officer,
            at=response.submitted_at.astimezone(survey_zone()),
            comment=mask_personal_data(response.comment.strip()),
        )
    subject = f"[Khẩn] Ý kiến phản ánh tiêu cực, nhũng nhiễu – {unit.name}"
    return Mail(to=addresses, subject=subject, body=body)


def _send(app: Flask, mail: Mail) -> None:
    with app.app_context():
        send_mail(mail)
