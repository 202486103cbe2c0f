"""Issue 18, part 5: the closer wording of the 2023 form ships as sipas-2023 version 2; version 1
stays as it was (instruments are immutable data), a unit takes up the new version when it
chooses, the report names the versions answered, and every instrument file states its source."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from analytics.report.contents import build_monthly_report
from survey_app.core.extensions import db
from survey_app.core.paths import INSTRUMENTS_DIR
from survey_app.models import AuditEvent, Role, SurveyResponse
from survey_app.months import Month
from survey_app.queries.instruments import get_instrument
from tests.helpers.builders import (
    full_answers,
    make_counter,
    make_response,
    make_unit,
    make_user,
    survey_code_of,
)
from tests.helpers.staff_pages import post_form, sign_in
from tests.helpers.survey_pages import open_survey, send_survey

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
CLOSER = {
    "TC2": "Nơi tiếp nhận hồ sơ có biển hiệu, hướng dẫn rõ ràng, dễ thấy",
    "TC3": "Nơi tiếp nhận hồ sơ sạch sẽ, văn minh",
    "KQ3": "Kết quả giải quyết thủ tục hành chính đảm bảo tính công bằng",
}
KQ_NOTE = "(Có thể là được cấp giấy tờ hoặc bị từ chối cấp giấy tờ)"


def texts(instrument) -> dict[str, str]:
    return {item.code: item.text_vi for item in instrument.items}


def test_version_2_has_the_closer_wording_and_version_1_is_unchanged(app):
    first, second = get_instrument("sipas-2023", 1), get_instrument("sipas-2023", 2)
    assert {code: texts(second)[code] for code in CLOSER} == CLOSER
    assert texts(second)["PA1"].startswith("Cơ quan có bố trí hình thức tiếp nhận")
    assert texts(first)["TC2"] == "Nơi tiếp nhận hồ sơ có biển chỉ dẫn rõ ràng, dễ tìm"
    assert [item.code for item in first.items] == [item.code for item in second.items]


def test_every_instrument_file_states_its_source():
    for path in INSTRUMENTS_DIR.glob("*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        note = document["source_note"]
        assert note["vi"].strip() and note["en"].strip(), path.name
    second = json.loads((INSTRUMENTS_DIR / "sipas-2023-v2.json").read_text(encoding="utf-8"))
    assert "không chính thức" in second["source_note"]["vi"]


def test_a_unit_keeps_its_version_until_it_chooses_the_new_one(client, app):
    counter = make_counter(unit=make_unit(code="XA-V"))
    counter_code = survey_code_of(counter)
    _, page = open_survey(client, counter_code)
    assert CLOSER["TC2"] not in page.get_text()
    assert KQ_NOTE not in page.get_text()

    manager = make_user(role=Role.ADMINISTRATOR, unit=counter.unit)
    sign_in(client, manager)
    form = {"name": counter.unit.name, "instrument_code": "sipas-2023", "instrument_version": "2"}
    answer = post_form(client, f"/quan-tri/don-vi/{counter.unit.code}/sua", form)
    assert answer.status_code in (302, 303), answer.status_code
    app.extensions.get("survey_instrument_cache", {}).clear()

    _, page = open_survey(client, counter_code)
    assert CLOSER["TC2"] in page.get_text() and KQ_NOTE in page.get_text()
    send_survey(client, counter_code, full_answers())
    stored = db.session.scalars(sa.select(SurveyResponse)).one()
    assert (stored.instrument.code, stored.instrument.version) == ("sipas-2023", 2)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "unit.update"))
    assert event.details["instrument_version"] == [1, 2]


def test_a_version_the_questionnaire_does_not_have_is_refused(client, app):
    unit = make_unit(code="XA-W", instrument_code="sipas-2017")
    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=unit))
    form = {"name": unit.name, "instrument_code": "sipas-2017", "instrument_version": "2"}
    answer = post_form(client, f"/quan-tri/don-vi/{unit.code}/sua", form)
    assert answer.status_code == 422
    assert "không có phiên bản đó" in answer.get_data(as_text=True)


def test_the_report_names_the_versions_answered(app):
    unit = make_unit()
    march = datetime(2026, 3, 2, 9, tzinfo=HANOI)
    make_response(unit=unit, submitted_at=march)
    unit.instrument_version = 2
    db.session.commit()
    make_response(unit=unit, submitted_at=march.replace(day=3))
    report = build_monthly_report(unit, Month(2026, 3))
    assert report.instruments["sipas-2023"].endswith(", phiên bản 1, 2")
