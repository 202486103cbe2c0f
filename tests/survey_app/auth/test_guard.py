"""The access guard, tried on a small test-only blueprint: every staff view passes through it."""

import pytest
from flask import Blueprint

from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs
from survey_app.core.extensions import db
from survey_app.models import Role
from tests.helpers.app import make_test_app
from tests.helpers.builders import make_counter, make_unit, make_user
from tests.helpers.staff_pages import sign_in

probe = Blueprint("probe", __name__, url_prefix="/probe")
guard_staff_blueprint(probe)


@probe.get("/unit/<unit_code>")
@needs(Permission.MANAGE_ORGANISATION)
def show_unit(unit):
    return f"unit {unit.code}"


@probe.get("/counter/<counter_code>")
@needs(Permission.MANAGE_ORGANISATION)
def show_counter(counter):
    return f"counter {counter.code} of {counter.unit.code}"


@probe.get("/undeclared")
def undeclared():
    return "should never be reached"


@pytest.fixture
def client(migrated_app, database_url):
    app = make_test_app(database_url)
    app.register_blueprint(probe)
    with app.app_context():
        yield app.test_client()
        db.session.remove()
        db.engine.dispose()
    with migrated_app.app_context():
        from tests.helpers.app import empty_tables

        empty_tables()


@pytest.fixture
def tree():
    province = make_unit(code="TINH")
    commune_a = make_unit(code="XA-A", parent=province)
    commune_b = make_unit(code="XA-B", parent=province)
    return province, commune_a, commune_b


def test_anonymous_visitors_are_sent_to_sign_in(client, tree):
    response = client.get("/probe/unit/XA-A")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dang-nhap?next=/probe/unit/XA-A"


def test_a_manager_sees_their_unit_and_the_units_below(client, tree):
    province, commune_a, _ = tree
    sign_in(client, make_user(role=Role.MANAGER, unit=province))
    assert client.get("/probe/unit/XA-A").get_data(as_text=True) == "unit XA-A"
    assert client.get("/probe/unit/TINH").status_code == 200


def test_a_commune_manager_gets_404_for_another_commune_whatever_the_url(client, tree):
    _, commune_a, commune_b = tree
    counter_b = make_counter(unit=commune_b, code="QB1")
    sign_in(client, make_user(role=Role.MANAGER, unit=commune_a))
    assert client.get("/probe/unit/XA-B").status_code == 404
    assert client.get("/probe/unit/TINH").status_code == 404  # above is out of scope too
    assert client.get(f"/probe/counter/{counter_b.code}").status_code == 404
    assert client.get("/probe/unit/NO-SUCH").status_code == 404


def test_a_role_without_the_permission_is_refused(client, tree):
    _, commune_a, _ = tree
    sign_in(client, make_user(role=Role.COMPLAINT_HANDLER, unit=commune_a))
    assert client.get("/probe/unit/XA-A").status_code == 403


def test_a_staff_view_that_declares_no_permission_is_closed_to_everyone(client, tree):
    province, _, _ = tree
    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=province))
    assert client.get("/probe/undeclared").status_code == 403
