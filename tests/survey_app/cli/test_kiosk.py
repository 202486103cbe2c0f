"""`survey-app kiosk register`: a paired kiosk for scripted set-up."""

import sqlalchemy as sa

from kiosk.pairing import find_kiosk
from survey_app.core.extensions import db
from survey_app.models import AuditEvent, Kiosk
from tests.helpers.builders import make_counter
from tests.helpers.kiosk_devices import bearer


def test_register_prints_a_working_device_token_alone(invoke, client, tree):
    counter = make_counter(unit=tree[1], code="XA-A-Q1", name="Quầy Đất đai")
    result = invoke("kiosk", "register", "--counter", "XA-A-Q1", "--name", "Máy quầy 1")
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert "\n" not in token and token.startswith("kt_")
    assert "shown only once" in result.stderr
    kiosk = find_kiosk(token)
    assert (kiosk.name, kiosk.counter, kiosk.paired_at is not None) == ("Máy quầy 1", counter, True)
    config = client.get("/api/v1/kiosk/config", headers=bearer(token))
    assert config.get_json()["kiosk"]["counter_code"] == "XA-A-Q1"
    event = db.session.scalar(sa.select(AuditEvent))
    assert (event.action, event.actor, event.target_key) == (
        "kiosk.register",
        None,
        kiosk.token_prefix,
    )


def test_the_name_defaults_to_the_counters(invoke, tree):
    make_counter(unit=tree[1], code="XA-A-Q1", name="Quầy Đất đai")
    assert invoke("kiosk", "register", "--counter", "XA-A-Q1").exit_code == 0
    assert db.session.scalar(sa.select(Kiosk.name)) == "Kiosk at Quầy Đất đai"


def test_an_unknown_counter_is_a_usage_error(invoke, tree):
    result = invoke("kiosk", "register", "--counter", "KHONG-CO")
    assert result.exit_code == 2
    assert "No counter has the code KHONG-CO." in result.stderr
    assert result.stdout == ""
    assert db.session.scalar(sa.select(sa.func.count(Kiosk.id))) == 0
