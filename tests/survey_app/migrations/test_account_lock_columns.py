"""0020: users without the unused account-lock columns. Upgrade and downgrade keep every
account and what names it (an audit event), on both databases; after the upgrade an account
signs in as before."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from werkzeug.security import generate_password_hash

from survey_app.core.extensions import db
from survey_app.models import User
from tests.helpers.builders import DEFAULT_PASSWORD, make_unit
from tests.helpers.migrations import BACKENDS, database_at
from tests.helpers.staff_pages import sign_in

BEFORE, AFTER = "0019_covering_keys", "0020_account_lock"
LOCK_COLUMNS = {"failed_logins", "locked_until"}


@pytest.fixture(params=BACKENDS)
def accounts_database(request, tmp_path):
    """A database at 0019 with a manager's account (written as 0019 has it: the model no longer
    knows its lock columns) and an audit event naming it."""
    with database_at(tmp_path, request.param, BEFORE) as app:
        unit = make_unit(code="XA-TK")
        now = datetime.now(UTC).replace(tzinfo=None)
        account = {
            "username": "quanly.xa",
            "full_name": "Phạm Thị Thu",
            "password_hash": "!",
            "role": "manager",
            "unit_id": unit.id,
            "active": True,
            "session_token": "t" * 64,
            "must_change_password": False,
            "failed_logins": 2,
            "created_at": now,
        }
        columns = ", ".join(account)
        values = ", ".join(f":{name}" for name in account)
        db.session.execute(sa.text(f"INSERT INTO users ({columns}) VALUES ({values})"), account)  # noqa: S608
        user_id = db.session.scalar(sa.text("SELECT id FROM users"))
        db.session.execute(
            sa.text(
                "INSERT INTO audit_events (action, actor_id, target_type, target_key, details, at)"
                " VALUES ('user.created', :user, 'user', 'quanly.xa', '{}', :at)"
            ),
            {"user": user_id, "at": now},
        )
        db.session.commit()
        db.session.remove()
        yield app, user_id


def user_columns() -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns("users")}


def kept(user_id: int) -> tuple:
    names = db.session.execute(sa.text("SELECT username, full_name FROM users")).all()
    audited = db.session.scalar(
        sa.text("SELECT count(*) FROM audit_events WHERE actor_id = :id"), {"id": user_id}
    )
    return [tuple(row) for row in names], audited


def test_upgrade_drops_the_lock_columns_and_the_account_signs_in(accounts_database):
    app, user_id = accounts_database
    before = kept(user_id)
    db.session.remove()  # ALTER TABLE waits for every open transaction on users
    upgrade(revision=AFTER)
    assert not LOCK_COLUMNS & user_columns()
    assert kept(user_id) == before == ([("quanly.xa", "Phạm Thị Thu")], 1)
    user = db.session.get(User, user_id)
    user.password_hash = generate_password_hash(DEFAULT_PASSWORD)
    db.session.commit()
    assert sign_in(app.test_client(), user).status_code == 302


def test_downgrade_adds_them_back_with_every_account_unlocked(accounts_database):
    _, user_id = accounts_database
    db.session.remove()
    upgrade(revision=AFTER)
    db.session.remove()
    downgrade(revision=BEFORE)
    assert user_columns() >= LOCK_COLUMNS
    lock = db.session.execute(sa.text("SELECT failed_logins, locked_until FROM users")).one()
    assert tuple(lock) == (0, None)
    assert kept(user_id) == ([("quanly.xa", "Phạm Thị Thu")], 1)
