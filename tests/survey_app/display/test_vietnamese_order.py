"""People, units and procedures are listed in Vietnamese order (survey_app.display.collation) on the
staff pages and in the officer evaluation, not by code point."""

from analytics.evaluation import evaluate_officers, officer_frame
from survey_app.models import Role
from survey_app.months import current_month
from survey_app.queries.procedures import list_procedure_fields
from survey_app.services.procedures import create_procedure
from tests.helpers.builders import make_officer, make_unit, make_user
from tests.helpers.staff_pages import sign_in
from tests.helpers.survey_pages import parse

# By code point: Nguyễn < Ngô < Ông < Đặng < Ư; Vietnamese: Đặng < Ngô < Nguyễn < Ông < Ư.
NAMES_IN_ORDER = ["Trần Văn Đặng", "Lê Thị Ngô", "Phạm Nguyễn", "Hồ Văn Ông", "Vũ Thị Ư"]


def _officers(unit):
    for number, name in enumerate(reversed(NAMES_IN_ORDER)):
        make_officer(unit=unit, code=f"CB{number}", full_name=name)


def test_the_officer_evaluation_lists_officers_by_given_name(app):
    unit = make_unit()
    _officers(unit)
    sheet = evaluate_officers(unit, current_month())
    assert [row.officer_name for row in sheet.officers] == NAMES_IN_ORDER
    assert officer_frame(sheet)["officer_name"].tolist() == NAMES_IN_ORDER


def test_the_unit_page_lists_officers_by_given_name(client):
    unit = make_unit()
    _officers(unit)
    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=unit))
    page = parse(client.get(f"/quan-tri/don-vi/{unit.code}"))
    names = [
        row.select("td")[2].get_text(strip=True)
        for row in page.select("table.officers tr[data-code]")
    ]
    assert names == NAMES_IN_ORDER


def test_the_unit_tree_lists_units_in_vietnamese_order(client):
    province = make_unit(name="Tỉnh Thử")
    for name in ["UBND xã Ư Thái", "UBND xã Đông Anh", "UBND xã Ông Ích", "UBND xã Ngọc Hồi"]:
        make_unit(parent=province, name=name)
    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=province))
    page = parse(client.get("/quan-tri/don-vi"))
    shown = [link.get_text() for link in page.select(".tree li li > a")]
    assert shown == ["UBND xã Đông Anh", "UBND xã Ngọc Hồi", "UBND xã Ông Ích", "UBND xã Ư Thái"]


def test_fields_of_procedures_sort_in_vietnamese_order(app):
    for number, field in enumerate(["Văn hóa", "Đất đai", "Xây dựng", "Ấn phẩm", "Nông nghiệp"]):
        create_procedure(code=f"1.{number:06d}", name=f"Thủ tục {number}", field=field)
    assert list_procedure_fields() == ["Ấn phẩm", "Đất đai", "Nông nghiệp", "Văn hóa", "Xây dựng"]


def test_the_complaint_queue_offers_officers_by_given_name(client):
    unit = make_unit()
    _officers(unit)
    sign_in(client, make_user(role=Role.COMPLAINT_HANDLER, unit=unit))
    page = parse(client.get("/quan-tri/phan-anh/"))
    offered = [option.get_text() for option in page.select("select[name=officer] option")][1:]
    assert [label.split(" · ", 1)[1] for label in offered] == NAMES_IN_ORDER


def test_the_procedure_catalogue_lists_procedures_by_name_in_vietnamese_order(client):
    names = ["Ấn định thuế", "Cấp bản sao", "Đăng ký khai sinh", "Ủy quyền", "Xác nhận"]
    for number, name in enumerate(reversed(names)):
        create_procedure(code=f"1.{number:06d}", name=name, field="")
    sign_in(client, make_user(role=Role.ADMINISTRATOR))
    page = parse(client.get("/quan-tri/thu-tuc"))
    codes = [row["data-code"] for row in page.select("table.procedures tr[data-code]")]
    assert codes == [f"1.{number:06d}" for number in reversed(range(len(names)))]
