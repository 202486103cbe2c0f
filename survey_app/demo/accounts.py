"""The demo's sign-in accounts: one per role, so every staff page can be tried."""

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from survey_app.core.extensions import db
from survey_app.models import Officer, Role, User
from survey_app.queries.units import get_unit_by_code
from survey_app.services.accounts.staff import new_session_token


def add_demo_accounts(specs: list[dict], password: str) -> None:
    """Stage the accounts; the demo loader commits them with everything else."""
    password_hash = generate_password_hash(password)
    db.session.flush()
    for spec in specs:
        officer = _one(Officer, Officer.code == spec["officer"]) if "officer" in spec else None
        db.session.add(
            User(
                username=spec["username"],
                full_name=officer.full_name if officer else spec["full_name"],
                password_hash=password_hash,
                role=Role(spec["role"]),
                unit=get_unit_by_code(spec["unit"]),
                officer=officer,
                session_token=new_session_token(),
            )
        )


def _one(model, condition):
    return db.session.scalar(sa.select(model).where(condition))
