"""Plain-text e-mail through the SMTP server set in configuration.

Mail is a courtesy on top of a change already committed (a ticket stored, a reminder due), so a
missing or broken server is logged and reported as "not sent", never raised to the caller.
"""

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10
DEFAULT_FROM = "no-reply@localhost"


@dataclass(frozen=True)
class Mail:
    to: Sequence[str]
    subject: str
    body: str


def send_mail(mail: Mail) -> bool:
    """True when the server accepted the message for every recipient."""
    config = current_app.config
    host = config.get("SURVEY_SMTP_HOST")
    if not host:
        logger.info("SURVEY_SMTP_HOST is not set; mail %r was not sent.", mail.subject)
        return False
    message = _message(mail, config.get("SURVEY_MAIL_FROM") or DEFAULT_FROM)
    try:
        with smtplib.SMTP(
            host, int(config.get("SURVEY_SMTP_PORT") or 25), timeout=SMTP_TIMEOUT_SECONDS
        ) as smtp:
            _authenticate(smtp, config)
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError):
        logger.exception("Sending mail %r through %s failed.", mail.subject, host)
        return False
    return True


def _authenticate(smtp: smtplib.SMTP, config) -> None:
    if config.get("SURVEY_SMTP_STARTTLS"):
        smtp.starttls()
    if config.get("SURVEY_SMTP_USER"):
        smtp.login(config["SURVEY_SMTP_USER"], config.get("SURVEY_SMTP_PASSWORD") or "")


def _message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(mail.to)
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(mail.body)  # UTF-8, so Vietnamese diacritics survive
    return message
