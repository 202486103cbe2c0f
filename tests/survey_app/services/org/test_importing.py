"""Onboarding a province from the organisation CSV with `survey-app import-org`."""

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import AuditEvent, Counter, Officer, SurveyCode, SurveyResponse, Unit
from tests.helpers.builders import make_counter, make_response, make_unit
from tests.helpers.builders import survey_code_of as code_of
from tests.helpers.org_csv import COLUMNS, PROVINCE, count, csv_text, with_row
from tests.helpers.staff_pages import one


@pytest.fixture
def write_csv(tmp_path):
    def write(rows: list[dict], columns=COLUMNS, encoding="utf-8") -> str:
        path = tmp_path / "to-chuc.csv"
        path.write_text(csv_text(rows, columns), encoding=encoding)
        return str(path)

    return write


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
