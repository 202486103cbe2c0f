"""Migrations are the only way the schema is made: they must agree with the models, on both
databases, and leave a fresh database ready for use."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from survey_app.core.extensions import db
from tests.helpers.app import make_test_app
from tests.helpers.databases import fresh_database

BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def empty_app(request, tmp_path):
    with fresh_database(tmp_path, request.param) as url:
        app = make_test_app(url)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_and_models_agree(empty_app):
    upgrade()
    assert schema_differences() == []


def test_upgrade_loads_the_shipped_instruments(empty_app):
    upgrade()
    rows = db.session.execute(
        sa.text(
            "SELECT i.code, i.version, COUNT(items.id) FROM instruments i "
            "JOIN items ON items.instrument_id = i.id GROUP BY i.code, i.version "
            "ORDER BY i.code, i.version"
        )
    ).all()
    assert [tuple(row) for row in rows] == [
        ("kiosk-5", 1, 6),
        ("sipas-2017", 1, 23),
        ("sipas-2023", 1, 20),
        ("sipas-2023", 2, 20),
    ]


def test_downgrade_to_nothing_and_back(empty_app):
    upgrade()
    downgrade(revision="base")
    assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
    upgrade()
    assert schema_differences() == []


def test_office_hours_upgrade_and_downgrade(empty_app):
    """0012: the rules gain office hours (off), the hold reason outside_hours is accepted; the
    downgrade keeps a rating held for it (without a reason) and refuses the reason again."""
    upgrade(revision="0007_report")
    unit_id = _a_unit_with_rules()
    upgrade(revision="0012_hours")
    rules = db.session.execute(
        sa.text("SELECT office_hours_only, opens_at, closes_at FROM rating_rules")
    ).one()
    assert not rules.office_hours_only
    assert [str(rules.opens_at)[:5], str(rules.closes_at)[:5]] == ["07:00", "17:00"]
    _a_held_rating(unit_id, "outside_hours")
    db.session.commit()

    downgrade(revision="0007_report")
    held = db.session.execute(sa.text("SELECT held, hold_reason FROM survey_responses")).one()
    assert bool(held.held) and held.hold_reason is None
    columns = {column["name"] for column in sa.inspect(db.engine).get_columns("rating_rules")}
    assert "office_hours_only" not in columns
    with pytest.raises(sa.exc.IntegrityError):
        _a_held_rating(unit_id, "outside_hours")
    db.session.rollback()

    upgrade()
    assert schema_differences() == []


def _a_unit_with_rules() -> int:
    db.session.execute(
        sa.text(
            "INSERT INTO units (code, name, instrument_code, active, created_at) "
            "VALUES ('XA-A', 'UBND xã A', 'sipas-2023', true, :at)"
        ),
        {"at": "2026-11-01 00:00:00"},
    )
    unit_id = db.session.scalar(sa.text("SELECT id FROM units"))
    db.session.execute(
        sa.text(
            "INSERT INTO rating_rules (unit_id, repeat_minutes, burst_minutes, address_limit, "
            "target_limit, pattern_limit, kiosk_repeat_seconds) "
            "VALUES (:unit, 30, 10, 5, 12, 5, 10)"
        ),
        {"unit": unit_id},
    )
    db.session.commit()
    return unit_id


def _a_held_rating(unit_id: int, reason: str) -> None:
    instrument_id = db.session.scalar(sa.text("SELECT min(id) FROM instruments"))
    db.session.execute(
        sa.text(
            "INSERT INTO survey_responses (client_ref, unit_id, instrument_id, channel, "
            "submitted_at, received_at, comment, flagged, is_spam, held, hold_reason) VALUES "
            "(:ref, :unit, :instrument, 'qr', :at, :at, '', false, false, true, :reason)"
        ),
        {
            "ref": f"ref-{reason}",
            "unit": unit_id,
            "instrument": instrument_id,
            "at": "2026-11-11 14:00:00",
            "reason": reason,
        },
    )
