"""QR codes in the staff pages: a unit's codes with previews and downloads, one code, its
rotation, and the unit's posters."""

import io

import pypdf
import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import AuditEvent, Counter, Role, SurveyCode
from survey_app.services.api_keys import create_api_key
from survey_app.services.codes import LinkRequest, create_dossier_link
from tests.helpers.builders import make_counter, make_officer, make_unit, make_user, survey_code_of
from tests.helpers.staff_pages import post_form, sign_in
from tests.helpers.survey_pages import hidden_fields, parse


def live_codes_of(counter: Counter) -> list[str]:
    query = sa.select(SurveyCode.code).where(
        SurveyCode.counter_id == counter.id, SurveyCode.revoked_at.is_(None)
    )
    return list(db.session.scalars(query))


def make_dossier_link(unit) -> SurveyCode:
    api_key, _ = create_api_key(name="Một cửa", unit=unit, created_by=None)
    return create_dossier_link(api_key, LinkRequest(dossier_code="HS-1", unit_code=unit.code)).link


def test_the_unit_page_lists_its_codes_with_preview_and_downloads(client, tree, manager):
    counter = make_counter(unit=tree[1], name="Quầy số 1 - Đất đai")
    officer = make_officer(unit=tree[1], full_name="Trần Văn Bình")
    make_dossier_link(tree[1])
    make_counter(unit=tree[2])  # another commune's code is not listed
    response = client.get("/quan-tri/don-vi/XA-A/ma-qr")
    assert response.status_code == 200
    rows = parse(response).select("tbody tr")
    assert [row.select_one("strong").get_text() for row in rows] == [
        survey_code_of(counter),
        survey_code_of(officer),
    ]
    assert "Quầy số 1 - Đất đai" in rows[0].get_text()
    assert "Trần Văn Bình" in rows[1].get_text()
    preview = client.get(rows[0].select_one("img")["src"])
    assert (preview.status_code, preview.mimetype) == (200, "image/svg+xml")
    downloads = [a["href"] for a in rows[0].select("a[download]")]
    assert downloads == [
        f"/s/{survey_code_of(counter)}/qr.png",
        f"/s/{survey_code_of(counter)}/qr.svg",
    ]


def test_an_inactive_counters_code_is_marked_without_preview(client, tree, manager):
    counter = make_counter(unit=tree[1])
    counter.active = False
    db.session.commit()
    [row] = parse(client.get("/quan-tri/don-vi/XA-A/ma-qr")).select("tbody tr")
    assert row.select("img") == [] and row.select(".badge.off")
    assert parse(client.get("/quan-tri/don-vi/XA-A/ma-qr")).select("a[href$='ap-phich.pdf']") == []


def test_a_unit_without_codes_says_how_to_get_them(client, tree, manager):
    page = parse(client.get("/quan-tri/don-vi/XA-A/ma-qr"))
    assert page.select_one(".empty") is not None
    assert page.select("table") == []


def test_a_code_page_shows_the_preview_and_the_replace_button(client, tree, manager):
    code = survey_code_of(make_counter(unit=tree[1]))
    page = parse(client.get(f"/quan-tri/ma-qr/{code}"))
    assert page.select_one("img")["src"] == f"/s/{code}/qr.svg"
    form = page.select_one("main form")
    assert form["action"] == f"/quan-tri/ma-qr/{code}/doi-ma" and form["method"] == "post"
    assert code in form.find_previous("p").get_text()  # the warning names the code


def test_a_one_time_link_shows_its_dossier_and_cannot_be_replaced(client, tree, manager):
    link = make_dossier_link(tree[1])
    page = parse(client.get(f"/quan-tri/ma-qr/{link.code}"))
    assert "HS-1" in page.select_one("dl").get_text()
    assert page.select("main form") == []
    token = hidden_fields(parse(client.get("/quan-tri/khoa-api")))
    client.post(f"/quan-tri/ma-qr/{link.code}/doi-ma", data=token)
    assert db.session.get(SurveyCode, link.code).revoked_at is None


def test_rotating_replaces_the_code_and_the_old_one_shows_a_friendly_page(client, tree, manager):
    counter = make_counter(unit=tree[1])
    old = survey_code_of(counter)
    response = post_form(client, f"/quan-tri/ma-qr/{old}", {})
    [new] = live_codes_of(counter)
    assert new != old
    assert response.status_code == 302
    assert response.headers["Location"] == f"/quan-tri/ma-qr/{new}"
    assert db.session.get(SurveyCode, old).revoked_at is not None
    gone = client.get(f"/s/{old}")
    assert gone.status_code == 404
    assert parse(gone).h1.get_text(strip=True) == "Mã khảo sát này không còn được sử dụng"
    assert client.get(f"/s/{new}").status_code == 200


def test_rotating_is_audited_once(client, tree, manager):
    counter = make_counter(unit=tree[1])
    old = survey_code_of(counter)
    post_form(client, f"/quan-tri/ma-qr/{old}", {})
    [event] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "survey_code.rotate")
    )
    [new] = live_codes_of(counter)
    assert (event.actor_id, event.target_key, event.unit_id) == (manager.id, old, tree[1].id)
    assert event.details == {"replaced_by": new, "counter": counter.code}


def test_an_officers_code_is_replaced_for_the_same_officer(client, tree, manager):
    officer = make_officer(unit=tree[1])
    old = survey_code_of(officer)
    post_form(client, f"/quan-tri/ma-qr/{old}", {})
    live = db.session.scalars(
        sa.select(SurveyCode).where(
            SurveyCode.officer_id == officer.id, SurveyCode.revoked_at.is_(None)
        )
    ).all()
    assert [(code.unit_id, code.counter_id) for code in live] == [(tree[1].id, None)]
    assert live[0].code != old


def test_a_replaced_code_cannot_be_replaced_again(client, tree, manager):
    counter = make_counter(unit=tree[1])
    old = survey_code_of(counter)
    token = hidden_fields(parse(client.get(f"/quan-tri/ma-qr/{old}")))
    client.post(f"/quan-tri/ma-qr/{old}/doi-ma", data=token)
    again = client.post(f"/quan-tri/ma-qr/{old}/doi-ma", data=token, follow_redirects=True)
    assert parse(again).select_one(".flash.error") is not None
    assert len(live_codes_of(counter)) == 1
    assert parse(client.get(f"/quan-tri/ma-qr/{old}")).select("main form") == []


def test_rotating_without_the_form_token_changes_nothing(client, tree, manager):
    counter = make_counter(unit=tree[1])
    old = survey_code_of(counter)
    assert client.post(f"/quan-tri/ma-qr/{old}/doi-ma").status_code == 400
    assert live_codes_of(counter) == [old]


def test_the_posters_have_one_page_per_code_that_opens_a_survey(client, tree, manager):
    counters = [make_counter(unit=tree[1]) for _ in range(2)]
    officer = make_officer(unit=tree[1])
    retired = make_officer(unit=tree[1])
    retired.active = False
    db.session.commit()
    make_dossier_link(tree[1])
    response = client.get("/quan-tri/don-vi/XA-A/ap-phich.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    pages = pypdf.PdfReader(io.BytesIO(response.data)).pages
    printed = [survey_code_of(owner) for owner in (*counters, officer)]
    assert len(pages) == len(printed)
    for page, code in zip(pages, printed, strict=True):
        assert f"Mã khảo sát: {code}" in page.extract_text()


def test_a_unit_with_nothing_to_print_is_told_so(client, tree, manager):
    response = client.get("/quan-tri/don-vi/XA-A/ap-phich.pdf")
    assert response.status_code == 302
    page = parse(client.get(response.headers["Location"]))
    assert page.select_one(".flash.error") is not None


def test_a_commune_manager_gets_404_for_another_communes_codes(client, tree, manager):
    own = survey_code_of(make_counter(unit=tree[1]))
    other_counter = make_counter(unit=tree[2])
    other = survey_code_of(other_counter)
    token = hidden_fields(parse(client.get(f"/quan-tri/ma-qr/{own}")))
    for url in (
        "/quan-tri/don-vi/XA-B/ma-qr",
        "/quan-tri/don-vi/TINH/ma-qr",
        f"/quan-tri/ma-qr/{other}",
        "/quan-tri/don-vi/XA-B/ap-phich.pdf",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/quan-tri/ma-qr/{other}/doi-ma", data=token).status_code == 404
    assert live_codes_of(other_counter) == [other]


def test_a_province_manager_manages_the_communes_below(client, tree):
    code = survey_code_of(make_counter(unit=tree[2]))
    sign_in(client, make_user(role=Role.MANAGER, unit=tree[0]))
    assert client.get("/quan-tri/don-vi/XA-B/ma-qr").status_code == 200
    assert client.get(f"/quan-tri/ma-qr/{code.lower()}").status_code == 200


@pytest.mark.parametrize("role", [Role.COMPLAINT_HANDLER, Role.OFFICER])
def test_other_roles_cannot_manage_codes(client, tree, role):
    code = survey_code_of(make_counter(unit=tree[1]))
    sign_in(client, make_user(role=role, unit=tree[1]))
    assert client.get("/quan-tri/don-vi/XA-A/ma-qr").status_code == 403
    assert client.get(f"/quan-tri/ma-qr/{code}").status_code == 403


def test_the_unit_page_leads_to_its_qr_codes_and_back(client):
    unit = make_unit(code="XA-LINK")
    make_counter(unit=unit)
    sign_in(client, make_user(role=Role.MANAGER, unit=unit))
    unit_page = parse(client.get("/quan-tri/don-vi/XA-LINK"))
    link = unit_page.find("a", string="Mã QR và áp phích")
    codes_page = parse(client.get(link["href"]))
    back = codes_page.find("a", href="/quan-tri/don-vi/XA-LINK")
    assert back is not None and unit.name in back.get_text()
