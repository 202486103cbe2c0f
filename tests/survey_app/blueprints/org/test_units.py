"""Units and counters administered through the staff pages."""

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import AuditEvent, Counter, Officer, SurveyResponse, Unit
from tests.helpers.builders import make_counter, make_officer, make_response
from tests.helpers.builders import survey_code_of as code_of
from tests.helpers.staff_pages import csrf, events, one, post_form, summary, text
from tests.helpers.survey_pages import parse


@pytest.fixture(autouse=True)
def english(client):
    """These tests read the English pages (the Vietnamese ones are checked elsewhere)."""
    client.get("/?lang=en")


# The tree and the unit page ------------------------------------------------------------------


def test_the_tree_nests_the_units_in_scope_with_their_counts(client, tree, admin):
    _, commune_a, commune_b = tree
    make_counter(unit=commune_a, code="A-Q1")
    closed = make_counter(unit=commune_a, code="A-Q2")
    make_officer(unit=commune_a, code="A-CB1")
    db.session.execute(sa.update(Counter).where(Counter.id == closed.id).values(active=False))
    db.session.commit()

    page = parse(client.get("/quan-tri/don-vi"))

    province_item = page.select_one("li[data-unit=TINH]")
    nested = [li["data-unit"] for li in province_item.select("ul > li")]
    assert nested == ["XA-A", "XA-B"]  # by name: An Bình, Bình Minh
    commune_a_item = page.select_one("li[data-unit=XA-A]")
    assert text(commune_a_item, ".counters") == "Counters: 1 active of 2"
    assert text(commune_a_item, ".officers") == "Officers: 1 active of 1"
    assert text(page.select_one("li[data-unit=XA-B]"), ".counters") == "Counters: 0 active of 0"


def test_a_commune_manager_sees_only_their_commune_in_the_tree(client, tree, manager):
    page = parse(client.get("/quan-tri/don-vi"))
    assert [li["data-unit"] for li in page.select("li[data-unit]")] == ["XA-A"]
    assert page.select_one("a[href='/quan-tri/nhap-to-chuc']") is None  # import is for admins


def test_the_unit_page_shows_counters_officers_questionnaire_and_units_below(client, tree, admin):
    province, commune_a, _ = tree
    counter = make_counter(unit=commune_a, code="A-Q1", name="Quầy Đất đai", field="Đất đai")
    make_officer(unit=commune_a, code="A-CB1", full_name="Trần Văn Bình", counters=[counter])
    make_response(counter=counter)

    commune_page = parse(client.get("/quan-tri/don-vi/XA-A"))
    province_page = parse(client.get("/quan-tri/don-vi/TINH"))

    row = commune_page.select_one("table.counters tr[data-code=A-Q1]")
    assert [td.get_text(strip=True) for td in row.select("td")] == [
        "A-Q1",
        "Quầy Đất đai",
        "Đất đai",
        "1",
        "Active",
    ]
    officer_row = commune_page.select_one("table.officers tr[data-code=A-CB1]")
    assert "Trần Văn Bình" in officer_row.get_text()
    assert "A-Q1" in officer_row.get_text()
    assert text(commune_page, ".instrument").startswith("sipas-2023")
    assert text(commune_page, "#children + .empty") == "No units below this one."
    assert [a.get_text() for a in province_page.select("ul.children a")] == [
        "UBND xã An Bình",
        "UBND xã Bình Minh",
    ]
    assert "No counters yet" in text(province_page, "#counters ~ .empty")


# Units (administrators) ---------------------------------------------------------------------


def test_an_administrator_adds_a_unit_below_with_its_questionnaire(client, tree, admin):
    response = post_form(
        client,
        "/quan-tri/don-vi/TINH/don-vi-moi",
        {"code": "XA-C", "name": "UBND xã Cát Tiên", "instrument_code": "sipas-2017"},
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/quan-tri/don-vi/XA-C"
    unit = one(Unit, "XA-C")
    assert (unit.name, unit.parent.code, unit.instrument_code) == (
        "UBND xã Cát Tiên",
        "TINH",
        "sipas-2017",
    )
    assert [event.target_key for event in events("unit.create")] == ["XA-C"]
    assert events("unit.create")[0].actor_id == admin.id


def test_the_questionnaires_offered_are_those_loaded(client, tree, admin):
    page = parse(client.get("/quan-tri/don-vi/XA-A/sua"))
    options = [option["value"] for option in page.select("select#instrument_code option")]
    assert options == ["kiosk-5", "sipas-2017", "sipas-2023"]
    assert page.select_one("option[selected]")["value"] == "sipas-2023"


def test_a_taken_unit_code_is_refused_with_a_clear_message(client, tree, admin):
    response = post_form(
        client,
        "/quan-tri/don-vi/TINH/don-vi-moi",
        {"code": "XA-B", "name": "Trùng mã", "instrument_code": "sipas-2023"},
    )

    assert response.status_code == 422
    assert "This code is already used by another unit." in summary(response)
    assert parse(response).select_one("#name")["value"] == "Trùng mã"  # kept as typed
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 3


def test_a_code_with_spaces_or_accents_is_refused(client, tree, admin):
    response = post_form(
        client,
        "/quan-tri/don-vi/TINH/don-vi-moi",
        {"code": "Xã Mới", "name": "UBND xã Mới", "instrument_code": "sipas-2023"},
    )
    assert response.status_code == 422
    assert "letters, digits, dots, hyphens or underscores" in summary(response)


def test_an_administrator_renames_a_unit_and_changes_its_questionnaire(client, tree, admin):
    response = post_form(
        client,
        "/quan-tri/don-vi/XA-A/sua",
        {"name": "UBND xã An Bình Mới", "instrument_code": "kiosk-5"},
    )

    assert response.status_code == 303
    unit = one(Unit, "XA-A")
    assert (unit.name, unit.instrument_code) == ("UBND xã An Bình Mới", "kiosk-5")
    (event,) = events("unit.update")
    assert event.details["instrument_code"] == ["sipas-2023", "kiosk-5"]


def test_an_unknown_questionnaire_is_refused(client, tree, admin):
    response = post_form(
        client, "/quan-tri/don-vi/XA-A/sua", {"name": "X", "instrument_code": "sipas-1999"}
    )
    assert response.status_code == 422
    assert "Choose one of the questionnaires." in summary(response)
    assert one(Unit, "XA-A").instrument_code == "sipas-2023"


def test_a_manager_views_units_but_cannot_change_them(client, tree, manager):
    assert client.get("/quan-tri/don-vi/XA-A").status_code == 200
    page = parse(client.get("/quan-tri/don-vi/XA-A"))
    assert page.select_one("a[href='/quan-tri/don-vi/XA-A/sua']") is None
    assert client.get("/quan-tri/don-vi/XA-A/sua").status_code == 403
    assert client.get("/quan-tri/don-vi/XA-A/don-vi-moi").status_code == 403
    status = client.post(
        "/quan-tri/don-vi/XA-A/trang-thai", data={"active": "false"} | csrf(client)
    )
    assert status.status_code == 403
    assert one(Unit, "XA-A").active


def test_deactivating_a_unit_closes_its_surveys_and_reactivating_reopens_them(client, tree, admin):
    counter = make_counter(unit=tree[1])
    survey_code = code_of(counter)

    response = post_form(
        client, "/quan-tri/don-vi/XA-A", {"active": "false"}, "form[action$='/trang-thai']"
    )

    assert response.status_code == 303
    assert not one(Unit, "XA-A").active
    assert client.get(f"/s/{survey_code}").status_code == 404
    tree_page = parse(client.get("/quan-tri/don-vi"))
    assert "Inactive" in text(tree_page, "li[data-unit=XA-A]")  # shown, not hidden
    post_form(client, "/quan-tri/don-vi/XA-A", {"active": "true"}, "form[action$='/trang-thai']")
    assert one(Unit, "XA-A").active
    assert client.get(f"/s/{survey_code}").status_code == 200
    assert [e.action for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))][
        -2:
    ] == ["unit.deactivate", "unit.reactivate"]


# Counters ---------------------------------------------------------------------------------


def test_a_manager_adds_a_counter_that_gets_its_own_qr_code(client, tree, manager):
    response = post_form(
        client,
        "/quan-tri/don-vi/XA-A/quay-moi",
        {"code": "A-Q1", "name": "Quầy số 1 - Hộ tịch", "field": "Hộ tịch"},
    )

    assert response.status_code == 303
    counter = one(Counter, "A-Q1")
    assert (counter.unit.code, counter.name, counter.field) == (
        "XA-A",
        "Quầy số 1 - Hộ tịch",
        "Hộ tịch",
    )
    assert client.get(f"/s/{code_of(counter)}").status_code == 200
    assert events("counter.create")[0].unit_id == tree[1].id
    page = parse(client.get(response.headers["Location"]))
    assert "Counter A-Q1 was added." in text(page, ".flash")


def test_a_counter_code_used_anywhere_is_refused(client, tree, manager):
    make_counter(unit=tree[2], code="Q1")  # in commune B, out of the manager's sight
    response = post_form(
        client, "/quan-tri/don-vi/XA-A/quay-moi", {"code": "Q1", "name": "Quầy 1", "field": ""}
    )
    assert response.status_code == 422
    assert "This code is already used by another counter." in summary(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Counter)) == 1


def test_a_counter_needs_a_name(client, tree, manager):
    response = post_form(
        client, "/quan-tri/don-vi/XA-A/quay-moi", {"code": "A-Q9", "name": " ", "field": ""}
    )
    assert response.status_code == 422
    assert "Enter a name." in summary(response)


def test_a_manager_edits_a_counter(client, tree, manager):
    make_counter(unit=tree[1], code="A-Q1", name="Quầy 1", field="Hộ tịch")
    page = parse(client.get("/quan-tri/quay/A-Q1"))
    assert [o["value"] for o in page.select("datalist#known-fields option")] == ["Hộ tịch"]
    response = post_form(
        client,
        "/quan-tri/quay/A-Q1",
        {"name": "Quầy số 1", "field": "Chứng thực"},
        "form.edit",
    )
    assert response.status_code == 303
    counter = one(Counter, "A-Q1")
    assert (counter.name, counter.field) == ("Quầy số 1", "Chứng thực")
    assert events("counter.update")[0].details == {
        "name": ["Quầy 1", "Quầy số 1"],
        "field": ["Hộ tịch", "Chứng thực"],
    }


def test_a_deactivated_counter_keeps_its_responses_attributed_and_counted(client, tree, manager):
    counter = make_counter(unit=tree[1], code="A-Q1")
    response = make_response(counter=counter)

    done = post_form(client, "/quan-tri/quay/A-Q1", {"active": "false"}, "form.status")

    flash = text(parse(client.get(done.headers["Location"])), ".flash")
    assert flash == "Quầy Tư pháp - Hộ tịch was deactivated. Its responses are kept."
    assert not one(Counter, "A-Q1").active
    assert db.session.get(SurveyResponse, response.id).counter_id == counter.id
    assert client.get(f"/s/{code_of(counter)}").status_code == 404
    row = parse(client.get("/quan-tri/don-vi/XA-A")).select_one("tr[data-code=A-Q1]")
    assert [td.get_text(strip=True) for td in row.select("td")][-2:] == ["1", "Inactive"]
    assert text(parse(client.get("/quan-tri/quay/A-Q1")), ".responses") == "1"


# Scope ------------------------------------------------------------------------------------


def test_a_manager_of_commune_a_gets_404_for_everything_of_commune_b(client, tree, manager):
    counter = make_counter(unit=tree[2], code="B-Q1", name="Quầy B")
    officer = make_officer(unit=tree[2], code="B-CB1", full_name="Cán bộ B")
    pages = [
        "/quan-tri/don-vi/XA-B",
        "/quan-tri/don-vi/TINH",
        "/quan-tri/don-vi/XA-B/quay-moi",
        "/quan-tri/don-vi/XA-B/cong-chuc-moi",
        "/quan-tri/quay/B-Q1",
        "/quan-tri/cong-chuc/B-CB1",
        "/quan-tri/cong-chuc/B-CB1/anh",
    ]
    posts = {
        "/quan-tri/don-vi/XA-B/quay-moi": {"code": "B-Q2", "name": "Lạ"},
        "/quan-tri/don-vi/XA-B/cong-chuc-moi": {"code": "B-CB2", "full_name": "Lạ"},
        "/quan-tri/quay/B-Q1": {"name": "Đổi tên", "field": ""},
        "/quan-tri/quay/B-Q1/trang-thai": {"active": "false"},
        "/quan-tri/cong-chuc/B-CB1": {"full_name": "Đổi tên"},
        "/quan-tri/cong-chuc/B-CB1/trang-thai": {"active": "false"},
        "/quan-tri/cong-chuc/B-CB1/anh/xoa": {},
    }

    assert {url: client.get(url).status_code for url in pages} == dict.fromkeys(pages, 404)
    token = csrf(client)
    answers = {url: client.post(url, data=data | token).status_code for url, data in posts.items()}
    assert answers == dict.fromkeys(posts, 404)
    counter, officer = one(Counter, "B-Q1"), one(Officer, "B-CB1")
    assert (counter.name, counter.active, officer.full_name, officer.active) == (
        "Quầy B",
        True,
        "Cán bộ B",
        True,
    )
    assert one(Counter, "B-Q2") is None and one(Officer, "B-CB2") is None
