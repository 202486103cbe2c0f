"""The consent texts a citizen agrees to before giving contact data; stored with the ticket
exactly as shown (Law 91/2025/QH15 on personal data protection, Decree 356/2025)."""

from flask_babel import gettext as _

from survey_app.models import Unit
from survey_app.services.tickets.retention import retention_period


def ticket_consent(unit: Unit) -> str:
    """For the complaint form, which asks for a name, a phone number and an e-mail address."""
    return _(
        "I agree that %(unit)s collects the name, phone number and e-mail address I give above, "
        "only to answer this complaint and tell me how it is handled. They are kept for "
        "%(days)d days after the handling of the complaint ends, then deleted, and are never "
        "shown to the officer concerned (Law 91/2025/QH15 on personal data protection, Decree "
        "356/2025). With the tracking code I can see, correct or withdraw them at any time (they "
        "are then deleted at once); for anything else I can write to %(unit)s.",
        unit=unit.name,
        days=retention_period().days,
    )


def callback_consent(unit: Unit) -> str:
    """For the kiosk's call-back offer, which asks only for a phone number."""
    return _(
        "I agree that %(unit)s keeps the phone number I give here only to call me back about "
        "my rating. It is deleted %(days)d days after my feedback is handled and never shown to "
        "the officer concerned (Law 91/2025/QH15, Decree 356/2025). I may see, correct or "
        "withdraw it at any time by asking %(unit)s.",
        unit=unit.name,
        days=retention_period().days,
    )
