"""The working-day calendar page (administrators): list a year, add and remove overrides."""

from datetime import date

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import CalendarOverride, Role
from tests.helpers.builders import make_user
from tests.helpers.staff_pages import csrf, events, post_form, sign_in, summary
from tests.helpers.survey_pages import parse

URL = "/quan-tri/lich-lam-viec/"
SEEDED = [date(2026, 1, 2), date(2026, 1, 10)]
DECISION = {
    "day": "2026-06-01",
    "kind": "off",
    "name": "Nghỉ thử",
    "source": "Quyết định 1/QĐ-TEST",
}


@pytest.fixture(autouse=True)
def keep_the_seeded_overrides_only(app):
    """The override table is seeded and not emptied between tests: undo what a test added."""
    yield
    db.session.rollback()
    db.session.execute(sa.delete(CalendarOverride).where(CalendarOverride.day.not_in(SEEDED)))
    db.session.commit()


@pytest.fixture
def admin(client):
    user = make_user(role=Role.ADMINISTRATOR)
    sign_in(client, user)
    client.get(URL + "?lang=en")
    return user


def rows(response) -> dict[str, tuple[str, str]]:
    """Day → (kind, origin) of each listed day."""
    table = parse(response).select("table.calendar tr[data-day]")
    return {row["data-day"]: (row["data-kind"], row["data-origin"]) for row in table}


def stored(day: date) -> CalendarOverride | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(CalendarOverride).where(CalendarOverride.day == day))


def test_the_year_shows_package_days_and_overrides(client, admin):
    listed = rows(client.get(URL + "?nam=2026"))
    assert listed["2026-02-17"] == ("off", "package")
    assert listed["2026-08-22"] == ("working", "package")  # make-up day for Mon 31/08
    assert listed["2026-01-02"] == ("off", "override")
    assert listed["2026-01-10"] == ("working", "override")
    assert "2026-11-24" not in listed  # Culture Day is a working day unless switched on


def test_culture_day_is_listed_when_switched_on(client, admin, app, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_CULTURE_DAY_OFF", "true")
    assert rows(client.get(URL + "?nam=2026"))["2026-11-24"] == ("off", "package")


def test_an_administrator_adds_an_override(client, admin):
    response = post_form(client, URL, DECISION, "form[novalidate]")
    assert response.status_code == 303
    assert response.location.endswith("?nam=2026")
    override = stored(date(2026, 6, 1))
    assert (override.is_working_day, override.name, override.source) == (
        False,
        "Nghỉ thử",
        "Quyết định 1/QĐ-TEST",
    )
    [event] = events("calendar_override.create")
    assert (event.actor_id, event.target_type, event.target_key) == (
        admin.id,
        "calendar_override",
        "2026-06-01",
    )
    page = client.get(response.location)
    assert rows(page)["2026-06-01"] == ("off", "override")
    assert "was saved" in parse(page).select_one(".flash").get_text()


def test_a_make_up_working_day(client, admin):
    data = DECISION | {"day": "2026-06-06", "kind": "working", "name": "Làm bù"}
    post_form(client, URL, data, "form[novalidate]")
    assert stored(date(2026, 6, 6)).is_working_day is True


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"day": ""}, "day"),
        ({"day": "31/02/2026"}, "day"),
        ({"kind": ""}, "kind"),
        ({"name": "  "}, "name"),
        ({"source": ""}, "source"),
        ({"source": "x" * 301}, "source"),
    ],
)
def test_every_field_is_required_and_checked(client, admin, change, field):
    response = post_form(client, URL, DECISION | change, "form[novalidate]")
    assert response.status_code == 422
    page = parse(response)
    assert page.select_one(f"#{field}-err") is not None
    assert page.select_one("input[name=name]")["value"] == (DECISION | change)["name"].strip()
    assert stored(date(2026, 6, 1)) is None
    assert events("calendar_override.create") == []


def test_a_day_has_one_override(client, admin):
    response = post_form(client, URL, DECISION | {"day": "2026-01-02"}, "form[novalidate]")
    assert response.status_code == 422
    assert "already has an override" in summary(response)
    assert stored(date(2026, 1, 2)).name.startswith("Nghỉ bù Tết Dương lịch")


def test_an_administrator_removes_an_override(client, admin):
    post_form(client, URL, DECISION, "form[novalidate]")
    response = post_form(client, URL + "?nam=2026", {}, "tr[data-day='2026-06-01'] form")
    assert response.status_code == 303
    assert stored(date(2026, 6, 1)) is None
    [event] = events("calendar_override.delete")
    assert (event.target_key, event.details["name"]) == ("2026-06-01", "Nghỉ thử")
    assert "2026-06-01" not in rows(client.get(URL + "?nam=2026"))


def test_removing_a_day_without_override_is_not_found(client, admin):
    page = parse(client.get(URL + "?nam=2026"))
    token = {"csrf_token": page.select_one("input[name=csrf_token]")["value"]}
    assert client.post(URL + "2026-06-02/xoa", data=token).status_code == 404
    assert client.post(URL + "not-a-day/xoa", data=token).status_code == 404


def test_removing_needs_the_form_token(client, admin):
    post_form(client, URL, DECISION, "form[novalidate]")
    assert client.post(URL + "2026-06-01/xoa").status_code == 400
    assert stored(date(2026, 6, 1)) is not None


def test_a_manager_may_not_see_or_change_the_calendar(client, tree):
    sign_in(client, make_user(role=Role.MANAGER, unit=tree[1]))
    assert client.get(URL).status_code == 403
    token = csrf(client)  # a valid token: the refusal comes from the guard
    assert client.post(URL, data=DECISION | token).status_code == 403
    assert client.post(URL + "2026-01-02/xoa", data=token).status_code == 403
    assert stored(date(2026, 1, 2)) is not None


def test_an_unreasonable_year_is_not_found(client, admin):
    assert client.get(URL + "?nam=12026").status_code == 404
