"""The audit log and a ticket's history read in Vietnamese: actions and channels in words,
recorded instants in local time, the right actor for a tablet that paired itself, and no
"Đã tiếp nhận → Đã tiếp nhận" lines."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from kiosk.pairing import add_kiosk, new_pairing_code, register_kiosk
from survey_app.core.extensions import db
from survey_app.display.history import describe_details
from survey_app.models import Role, TicketChannel
from survey_app.services.accounts import staff as accounts
from survey_app.services.tickets import handling as ticket_handling
from survey_app.services.tickets.opening import TicketRequest, open_ticket
from survey_app.workdays import is_working_day
from tests.helpers.builders import make_counter, make_unit, make_user
from tests.helpers.staff_pages import sign_in
from tests.helpers.survey_pages import parse

AUDIT_LOG = "/quan-tri/nhat-ky"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def audit_rows(client) -> list[dict[str, str]]:
    page = parse(client.get(AUDIT_LOG))
    return [
        {cell["class"][0]: cell.get_text(" ", strip=True) for cell in row.select("td")}
        for row in page.select("tr.event")
    ]


def audit_row(client, action: str) -> dict[str, str]:
    """The newest row of this action (in words)."""
    return next(row for row in audit_rows(client) if row["action"] == action)


def test_the_audit_log_names_actions_in_words(client):
    unit = make_unit()
    admin = make_user(role=Role.ADMINISTRATOR, unit=unit)
    add_kiosk(make_counter(unit=unit), name="Máy quầy 1", created_by=admin)
    sign_in(client, admin)
    row = audit_rows(client)[0]
    assert row["action"] == "Thêm kiosk"
    assert row["target"].startswith("Kiosk ")
    assert {row["action"] for row in audit_rows(client)} == {"Thêm kiosk", "Tạo tài khoản"}
    assert "kiosk.create" not in parse(client.get(AUDIT_LOG)).get_text()


def test_the_pairing_code_s_expiry_is_shown_in_local_time(client):
    unit = make_unit()
    kiosk, _ = add_kiosk(make_counter(unit=unit), name="Máy quầy 1", created_by=None)
    new_pairing_code(kiosk, by=None)
    db.session.refresh(kiosk)
    local = kiosk.pairing_expires_at.astimezone(HANOI).strftime("%d/%m/%Y %H:%M")
    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=unit))
    assert audit_row(client, "Cấp mã ghép nối mới")["details"] == f"Hiệu lực đến: {local}"


def test_a_tablet_that_paired_itself_is_not_credited_to_the_command_line(client):
    unit = make_unit()
    counter = make_counter(unit=unit)
    _, code = add_kiosk(counter, name="Máy quầy 1", created_by=None)
    assert client.post("/api/v1/kiosk/pair", json={"pairing_code": code}).status_code == 201
    register_kiosk(counter, name="Máy quầy 2")  # as `survey-app kiosk register` does
    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=unit))
    actors = {row["action"]: row["actor"] for row in audit_rows(client)}
    assert actors["Ghép nối máy tính bảng"] == (
        "Máy tính bảng tự ghép nối bằng mã ghép nối dùng một lần"
    )
    assert actors["Đăng ký kiosk bằng mã thiết bị"] == "Dòng lệnh"


def test_the_audit_filter_tells_the_tablet_from_the_command_line(client):
    unit = make_unit()
    counter = make_counter(unit=unit)
    _, code = add_kiosk(counter, name="Máy quầy 1", created_by=None)
    client.post("/api/v1/kiosk/pair", json={"pairing_code": code})
    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=unit))
    page = parse(client.get(AUDIT_LOG + "?user=~"))
    assert [cell.get_text() for cell in page.select("td.action")] == ["Ghép nối máy tính bảng"]
    page = parse(client.get(AUDIT_LOG + "?user=-"))
    by_command_line = {cell.get_text() for cell in page.select("td.action")}
    assert "Thêm kiosk" in by_command_line and "Ghép nối máy tính bảng" not in by_command_line
    options = [option.get_text() for option in page.select("select[name=action] option")]
    assert "Ghép nối máy tính bảng" in options and "kiosk.pair" not in options


def test_an_update_shows_before_and_after_in_words(client):
    unit = make_unit()
    admin = make_user(role=Role.ADMINISTRATOR, unit=unit)
    user = make_user(role=Role.MANAGER, unit=unit)
    sign_in(client, admin)

    details = accounts.AccountDetails(
        full_name=user.full_name,
        email=None,
        role=Role.COMPLAINT_HANDLER,
        unit=unit,
        officer=None,
        active=True,
    )
    accounts.update_user(user, details, by=admin)
    assert (
        audit_row(client, "Sửa tài khoản")["details"]
        == "Vai trò: Quản lý đơn vị → Cán bộ xử lý phản ánh"
    )


def _ticket(unit):
    request = TicketRequest(
        client_ref="web-1", unit=unit, content="Chờ quá lâu.", channel=TicketChannel.WEB
    )
    return open_ticket(request).ticket


def _next_working_day(after: date) -> date:
    day = after + timedelta(days=10)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def test_the_ticket_history_has_no_codes_nor_empty_transitions(client):
    unit = make_unit()
    manager = make_user(role=Role.MANAGER, unit=unit)
    ticket = _ticket(unit)
    ticket_handling.assign_ticket(ticket, manager, actor=manager)
    new_day = _next_working_day(ticket.effective_due_at.astimezone(HANOI).date())
    ticket_handling.extend_ticket(ticket, new_day, "Cần xác minh thêm.", actor=manager)
    sign_in(client, manager)
    page = parse(client.get(f"/quan-tri/phan-anh/{ticket.code}"))
    lines = [event.get_text(" ", strip=True) for event in page.select("ol.history li")]
    history = " ".join(lines)
    assert len(lines) == 3 and "→" not in history  # each step's name says its status already
    assert "channel" not in history and "web" not in history
    assert "Hình thức tiếp nhận: Biểu mẫu trực tuyến" in lines[0]
    assert f"Hạn mới: {new_day:%d/%m/%Y} 17:00" in lines[2]
    assert "Lý do: Cần xác minh thêm." in lines[2]


def test_a_closed_month_is_written_as_on_vietnamese_forms(app):
    with app.test_request_context():
        lines = describe_details({"month": "2026-03", "responses": 12, "active": False})
    assert lines == ["Tháng: 03/2026", "Số phiếu: 12", "Đang hoạt động: không"]
