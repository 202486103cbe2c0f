"""The working-day calendar and the procedures catalogue are the same for the whole country:
only administrators of a top unit change them; every change shows in the audit view of whoever
made it."""

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import AuditEvent, CalendarOverride, Role
from tests.helpers.builders import make_user
from tests.helpers.staff_pages import csrf, sign_in
from tests.helpers.survey_pages import parse

CALENDAR = "/quan-tri/lich-lam-viec/"
CATALOGUE = "/quan-tri/thu-tuc"
DAY_OFF = {"day": "2026-06-02", "kind": "off", "name": "Nghỉ riêng", "source": "QĐ 9/QĐ-XA"}


@pytest.fixture
def commune_admin(client, tree):
    user = make_user(role=Role.ADMINISTRATOR, unit=tree[1], username="quantri-xa")
    sign_in(client, user)
    return user


@pytest.mark.parametrize("path", [CALENDAR, CATALOGUE, CATALOGUE + "/moi"])
def test_a_commune_administrator_cannot_open_national_data(client, commune_admin, path):
    assert client.get(path).status_code == 403


def test_a_commune_administrator_cannot_change_the_calendar(client, commune_admin):
    response = client.post(CALENDAR, data=csrf(client) | DAY_OFF)
    assert response.status_code == 403
    stored = db.session.scalars(sa.select(CalendarOverride.name)).all()
    assert "Nghỉ riêng" not in stored


def test_the_menu_of_a_commune_administrator_has_no_calendar(client, commune_admin):
    page = parse(client.get("/quan-tri/"))
    links = {a["href"] for a in page.select("a[href]")}
    assert CALENDAR not in links and CATALOGUE not in links


def test_a_province_administrator_keeps_national_data(client, tree):
    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=tree[0]))
    assert client.get(CALENDAR).status_code == 200
    assert client.get(CATALOGUE).status_code == 200


def test_a_change_tied_to_no_unit_shows_in_the_audit_view_of_its_author(client, commune_admin):
    db.session.add(
        AuditEvent(
            actor=commune_admin,
            action="calendar.add",
            target_type="calendar_override",
            target_key="2026-06-02",
            unit_id=None,
        )
    )
    db.session.commit()
    page = parse(client.get("/quan-tri/nhat-ky"))
    assert "2026-06-02" in page.select_one("main").get_text()
