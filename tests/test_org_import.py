"""Onboarding a province from the organisation CSV: `survey-app import-org` and the upload page."""

import csv
import io

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey_app.cli.org import import_org_command
from survey_app.extensions import db
from survey_app.models import AuditEvent, Counter, Officer, Role, SurveyCode, SurveyResponse, Unit
from tests.builders import make_counter, make_officer, make_response, make_unit, make_user
from tests.builders import survey_code_of as code_of
from tests.staff_pages import sign_in
from tests.survey_pages import parse

COLUMNS = ["kind", "code", "name", "parent_code", "field", "counters", "active"]

PROVINCE = [
    {"kind": "unit", "code": "LD", "name": "Tỉnh Lâm Đồng"},
    {"kind": "unit", "code": "LD-DT", "name": "UBND xã Đức Trọng", "parent_code": "LD"},
    {"kind": "unit", "code": "LD-XH", "name": "UBND phường Xuân Hương", "parent_code": "LD"},
    {"kind": "counter", "code": "DT-Q1", "name": "Quầy 1 - Hộ tịch", "parent_code": "LD-DT",
     "field": "Hộ tịch"},
    {"kind": "counter", "code": "DT-Q2", "name": "Quầy 2 - Đất đai", "parent_code": "LD-DT",
     "field": "Đất đai"},
    {"kind": "counter", "code": "XH-Q1", "name": "Quầy 1", "parent_code": "LD-XH"},
    {"kind": "officer", "code": "DT-CB01", "name": "Nguyễn Thị Thu Hà", "parent_code": "LD-DT",
     "counters": "DT-Q1 DT-Q2"},
    {"kind": "officer", "code": "XH-CB01", "name": "Trần Minh Quân", "parent_code": "LD-XH",
     "counters": "XH-Q1", "active": "false"},
]  # fmt: skip


def csv_text(rows: list[dict], columns=COLUMNS) -> str:
    stream = io.StringIO()
    writer = csv.DictWriter(stream, columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue()


@pytest.fixture
def write_csv(tmp_path):
    def write(rows: list[dict], columns=COLUMNS, encoding="utf-8") -> str:
        path = tmp_path / "to-chuc.csv"
        path.write_text(csv_text(rows, columns), encoding=encoding)
        return str(path)

    return write


@pytest.fixture
def invoke(runner):
    """`survey-app import-org FILE`, in English."""

    def run(command: str, path: str):
        assert command == "import-org"
        with force_locale("en"):
            return runner.invoke(import_org_command, [path])

    return run


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def one(model, code: str):
    db.session.expire_all()
    return db.session.scalar(sa.select(model).where(model.code == code))


def with_row(code: str, **cells) -> list[dict]:
    return [row | cells if row["code"] == code else row for row in PROVINCE]


# The command line --------------------------------------------------------------------------


def test_the_command_imports_a_whole_province(invoke, write_csv):
    result = invoke("import-org", write_csv(PROVINCE))

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Units: 3 created, 0 updated, 0 unchanged.",
        "Counters: 3 created, 0 updated, 0 unchanged.",
        "Officers: 2 created, 0 updated, 0 unchanged.",
    ]
    commune = one(Unit, "LD-DT")
    assert (commune.name, commune.parent.code, one(Unit, "LD").parent) == (
        "UBND xã Đức Trọng",
        "LD",
        None,
    )
    assert one(Counter, "DT-Q2").field == "Đất đai"
    officer = one(Officer, "DT-CB01")
    assert (officer.unit.code, sorted(c.code for c in officer.counters)) == (
        "LD-DT",
        ["DT-Q1", "DT-Q2"],
    )
    assert not one(Officer, "XH-CB01").active and one(Officer, "DT-CB01").active
    assert count(SurveyCode) == 5  # one QR code for every counter and officer


def test_every_created_object_gets_an_audit_event_from_the_command_line(invoke, write_csv):
    invoke("import-org", write_csv(PROVINCE))
    events = list(db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)))
    assert [(e.action, e.target_key) for e in events][:4] == [
        ("unit.create", "LD"),
        ("unit.create", "LD-DT"),
        ("unit.create", "LD-XH"),
        ("counter.create", "DT-Q1"),
    ]
    assert len(events) == len(PROVINCE)
    assert {e.actor_id for e in events} == {None}
    assert {e.details["via"] for e in events} == {"import"}


def test_importing_the_same_file_again_changes_nothing(invoke, write_csv):
    path = write_csv(PROVINCE)
    invoke("import-org", path)
    codes_before = set(db.session.scalars(sa.select(SurveyCode.code)))

    result = invoke("import-org", path)

    assert result.output.splitlines() == [
        "Units: 0 created, 0 updated, 3 unchanged.",
        "Counters: 0 created, 0 updated, 3 unchanged.",
        "Officers: 0 created, 0 updated, 2 unchanged.",
    ]
    assert (count(Unit), count(Counter), count(Officer)) == (3, 3, 2)
    assert set(db.session.scalars(sa.select(SurveyCode.code))) == codes_before
    assert count(AuditEvent) == len(PROVINCE)


def test_a_re_import_updates_names_parents_fields_counters_and_status(invoke, write_csv):
    invoke("import-org", write_csv(PROVINCE))
    centre = {"kind": "unit", "code": "LD-TT", "name": "Trung tâm PVHCC", "parent_code": "LD"}
    rows = [PROVINCE[0], centre, *PROVINCE[1:]]
    rows = [
        row
        | {
            "LD-XH": {"name": "UBND phường Xuân Hương - Đà Lạt", "parent_code": "LD-TT"},
            "DT-Q2": {"field": "Đất đai - Xây dựng"},
            "DT-CB01": {"counters": "DT-Q2"},
            "XH-CB01": {"active": "true"},
        }.get(row["code"], {})
        for row in rows
    ]

    result = invoke("import-org", write_csv(rows))

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Units: 1 created, 1 updated, 2 unchanged.",
        "Counters: 0 created, 1 updated, 2 unchanged.",
        "Officers: 0 created, 2 updated, 0 unchanged.",
    ]
    ward = one(Unit, "LD-XH")
    assert (ward.name, ward.parent.code) == ("UBND phường Xuân Hương - Đà Lạt", "LD-TT")
    assert one(Counter, "DT-Q2").field == "Đất đai - Xây dựng"
    assert [c.code for c in one(Officer, "DT-CB01").counters] == ["DT-Q2"]
    assert one(Officer, "XH-CB01").active
    update = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "unit.update", AuditEvent.target_key == "LD-XH"
        )
    )
    assert update.details["parent"] == ["LD", "LD-TT"]


def test_an_empty_active_cell_keeps_a_deactivation_made_in_the_browser(invoke, write_csv):
    invoke("import-org", write_csv(PROVINCE))
    db.session.execute(sa.update(Counter).where(Counter.code == "DT-Q1").values(active=False))
    db.session.commit()

    invoke("import-org", write_csv(PROVINCE))

    assert not one(Counter, "DT-Q1").active


def test_a_left_out_optional_column_leaves_that_attribute_alone(invoke, write_csv):
    invoke("import-org", write_csv(PROVINCE))
    slim = [
        {k: row.get(k, "") for k in ("kind", "code", "name", "parent_code")} for row in PROVINCE
    ]

    result = invoke("import-org", write_csv(slim, ["kind", "code", "name", "parent_code"]))

    assert result.exit_code == 0, result.output
    assert one(Counter, "DT-Q2").field == "Đất đai"
    assert len(one(Officer, "DT-CB01").counters) == 2


def test_a_parent_may_be_a_unit_already_stored(invoke, write_csv):
    make_unit(code="LD", name="Tỉnh Lâm Đồng")
    result = invoke("import-org", write_csv(PROVINCE[1:3]))
    assert result.exit_code == 0, result.output
    assert one(Unit, "LD-DT").parent.code == "LD"


def test_a_new_unit_takes_its_parents_questionnaire(invoke, write_csv):
    make_unit(code="LD", instrument_code="sipas-2017")
    invoke("import-org", write_csv(PROVINCE[1:2]))
    assert one(Unit, "LD-DT").instrument_code == "sipas-2017"


def test_a_counter_moved_to_another_unit_takes_its_qr_code_and_leaves_its_history(
    invoke, write_csv
):
    invoke("import-org", write_csv(PROVINCE))
    counter = one(Counter, "XH-Q1")
    old = make_response(counter=counter)

    # Without the counters column the officers' own rows leave their counters alone.
    columns = [column for column in COLUMNS if column != "counters"]
    rows = [
        {k: v for k, v in row.items() if k != "counters"}
        for row in with_row("XH-Q1", parent_code="LD-DT")
    ]
    result = invoke("import-org", write_csv(rows, columns))

    assert result.exit_code == 0, result.output
    code = db.session.get(SurveyCode, code_of(counter))
    assert (code.unit.code, one(Counter, "XH-Q1").unit.code) == ("LD-DT", "LD-DT")
    assert db.session.get(SurveyResponse, old.id).unit.code == "LD-XH"
    # The ward's officer served it; a counter of another unit is no longer theirs.
    assert one(Officer, "XH-CB01").counters == []


def test_invalid_rows_are_reported_by_row_and_column_and_nothing_is_stored(invoke, write_csv):
    make_counter(unit=make_unit(code="KHAC"), code="KHAC-Q1")
    rows = PROVINCE + [
        {"kind": "quay", "code": "X1", "name": "Sai loại"},
        {"kind": "counter", "code": "DT-Q3", "name": "", "parent_code": "LD-DT"},
        {"kind": "counter", "code": "DT-Q4", "name": "Quầy 4", "parent_code": "KHONG-CO"},
        {"kind": "officer", "code": "DT-CB02", "name": "Lê Văn A", "parent_code": "LD-DT",
         "counters": "DT-Q1 KHAC-Q1"},
        {"kind": "counter", "code": "DT-Q1", "name": "Trùng mã", "parent_code": "LD-DT"},
        {"kind": "unit", "code": "LD-Y", "name": "Xã Y", "parent_code": "LD", "active": "có"},
        {"kind": "unit", "code": "Mã có dấu", "name": "Xã Z", "parent_code": "LD"},
    ]  # fmt: skip

    result = invoke("import-org", write_csv(rows))

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "row 10, column kind: Write unit, counter or officer.",
        "row 11, column name: Enter a name.",
        "row 12, column parent_code: No unit has the code KHONG-CO "
        "(a unit must come before the rows under it).",
        "row 13, column counters: Counter KHAC-Q1 is not a counter of unit LD-DT.",
        "row 14, column code: This code appears twice in the file (first on row 5).",
        "row 15, column active: Write true or false.",
        "row 16, column code: Use at most 40 letters, digits, dots, hyphens or underscores.",
        "Error: Nothing was imported because of the errors above.",
    ]
    assert (count(Unit), count(Counter), count(Officer), count(AuditEvent)) == (1, 1, 0, 0)


def test_kinds_may_be_capitalised_without_creating_duplicates(invoke, write_csv):
    rows = [row | {"kind": row["kind"].capitalize()} for row in PROVINCE]
    invoke("import-org", write_csv(rows))
    result = invoke("import-org", write_csv(rows))
    assert result.exit_code == 0, result.output
    assert (count(Unit), count(Counter), count(Officer)) == (3, 3, 2)


def test_an_officer_names_only_counters_already_known(invoke, write_csv):
    rows = with_row("DT-CB01", counters="DT-Q1 DT-Q7")
    result = invoke("import-org", write_csv(rows))
    assert result.output.splitlines()[0] == (
        "row 8, column counters: No counter has the code DT-Q7 "
        "(a counter must come before the officers serving it)."
    )
    assert count(Unit) == 0


def test_a_unit_cannot_be_placed_below_itself(invoke, write_csv):
    invoke("import-org", write_csv(PROVINCE))
    result = invoke("import-org", write_csv(with_row("LD", parent_code="LD-DT")))
    assert "row 2, column parent_code: A unit cannot be placed under itself" in result.output
    assert one(Unit, "LD").parent is None


def test_field_and_counters_belong_to_their_kinds(invoke, write_csv):
    rows = [
        PROVINCE[0] | {"field": "Hộ tịch"},
        PROVINCE[1] | {"counters": "DT-Q1"},
    ]
    result = invoke("import-org", write_csv(rows))
    assert result.output.splitlines()[:2] == [
        "row 2, column field: Only a counter has a field.",
        "row 3, column counters: Only an officer has counters.",
    ]


def test_a_wrong_header_stops_before_any_row(invoke, write_csv):
    columns = ["kind", "code", "ten", "parent_code"]
    result = invoke("import-org", write_csv([{"kind": "unit", "code": "A"}], columns))
    assert result.output.splitlines()[:2] == [
        "row 1, column name: This column is missing.",
        "row 1, column ten: Unknown column.",
    ]
    assert count(Unit) == 0


def test_a_byte_order_mark_is_accepted_and_a_non_utf8_file_explained(invoke, write_csv):
    assert invoke("import-org", write_csv(PROVINCE[:1], encoding="utf-8-sig")).exit_code == 0
    assert one(Unit, "LD").name == "Tỉnh Lâm Đồng"
    result = invoke("import-org", write_csv(PROVINCE[:2], encoding="utf-16"))
    assert result.exit_code == 1
    assert "The file is not a UTF-8 CSV file" in result.output
    assert count(Unit) == 1


# The upload page ----------------------------------------------------------------------------


def upload(client, rows: list[dict], columns=COLUMNS):
    page = parse(client.get("/quan-tri/nhap-to-chuc"))
    token = page.select_one("main form input[name=csrf_token]")["value"]
    file = FileStorage(io.BytesIO(csv_text(rows, columns).encode()), filename="to-chuc.csv")
    boundary, body = encode_multipart({"csrf_token": token, "file": file})
    return client.post(
        "/quan-tri/nhap-to-chuc",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


@pytest.fixture
def province_admin(client):
    """An administrator of the province LD, already stored."""
    province = make_unit(code="LD", name="Tỉnh Lâm Đồng")
    user = make_user(role=Role.ADMINISTRATOR, unit=province)
    sign_in(client, user)
    client.get("/quan-tri/nhap-to-chuc?lang=en")
    return user


def summary_rows(response) -> dict[str, list[str]]:
    table = parse(response).select_one("table.import-summary")
    return {
        row["data-kind"]: [td.get_text(strip=True) for td in row.select("td")]
        for row in table.select("tr[data-kind]")
    }


def error_rows(response) -> list[list[str]]:
    table = parse(response).select_one("table.import-errors")
    return [
        [td.get_text(strip=True) for td in row.select("td")] for row in table.select("tbody tr")
    ]


def test_the_upload_page_imports_a_file_and_shows_the_summary(client, province_admin):
    admin = province_admin
    response = upload(client, PROVINCE)

    assert response.status_code == 200
    assert summary_rows(response) == {
        "unit": ["2", "0", "1"],  # the province itself was already stored, unchanged
        "counter": ["3", "0", "0"],
        "officer": ["2", "0", "0"],
    }
    assert count(Officer) == 2
    actors = db.session.scalars(
        sa.select(AuditEvent.actor_id).where(AuditEvent.details["via"].as_string() == "import")
    )
    assert set(actors) == {admin.id}


def test_uploading_again_updates_and_never_duplicates(client, province_admin):
    upload(client, PROVINCE)
    response = upload(client, with_row("DT-Q1", name="Quầy số 1 - Hộ tịch"))
    assert summary_rows(response)["counter"] == ["0", "1", "2"]
    assert (count(Unit), count(Counter), count(Officer)) == (3, 3, 2)
    assert one(Counter, "DT-Q1").name == "Quầy số 1 - Hộ tịch"


def test_an_invalid_upload_lists_the_errors_and_stores_nothing(client, province_admin):
    rows = PROVINCE + [{"kind": "counter", "code": "DT-Q9", "name": "Quầy 9"}]

    response = upload(client, rows)

    assert response.status_code == 422
    assert error_rows(response) == [
        ["10", "parent_code", "Enter the code of the unit this belongs to."]
    ]
    assert "Nothing was imported" in parse(response).select_one(".summary").get_text()
    assert (count(Unit), count(Counter), count(Officer)) == (1, 0, 0)


def test_an_administrator_imports_only_under_their_own_units(client):
    province = make_unit(code="LD")
    commune_a = make_unit(code="XA-A", parent=province)
    commune_b = make_unit(code="XA-B", parent=province)
    make_counter(unit=commune_b, code="B-Q1")
    make_officer(unit=commune_b, code="B-CB1")
    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=commune_a))
    client.get("/quan-tri/nhap-to-chuc?lang=en")
    rows = [
        {"kind": "unit", "code": "XA-A", "name": "Xã A", "parent_code": "LD"},  # its own: fine
        {"kind": "unit", "code": "THON-1", "name": "Thôn 1", "parent_code": "XA-A"},
        {"kind": "unit", "code": "THON-2", "name": "Thôn 2", "parent_code": "XA-B"},
        {"kind": "unit", "code": "TINH-MOI", "name": "Tỉnh mới"},
        {"kind": "counter", "code": "B-Q1", "name": "Lấy quầy", "parent_code": "XA-A"},
        {"kind": "officer", "code": "B-CB1", "name": "Lấy người", "parent_code": "THON-1"},
        {"kind": "unit", "code": "XA-B", "name": "Xã B", "parent_code": "THON-1"},
    ]

    response = upload(client, rows)

    assert response.status_code == 422
    assert error_rows(response) == [
        ["4", "parent_code", "You can only import under the units you manage."],
        [
            "5",
            "parent_code",
            "Only the command line can add or move a unit to the top of the tree.",
        ],
        ["6", "code", "This code is already used outside the units you manage."],
        ["7", "code", "This code is already used outside the units you manage."],
        ["8", "code", "This code is already used outside the units you manage."],
    ]
    assert one(Unit, "THON-1") is None and one(Counter, "B-Q1").unit.code == "XA-B"


def test_a_manager_cannot_import_the_organisation(client):
    sign_in(client, make_user(role=Role.MANAGER))
    assert client.get("/quan-tri/nhap-to-chuc").status_code == 403


def test_the_upload_page_asks_for_a_file(client, province_admin):
    page = parse(client.get("/quan-tri/nhap-to-chuc"))
    token = page.select_one("main form input[name=csrf_token]")["value"]
    response = client.post("/quan-tri/nhap-to-chuc", data={"csrf_token": token})
    assert response.status_code == 422
    assert "Choose a CSV file." in parse(response).select_one(".summary").get_text()
