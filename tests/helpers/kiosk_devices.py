"""Helpers for the kiosk API tests: a paired tablet and the requests it makes."""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from kiosk.pairing import register_kiosk
from survey_app.core.extensions import db
from survey_app.models import SurveyResponse, Ticket
from tests.helpers.builders import make_counter

KIOSK_ANSWERS = {"TC": 5, "TT": 4, "CC": 5, "KQ": None, "PA": 4, "CHUNG": 5}
PHONE = "0912 345 678"
CONSENT = "Tôi đồng ý để đơn vị liên hệ lại theo số điện thoại trên."


def paired_kiosk(unit, *, counter=None, name="Máy tính bảng quầy 1"):
    """A kiosk of a counter of `unit`, paired: (kiosk, device token)."""
    return register_kiosk(counter or make_counter(unit=unit), name=name)


def bearer(token: str, **headers) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} | headers


def rating(**overrides) -> dict:
    """A valid rating body, tapped now."""
    return {
        "id": str(uuid.uuid4()),
        "instrument": "kiosk-5",
        "submitted_at": datetime.now(UTC).isoformat(),
        "answers": dict(KIOSK_ANSWERS),
    } | overrides


def send(client, token: str, body, **headers):
    return client.post("/api/v1/responses", json=body, headers=bearer(token, **headers))


def stored_responses() -> list[SurveyResponse]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(SurveyResponse).order_by(SurveyResponse.id)))


def stored_tickets() -> list[Ticket]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Ticket).order_by(Ticket.id)))
