"""E-mails to the citizen at each step of their ticket, in Vietnamese (the citizen's language).

A mail names only the ticket, the unit and what was decided: never an officer or another person,
and nothing is sent without an address left with consent (domain.md §3).
"""

import logging
from datetime import datetime

from flask import current_app

from survey_app.core.mail import Mail, send_mail
from survey_app.models import Ticket
from survey_app.months import survey_zone

logger = logging.getLogger(__name__)

# "assigned" is left out on purpose: it tells the citizen nothing they can act on, one mail
# fewer per ticket, and naming who handles it is not theirs to know.
STAGE_SUBJECTS = {
    "received": "Đã tiếp nhận",
    "answered": "Đã có trả lời",
    "rejected": "Không thụ lý",
    "transferred": "Đã chuyển cơ quan có thẩm quyền",
    "extended": "Gia hạn thời hạn trả lời",
    "closed": "Đã kết thúc",
}
SILENT_STAGES = frozenset({"assigned"})


def send_ticket_mail(ticket: Ticket, stage: str) -> None:
    """Tell the citizen who left an e-mail address that their ticket reached `stage`."""
    if stage not in STAGE_SUBJECTS:
        if stage not in SILENT_STAGES:
            logger.warning("No citizen mail for ticket stage %r.", stage)
        return
    address = citizen_address(ticket)
    if address is None:
        return
    send_mail(
        Mail(
            to=[address],
            subject=ticket_subject(ticket, stage),
            body=render_mail(f"mail/ticket_{stage}.txt", ticket=ticket),
        )
    )


def citizen_address(ticket: Ticket) -> str | None:
    if ticket.contact_purged_at is not None or ticket.consent_at is None:
        return None
    return ticket.contact_email or None


def ticket_subject(ticket: Ticket, text: str) -> str:
    return f"[Phản ánh {ticket.code}] {STAGE_SUBJECTS.get(text, text)}"


def render_mail(template: str, **context) -> str:
    """Plain text: the .txt templates are not HTML-escaped (Flask escapes .html only)."""
    context |= {
        "public_url": current_app.config["SURVEY_PUBLIC_URL"].rstrip("/"),
        "local_time": local_time,
    }
    return current_app.jinja_env.get_template(template).render(**context)


def local_time(moment: datetime) -> str:
    """'17:00 ngày 25/11/2026' in the configured zone, as Vietnamese offices write it."""
    local = moment.astimezone(survey_zone())
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"
