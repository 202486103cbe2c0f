"""The citizen's rating of how their complaint was handled: 1–5, once, after the answer.

The rating counts toward the unit's PA factor (analytics/indices.py, item PA-XL).
"""

from flask_babel import lazy_gettext as _l

from survey_app.core.extensions import db
from survey_app.models import Ticket, TicketEvent, TicketStatus, utcnow
from survey_app.services.errors import DomainError

RATINGS = range(1, 6)
# A rejection gives a reason, which is the answer the citizen may judge.
ANSWERED_STATUSES = frozenset({TicketStatus.ANSWERED, TicketStatus.CLOSED, TicketStatus.REJECTED})


class RatingRefused(DomainError):
    """The ticket cannot be rated (not answered yet, or already rated) or the value is wrong."""


def can_rate(ticket: Ticket) -> bool:
    return ticket.status in ANSWERED_STATUSES and ticket.handling_rating is None


def rate_ticket(ticket: Ticket, rating: int) -> None:
    if rating not in RATINGS:
        raise RatingRefused(str(_l("Choose one of the five levels.")))
    if ticket.handling_rating is not None:
        raise RatingRefused(str(_l("This complaint has already been rated.")))
    if ticket.status not in ANSWERED_STATUSES:
        raise RatingRefused(str(_l("You can rate the handling once the answer is given.")))
    now = utcnow()
    ticket.handling_rating = rating
    ticket.rated_at = now
    ticket.events.append(TicketEvent(at=now, kind="rated", details={"rating": rating}))
    db.session.commit()
