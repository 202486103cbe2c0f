"""The audit log page: administrators read who changed what and when, in their units."""

from datetime import UTC, datetime, timedelta

import pytest

from survey_app.core.extensions import db
from survey_app.models import AuditEvent, Role
from tests.helpers.builders import make_user
from tests.helpers.staff_pages import post_form, sign_in
from tests.helpers.survey_pages import parse

NOON_UTC = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # 12:00 in Hà Nội


def make_event(*, unit, action="counter.create", key="Q1", at=NOON_UTC, actor=None, details=None):
    event = AuditEvent(
        at=at,
        actor=actor,
        action=action,
        target_type=action.split(".")[0],
        target_key=key,
        unit_id=unit.id if unit else None,
        details=details or {},
    )
    db.session.add(event)
    db.session.commit()
    return event


def open_log(client, query: str = "") -> list[dict[str, str]]:
    page = parse(client.get(f"/quan-tri/nhat-ky{query}"))
    return [
        {cell["class"][0]: cell.get_text(" ", strip=True) for cell in row.select("td")}
        for row in page.select("tr.event")
    ]


def sign_in_admin(client, unit, username="admin"):
    admin = make_user(role=Role.ADMINISTRATOR, unit=unit, username=username)
    sign_in(client, admin)
    client.get("/quan-tri/?lang=en")
    return admin


def clear_events() -> None:
    """The accounts the tests sign in with are audited too; start from an empty log."""
    db.session.execute(db.delete(AuditEvent))
    db.session.commit()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.COMPLAINT_HANDLER])
def test_only_administrators_read_the_audit_log(client, tree, role):
    sign_in(client, make_user(role=role, unit=tree[0]))
    assert client.get("/quan-tri/nhat-ky").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/quan-tri/nhat-ky")
    assert response.headers["Location"] == "/dang-nhap?next=/quan-tri/nhat-ky"


def test_each_change_shows_who_what_and_when_in_local_time_newest_first(client, tree):
    _, commune_a, _ = tree
    admin = sign_in_admin(client, commune_a)
    clear_events()
    make_event(unit=commune_a, action="counter.create", key="Q1", details={"name": "Quầy 1"})
    later = NOON_UTC + timedelta(hours=1)
    make_event(unit=commune_a, action="counter.update", key="Q1", at=later, actor=admin)

    rows = open_log(client)

    assert [row["when"] for row in rows] == ["02/03/2026 13:00", "02/03/2026 12:00"]
    assert rows[0]["actor"] == f"{admin.full_name} ({admin.username})"
    assert rows[1]["actor"] == "Command line"
    assert (rows[1]["action"], rows[1]["target"]) == (
        "Counter added",
        "Counter Q1 UBND xã An Bình",
    )
    assert rows[1]["details"] == "Name: Quầy 1"


def test_an_edit_shows_the_values_before_and_after(client, tree):
    _, commune_a, _ = tree
    sign_in_admin(client, commune_a)
    make_user(unit=commune_a, username="quanly-a")
    data = {"full_name": "Tên Mới", "email": "", "role": "manager", "unit": "XA-A", "active": "y"}
    post_form(client, "/quan-tri/nguoi-dung/quanly-a/sua", data | {"officer": ""})

    [newest, *_] = open_log(client)

    assert (newest["action"], newest["actor"].endswith("(admin)")) == ("Account changed", True)
    assert newest["details"] == "Full name: Phạm Thị Quản Lý → Tên Mới"


def test_an_administrator_reads_only_the_changes_of_their_units(client, tree):
    province, commune_a, commune_b = tree
    sign_in_admin(client, commune_a)
    clear_events()
    make_event(unit=commune_a, key="QA")
    make_event(unit=commune_b, key="QB")
    make_event(unit=province, key="QT")
    make_event(unit=None, action="procedure.create", key="1.0001")

    assert [row["target"] for row in open_log(client)] == ["Counter QA UBND xã An Bình"]


def test_a_top_unit_administrator_also_reads_the_changes_tied_to_no_unit(client, tree):
    province, commune_a, commune_b = tree
    sign_in_admin(client, province)
    clear_events()
    for unit, key in ((commune_a, "QA"), (commune_b, "QB"), (province, "QT")):
        make_event(unit=unit, key=key)
    make_event(unit=None, action="procedure.create", key="1.0001")

    keys = {row["target"].split()[1] for row in open_log(client)}

    assert keys == {"QA", "QB", "QT", "1.0001"}


def test_the_log_filters_by_action_and_by_who_made_the_change(client, tree):
    _, commune_a, _ = tree
    admin = sign_in_admin(client, commune_a)
    clear_events()
    make_event(unit=commune_a, action="counter.create", key="Q1", actor=admin)
    make_event(unit=commune_a, action="counter.create", key="Q2")
    make_event(unit=commune_a, action="officer.create", key="CB1", actor=admin)

    page = parse(client.get("/quan-tri/nhat-ky"))
    offered = [option["value"] for option in page.select("#action option")]
    assert offered == ["", "counter.create", "officer.create"]
    assert [option["value"] for option in page.select("#user option")] == ["", "-", "~", "admin"]

    def keys(query):
        return [row["target"].split()[1] for row in open_log(client, query)]

    assert keys("?action=counter.create") == ["Q2", "Q1"]
    assert keys("?user=admin") == ["CB1", "Q1"]
    assert keys("?user=-") == ["Q2"]
    assert keys("?action=counter.create&user=admin") == ["Q1"]


def test_the_log_shows_fifty_changes_a_page(client, tree):
    _, commune_a, _ = tree
    sign_in_admin(client, commune_a)
    clear_events()
    for minute in range(51):
        make_event(unit=commune_a, key=f"Q{minute}", at=NOON_UTC + timedelta(minutes=minute))

    first = parse(client.get("/quan-tri/nhat-ky"))
    second_rows = open_log(client, "?page=2")

    assert len(first.select("tr.event")) == 50
    assert first.select_one("tr.event .target strong").get_text() == "Q50"
    assert "Page 1 of 2" in first.select_one(".pages").get_text()
    assert first.select_one("a[rel=next]")["href"] == "/quan-tri/nhat-ky?page=2"
    assert [row["target"].split()[1] for row in second_rows] == ["Q0"]


def test_an_empty_log_says_so(client, tree):
    sign_in_admin(client, tree[1])
    clear_events()
    page = parse(client.get("/quan-tri/nhat-ky"))
    assert page.select_one(".empty") is not None
    assert not page.select("tr.event")
