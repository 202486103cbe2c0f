"""The demo's counter tablets: open at every hour, days off too, so a newcomer can try the kiosk
whenever they start the demo (a Sunday night included); each start gives each tablet a fresh
pairing code, since a code works once and for 24 hours only."""

from dataclasses import dataclass

import sqlalchemy as sa

from kiosk.pairing import new_pairing_code
from survey_app.core.extensions import db
from survey_app.models import Counter, Kiosk
from survey_app.services.api_keys import new_unique_prefix


@dataclass(frozen=True)
class DemoKiosk:
    kiosk: Kiosk
    pairing_code: str


def add_demo_kiosks(specs: list[dict]) -> None:
    """Stage the tablets; the demo loader commits them with everything else."""
    db.session.flush()
    for spec in specs:
        counter = db.session.scalar(sa.select(Counter).where(Counter.code == spec["counter"]))
        prefix = new_unique_prefix(Kiosk.token_prefix)
        db.session.add(
            Kiosk(counter=counter, name=spec["name"], token_prefix=prefix, always_open=True)
        )


def issue_demo_pairing_codes(unit_ids: list[int]) -> list[DemoKiosk]:
    """A new code for every live always-open tablet of the demo units; a tablet paired on an
    earlier start keeps working until its new code is used."""
    kiosks = db.session.scalars(
        sa.select(Kiosk)
        .join(Kiosk.counter)
        .where(Counter.unit_id.in_(unit_ids), Kiosk.always_open, Kiosk.revoked_at.is_(None))
        .order_by(Counter.code, Kiosk.id)
    ).all()
    return [DemoKiosk(kiosk, new_pairing_code(kiosk, by=None)) for kiosk in kiosks]
