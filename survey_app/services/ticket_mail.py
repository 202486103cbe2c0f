"""E-mails to the citizen at each step of their ticket (being built: the SMTP sending)."""

from survey_app.models import Ticket


def send_ticket_mail(ticket: Ticket, stage: str) -> None:
    """Tell the citizen who left an e-mail address that their ticket reached `stage`."""
