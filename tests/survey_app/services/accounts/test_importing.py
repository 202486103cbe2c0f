"""Staff accounts in bulk: `survey-app import-users`, idempotent by username, all or nothing."""

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import AuditEvent, Officer, Role, User
from tests.helpers.builders import make_officer, make_unit, make_user
from tests.helpers.org_csv import count, csv_text, users_csv
from tests.helpers.smtp_server import body_of, mail_server
from tests.helpers.staff_pages import post_form, sign_in


@pytest.fixture
def province(app):
    top = make_unit(code="LD", name="Tỉnh Lâm Đồng")
    commune = make_unit(code="LD-DT", name="UBND xã Đức Trọng", parent=top)
    return top, commune


@pytest.fixture
def write(tmp_path):
    def write_rows(rows: list[dict], bom: bool = False) -> str:
        path = tmp_path / "tai-khoan.csv"
        path.write_text(users_csv(rows, bom=bom), encoding="utf-8")
        return str(path)

    return write_rows


def thousand_officers(commune) -> list[dict]:
    officers = [make_officer(unit=commune, code=f"DT-CB{n:04d}") for n in range(1000)]
    db.session.commit()
    return [
        {
            "username": f"cb{n:04d}",
            "full_name": f"Nguyễn Văn Cán Bộ {n}",
            "email": f"cb{n:04d}@ductrong.lamdong.gov.vn",
            "role": "officer",
            "unit_code": commune.code,
            "officer_code": officer.code,
        }
        for n, officer in enumerate(officers)
    ]


def test_a_thousand_rows_import_once_and_a_second_run_changes_nothing(invoke, write, province):
    rows = thousand_officers(province[1])
    path = write(rows, bom=True)

    first = invoke("import-users", path)
    second = invoke("import-users", path)

    assert first.exit_code == 0, first.output
    assert "1000 created, 0 updated, 0 unchanged" in first.output
    assert second.exit_code == 0, second.output
    assert "0 created, 0 updated, 1000 unchanged" in second.output
    assert count(User) == 1000
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "user.create"))
        == 1000
    )
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "user.update")) == 0
    )
    stored = db.session.scalar(sa.select(User).where(User.username == "cb0042"))
    assert stored.password_hash is None  # set by the person, from the link
    assert stored.officer.code == "DT-CB0042" and stored.role is Role.OFFICER


def test_a_changed_row_updates_the_account_but_never_its_password(invoke, write, province):
    user = make_user(role=Role.COMPLAINT_HANDLER, unit=province[1], username="lan.nt")
    password_hash, token = user.password_hash, user.session_token
    row = {"username": "LAN.NT", "full_name": "Nguyễn Thị Lan", "email": "lan@lamdong.gov.vn",
           "role": "manager", "unit_code": "LD-DT"}  # fmt: skip

    result = invoke("import-users", write([row]))

    assert result.exit_code == 0, result.output
    assert "0 created, 1 updated" in result.output
    db.session.expire_all()
    assert (user.full_name, user.email, user.role) == (
        "Nguyễn Thị Lan",
        "lan@lamdong.gov.vn",
        Role.MANAGER,
    )
    assert user.password_hash == password_hash
    assert user.session_token != token  # a new role ends the open sessions
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.details["via"] == "import" and event.details["role"] == [
        "complaint_handler",
        "manager",
    ]


def test_any_bad_row_stores_nothing_and_each_error_names_row_and_column(invoke, write, province):
    officer = make_officer(unit=province[0], code="LD-CB01")
    rows = [
        {"username": "tot", "full_name": "Người Tốt", "role": "manager", "unit_code": "LD-DT"},
        {"username": "Có Dấu", "full_name": "X", "role": "manager", "unit_code": "LD-DT"},
        {"username": "vaitro", "full_name": "Y", "role": "boss", "unit_code": "LD-DT"},
        {"username": "donvi", "full_name": "Z", "role": "manager", "unit_code": "KHONG-CO"},
        {"username": "congchuc", "full_name": "T", "role": "officer", "unit_code": "LD-DT",
         "officer_code": officer.code},
        {"username": "tot", "full_name": "Lặp", "role": "manager", "unit_code": "LD-DT"},
        {"username": "thu", "full_name": "E", "email": "khong-phai-thu", "role": "manager",
         "unit_code": "LD-DT"},
    ]  # fmt: skip

    result = invoke("import-users", write(rows))

    assert result.exit_code == 1
    assert "row 3, column username" in result.output
    assert "row 4, column role" in result.output
    assert "row 5, column unit_code: No unit has the code KHONG-CO" in result.output
    assert "row 6, column officer_code: Choose an officer of the account's unit" in result.output
    assert (
        "row 7, column username: This username appears twice in the file (first on row 2)"
        in result.output
    )
    assert "row 8, column email" in result.output
    assert "Nothing was imported" in result.output
    assert count(User) == 0


def test_new_accounts_get_their_activation_link_by_email(app, invoke, write, province):
    rows = [{"username": "ha.nt", "full_name": "Nguyễn Thị Hà", "email": "ha@lamdong.gov.vn",
             "role": "manager", "unit_code": "LD-DT"}]  # fmt: skip
    with mail_server(app) as box:
        result = invoke("import-users", write(rows))

    assert result.exit_code == 0, result.output
    assert "1 sent by e-mail, 0 printed" in result.output
    (message,) = box.to("ha@lamdong.gov.vn")
    assert message["Subject"] == "[Khảo sát hài lòng] Kích hoạt tài khoản"
    body = body_of(message)
    assert "Kính gửi Nguyễn Thị Hà" in body and "ha.nt" in body
    assert "/tai-khoan/kich-hoat/" in body
    assert "http" not in result.output  # the link went by mail only


def test_without_a_mail_server_the_links_are_printed_once_with_the_reason(invoke, write, province):
    rows = [{"username": "ha.nt", "full_name": "Nguyễn Thị Hà", "email": "ha@lamdong.gov.vn",
             "role": "manager", "unit_code": "LD-DT"}]  # fmt: skip

    result = invoke("import-users", write(rows))

    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("ha.nt\t"))
    assert "/tai-khoan/kich-hoat/" in line and "SURVEY_SMTP_HOST" in line
    assert "0 sent by e-mail, 1 printed above" in result.output


def test_officers_with_an_email_and_no_account_get_one(app, invoke, province):
    top, commune = province
    with_email = make_officer(unit=commune, code="DT-CB01", full_name="Trần Văn Bình")
    with_email.email = "binh@lamdong.gov.vn"
    make_officer(unit=commune, code="DT-CB02")  # no address: left for the file
    has_account = make_officer(unit=top, code="LD-CB01")
    has_account.email = "co@lamdong.gov.vn"
    db.session.commit()
    make_user(role=Role.OFFICER, officer=has_account, username="co.san")

    with mail_server(app) as box:
        result = invoke("import-users", "--officers-of", "LD")
        again = invoke("import-users", "--officers-of", "LD")

    assert result.exit_code == 0, result.output
    assert "1 created" in result.output
    assert "0 created" in again.output
    account = db.session.scalar(sa.select(User).where(User.username == "dt-cb01"))
    assert account.officer is with_email and account.role is Role.OFFICER
    assert account.unit is commune and account.email == "binh@lamdong.gov.vn"
    assert len(box.to("binh@lamdong.gov.vn")) == 1
    assert box.to("co@lamdong.gov.vn") == []


def test_the_organisation_csv_and_the_officer_page_carry_an_officers_email(
    client, invoke, tmp_path, province
):
    columns = ["kind", "code", "name", "parent_code", "email"]
    rows = [
        {"kind": "officer", "code": "DT-CB01", "name": "Trần Văn Bình", "parent_code": "LD-DT",
         "email": "binh@lamdong.gov.vn"},
        {"kind": "unit", "code": "LD-XX", "name": "Xã X", "parent_code": "LD", "email": "x@y.vn"},
    ]  # fmt: skip
    path = tmp_path / "to-chuc.csv"
    path.write_text(csv_text(rows, columns), encoding="utf-8")
    refused = invoke("import-org", str(path))
    path.write_text(csv_text(rows[:1], columns), encoding="utf-8")
    imported = invoke("import-org", str(path))

    assert "row 3, column email" in refused.output
    assert imported.exit_code == 0, imported.output
    officer = db.session.scalar(sa.select(Officer).where(Officer.code == "DT-CB01"))
    assert officer.email == "binh@lamdong.gov.vn"

    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=province[0]))
    page = "/quan-tri/cong-chuc/DT-CB01"
    saved = post_form(client, page, {"full_name": "Trần Văn Bình", "email": "binh2@lamdong.gov.vn"})
    assert saved.status_code == 303
    db.session.expire_all()
    assert officer.email == "binh2@lamdong.gov.vn"


def test_an_sso_only_account_gets_no_activation_link(app, invoke, write, province):
    rows = [{"username": "lan.nt", "full_name": "Nguyễn Thị Lan", "email": "lan@lamdong.gov.vn",
             "role": "manager", "unit_code": "LD-DT", "sso_only": "true"},
            {"username": "sai", "full_name": "Sai", "role": "manager", "unit_code": "LD-DT",
             "sso_only": "có"}]  # fmt: skip
    refused = invoke("import-users", write(rows))
    with mail_server(app) as box:
        result = invoke("import-users", write(rows[:1]))

    assert "row 3, column sso_only" in refused.output
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "lan.nt"))
    assert user.sso_only and user.password_hash is None
    assert box.messages == []
