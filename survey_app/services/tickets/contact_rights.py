"""The citizen's rights over the contact data of their complaint (Law 91/2025/QH15 art. 4,
Decree 356/2025), used from the tracking page: the tracking code is the proof. See what is held
(masked: the page may be read over a shoulder), correct it, or withdraw the consent — the
contact goes at once, the complaint goes on without it. Each use is audited (who: the citizen),
naming the fields, never their values."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from survey_app.core.extensions import db
from survey_app.core.patterns import EMAIL_PATTERN
from survey_app.models import Ticket, TicketEvent, utcnow
from survey_app.services.audit import record_change
from survey_app.services.errors import InvalidSubmission
from survey_app.services.tickets.opening import PHONE_PATTERN
from survey_app.services.tickets.retention import erase_contact

CITIZEN = {"by": "citizen"}
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")


@dataclass(frozen=True)
class HeldContact:
    """What the unit holds, masked; None where nothing is held."""

    name: str | None
    phone: str | None
    email: str | None


def holds_contact(ticket: Ticket) -> bool:
    return ticket.contact_purged_at is None and any(
        getattr(ticket, name) for name in CONTACT_FIELDS
    )


def show_held_contact(ticket: Ticket) -> HeldContact:
    """The masked contact, and the audit event of the citizen's looking at it; one commit."""
    record_change("ticket.contact_viewed", ticket, CITIZEN)
    db.session.commit()
    return HeldContact(
        name=mask_name(ticket.contact_name),
        phone=mask_phone(ticket.contact_phone),
        email=mask_email(ticket.contact_email),
    )


def withdraw_consent(ticket: Ticket) -> None:
    """Erase the contact now; the consent's wording and time stay as the proof of what was
    agreed, with the withdrawal beside it in the ticket's history."""
    if not holds_contact(ticket):
        raise InvalidSubmission({"contact": str(_l("No contact data of yours is held."))})
    now = utcnow()
    erase_contact(ticket, now)
    ticket.events.append(TicketEvent(at=now, kind="consent_withdrawn", details=CITIZEN))
    record_change("ticket.consent_withdrawn", ticket, CITIZEN)
    db.session.commit()


def correct_contact(ticket: Ticket, *, name: str, phone: str, email: str) -> list[str]:
    """Replace the held contact with the citizen's correction; returns the fields changed."""
    if not holds_contact(ticket):
        raise InvalidSubmission({"contact": str(_l("No contact data of yours is held."))})
    wanted = {"contact_name": name, "contact_phone": phone, "contact_email": email}
    wanted = {field: (value or "").strip() or None for field, value in wanted.items()}
    if errors := _errors(wanted):
        raise InvalidSubmission(errors)
    changed = [field for field, value in wanted.items() if getattr(ticket, field) != value]
    for field in changed:
        setattr(ticket, field, wanted[field])
    if changed:
        details = CITIZEN | {"fields": changed}
        ticket.events.append(TicketEvent(kind="contact_corrected", details=details))
        record_change("ticket.contact_corrected", ticket, details)
        db.session.commit()
    return changed


def _errors(wanted: dict[str, str | None]) -> dict[str, str]:
    errors = {}
    if not any(wanted.values()):
        errors["contact"] = str(
            _l("To remove all your contact data, withdraw your consent below instead.")
        )
    if wanted["contact_email"] and not EMAIL_PATTERN.match(wanted["contact_email"]):
        errors["contact_email"] = str(_l("Enter an address such as name@example.com."))
    if wanted["contact_phone"] and not PHONE_PATTERN.match(wanted["contact_phone"]):
        errors["contact_phone"] = str(_l("Enter a phone number such as 0912 345 678."))
    if wanted["contact_name"] and len(wanted["contact_name"]) > 200:
        errors["contact_name"] = str(_l("Use at most %(max)d characters.", max=200))
    return errors


def mask_name(name: str | None) -> str | None:
    """Masked: "Trần Văn Nam" → "T*** V** N**", enough to recognise, not to read."""
    if not name:
        return None
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())


def mask_phone(phone: str | None) -> str | None:
    """Masked: "0912 345 678" → "09** *** *78"."""
    if not phone:
        return None
    digits = [n for n, char in enumerate(phone) if char.isdigit()]
    shown = set(digits[:2] + digits[-2:])
    return "".join(c if n in shown or not c.isdigit() else "*" for n, c in enumerate(phone))


def mask_email(email: str | None) -> str | None:
    """Masked: "nam.tran@example.vn" → "n*******@example.vn"."""
    if not email:
        return None
    local, _, domain = email.partition("@")
    return f"{local[:1]}{'*' * max(len(local) - 1, 1)}@{domain}"
