"""Every command of the README's table, run after `survey-app demo` as a newcomer runs it: the
installed `survey-app` in a fresh process with nothing set (SURVEY_ENV unset is production), on
the demo's SQLite file. The only setting is a private instance folder, so that the test never
touches the developer's own demo.

Each row of the table is matched to the runs below: a row added, changed or dropped in the
README without its run here fails, and each run is checked against its row's wording."""

import csv
import io
import os
import re
import subprocess
import time
import urllib.request
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from tests.helpers.newcomer import SURVEY_APP, Newcomer, free_port, matches, readme_commands

ROOT_UNIT = "LD-TTHCC"
COMMUNE = "LD-DUCTRONG"
COUNTER = "DT-Q1"
SURVEY_LINK = re.compile(r"http://127\.0\.0\.1:(\d+)/s/([A-Z0-9]{8})")
EXPORT = "survey-app export-responses --unit CODE --month YYYY-MM --output FILE.csv"
OFFICER_COLUMNS = (
    "officer_code,officer_name,responses,overall_pct,sipas_index,TC,TT,CC,KQ,PA,mean_overall,"
    "flagged,flagged_pct,below_unit_average,sample_sufficient"
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory) -> Newcomer:
    home = tmp_path_factory.mktemp("newcomer")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "SURVEY_INSTANCE_PATH": str(home / "instance"),
    }
    port = free_port()
    # The demo's data without its server (the demo row below starts the server).
    done = subprocess.run(
        [str(SURVEY_APP), "demo", "--no-serve", "--port", str(port)],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return Newcomer(home=home, env=env, port=port, demo_output=done.stdout)


def last_month() -> str:
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def a_survey_code(someone: Newcomer) -> str:
    return SURVEY_LINK.search(someone.demo_output).group(2)


def db_upgrade(someone: Newcomer, template: str) -> None:
    someone.run(template, "db", "upgrade")
    assert someone.count("alembic_version") == 1


def demo_serves(someone: Newcomer, template: str) -> None:
    argv = ["demo", "--port", str(someone.port)]
    assert matches(template, ["survey-app", *argv])
    server = subprocess.Popen(
        [str(SURVEY_APP), *argv],
        env=someone.env,
        cwd=someone.home,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        printed = []
        for line in server.stdout:
            printed.append(line)
            if line.startswith("Serving on"):
                break
        expected = f"Serving on {someone.base_url} (Ctrl+C to stop)"
        assert printed[-1].strip() == expected, printed
        ports = {port for port, _ in SURVEY_LINK.findall("".join(printed))}
        assert ports == {str(someone.port)}
        assert _answers(f"{someone.base_url}/healthz", seconds=30)
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()


def _answers(url: str, seconds: float) -> bool:
    """Whether the URL answers 200 within the time (the server binds just after its line)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.status == 200
        except OSError:
            time.sleep(0.2)
    return False


def qr_poster(someone: Newcomer, template: str) -> None:
    output = someone.file("poster.pdf")
    someone.run(template, "qr", "poster", "--unit", COMMUNE, "--output", str(output))
    text = "\n".join(page.extract_text() for page in PdfReader(output).pages)
    # The demo's own address, port included: the codes open on this computer.
    assert f"{someone.base_url}/s/" in text


def qr_png_and_svg(someone: Newcomer, template: str) -> None:
    code = a_survey_code(someone)
    png, svg = someone.file("code.png"), someone.file("code.svg")
    someone.run(template, "qr", "png", "--code", code, "--output", str(png))
    someone.run(template, "qr", "svg", "--code", code, "--output", str(svg))
    found = zxingcpp.read_barcodes(Image.open(png).convert("L"))
    assert [result.text for result in found] == [f"{someone.base_url}/s/{code}"]
    assert ElementTree.parse(svg).getroot().tag.endswith("svg")


def export_responses(someone: Newcomer, template: str) -> None:
    output = someone.file("export.csv")
    args = ["--unit", ROOT_UNIT, "--month", last_month(), "--output", str(output)]
    someone.run(template, "export-responses", *args)
    rows = _csv_rows(output)
    assert rows and {row["unit_code"] for row in rows} <= {ROOT_UNIT, COMMUNE, "LD-XUANHUONG"}


def import_responses(someone: Newcomer, template: str) -> None:
    sheet = someone.file("paper.csv")
    export = someone.file("paper-source.csv")
    args = ["--unit", COMMUNE, "--month", last_month(), "--output", str(export)]
    someone.run(EXPORT, "export-responses", *args)
    row = _csv_rows(export)[0]
    paper = row | {"ref": "GIAY-README-1", "channel": "paper"}
    broken = row | {"ref": "GIAY-README-2", "CHUNG": "9"}
    before = someone.count("survey_responses")
    sheet.write_text(_csv_text([paper]), encoding="utf-8")
    someone.run(template, "import-responses", str(sheet))
    sheet.write_text(_csv_text([paper, broken, row | {"ref": "GIAY-README-3"}]), encoding="utf-8")
    someone.run(template, "import-responses", str(sheet), "--skip-invalid")
    refs = ("GIAY-README-1", "GIAY-README-2", "GIAY-README-3")
    assert someone.count("survey_responses") == before + 2
    assert someone.count("survey_responses", "client_ref IN (?, ?, ?)", *refs) == 2


def _csv_rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _csv_text(rows: list[dict]) -> str:
    stream = io.StringIO()
    writer = csv.DictWriter(stream, list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue()


def instruments_sync(someone: Newcomer, template: str) -> None:
    assert "up to date" in someone.run(template, "instruments", "sync")


def create_user(someone: Newcomer, template: str) -> None:
    password = "Bo-phan-mot-cua-2026!"
    args = ["--role", "administrator", "--unit", ROOT_UNIT, "--username", "quantri.moi"]
    someone.run(template, "create-user", *args, "--full-name", "Nguyễn Văn Mới",
                stdin=f"{password}\n{password}\n")  # fmt: skip
    assert someone.count("users", "username = ?", "quantri.moi") == 1


def import_users(someone: Newcomer, template: str) -> None:
    sheet = someone.file("users.csv")
    rows = [
        {"username": "thu.le", "full_name": "Lê Thị Thu", "role": "complaint_handler",
         "unit_code": COMMUNE, "email": "thu.le@example.gov.vn"},
    ]  # fmt: skip
    sheet.write_text(_csv_text(rows), "utf-8")
    printed = someone.run(template, "import-users", str(sheet))
    assert someone.count("users", "username = 'thu.le'") == 1
    assert "/kich-hoat/" in printed or "kich-hoat" in printed  # no SMTP: the link is printed


def import_org(someone: Newcomer, template: str) -> None:
    rows = [
        {"kind": "unit", "code": "KH", "name": "Tỉnh Khánh Hòa"},
        {"kind": "unit", "code": "KH-NT", "name": "UBND phường Nha Trang", "parent_code": "KH"},
        {"kind": "counter", "code": "NT-Q1", "name": "Quầy 1 - Hộ tịch", "parent_code": "KH-NT",
         "field": "Hộ tịch"},
        {"kind": "officer", "code": "NT-CB01", "name": "Lê Thị Thu", "parent_code": "KH-NT",
         "counters": "NT-Q1"},
    ]  # fmt: skip
    columns = ["kind", "code", "name", "parent_code", "field", "counters", "active"]
    sheet = someone.file("org.csv")
    sheet.write_text(_csv_text([dict.fromkeys(columns, "") | row for row in rows]), "utf-8")
    someone.run(template, "import-org", str(sheet))
    assert someone.count("units", "code IN ('KH', 'KH-NT')") == 2
    assert someone.count("officers", "code = 'NT-CB01'") == 1


def calendar_due(someone: Newcomer, template: str) -> None:
    received = "2026-02-13T10:00:00+07:00"  # the Friday before Tết: nine days off follow
    assert someone.run(template, "calendar", "due", "--received", received).strip() == (
        "2026-02-25T17:00:00+07:00"
    )
    due = someone.run(template, "calendar", "due", "--received", received, "--days", "5")
    assert due.strip() == "2026-02-27T17:00:00+07:00"


def calendar_days_off(someone: Newcomer, template: str) -> None:
    listed = someone.run(template, "calendar", "days-off", "2026")
    assert "2026-02-17  Tết Nguyên Đán" in listed and "2026-09-02" in listed


def tickets_remind(someone: Newcomer, template: str) -> None:
    someone.run(template, "tickets", "remind")
    sent = someone.run(template, "tickets", "remind", "--now", "2026-12-07T09:00:00+07:00")
    assert sent.startswith("Đã gửi nhắc việc:")


def tickets_purge_contacts(someone: Newcomer, template: str) -> None:
    someone.run(template, "tickets", "purge-contacts")
    purged = someone.run(
        template, "tickets", "purge-contacts", "--now", "2026-12-07T09:00:00+07:00"
    )
    # First the answered tickets closed for want of a reply, then the contacts removed.
    assert purged.startswith("Đã kết thúc") and "Đã xóa thông tin liên hệ của" in purged


def kiosk_register(someone: Newcomer, template: str) -> None:
    printed = someone.run(template, "kiosk", "register", "--counter", COUNTER, "--name", "Máy 1")
    assert re.match(r"kt_\w+_\S+", printed)
    assert someone.count("kiosks", "name = 'Máy 1'") == 1


def report_tally(someone: Newcomer, template: str) -> None:
    assert someone.run(template, "report", "tally").startswith("Đã tổng hợp")


def report_close(someone: Newcomer, template: str) -> None:
    someone.run(template, "report", "close", "--unit", COMMUNE, "--month", last_month())
    assert someone.count("month_closures") >= 1


def report_monthly(someone: Newcomer, template: str) -> None:
    for kind in ("xlsx", "pdf", "docx"):
        output = someone.file(f"monthly.{kind}")
        args = ["--unit", ROOT_UNIT, "--month", last_month(), "--format", kind]
        someone.run(template, "report", "monthly", *args, "--output", str(output))
    assert openpyxl.load_workbook(someone.file("monthly.xlsx")).sheetnames
    first_page = PdfReader(someone.file("monthly.pdf")).pages[0].extract_text()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first_page and "LÂM ĐỒNG" in first_page


def report_period(someone: Newcomer, template: str) -> None:
    year = "2026"  # the README's example; any year builds (the demo's months, or none)
    for kind in ("docx", "pdf", "xlsx"):
        output = someone.file(f"year.{kind}")
        args = ["--unit", ROOT_UNIT, "--period", year, "--format", kind, "--output", str(output)]
        someone.run(template, "report", "period", *args)
    first_page = PdfReader(someone.file("year.pdf")).pages[0].extract_text()
    assert f"năm {year}" in first_page and "BÁO CÁO" in first_page
    assert someone.file("year.docx").read_bytes().startswith(b"PK")  # a Word (zip) file


def report_officers(someone: Newcomer, template: str) -> None:
    output = someone.file("officers.csv")
    args = ["--unit", COMMUNE, "--month", last_month(), "--format", "csv", "--output", str(output)]
    someone.run(template, "report", "officers", *args)
    lines = output.read_text(encoding="utf-8").splitlines()
    assert lines[0] == OFFICER_COLUMNS and len(lines) > 1


def routes(someone: Newcomer, template: str) -> None:
    assert "/s/<code>" in someone.run(template, "routes")


RUNS: dict[str, Callable[[Newcomer, str], None]] = {
    "survey-app db upgrade": db_upgrade,
    "survey-app demo [--port N]": demo_serves,
    "survey-app qr poster --unit CODE --output FILE.pdf": qr_poster,
    "survey-app qr png/svg --code CODE --output FILE": qr_png_and_svg,
    EXPORT: export_responses,
    "survey-app import-responses FILE.csv [--skip-invalid]": import_responses,
    "survey-app instruments sync": instruments_sync,
    'survey-app create-user --role ROLE --unit CODE --username NAME --full-name "FULL NAME"': (
        create_user
    ),
    "survey-app import-org FILE.csv": import_org,
    "survey-app import-users FILE.csv [--officers-of UNIT]": import_users,
    "survey-app calendar due --received 2026-02-13T10:00:00+07:00 [--days N]": calendar_due,
    "survey-app calendar days-off 2026": calendar_days_off,
    "survey-app tickets remind [--now ISO]": tickets_remind,
    "survey-app tickets purge-contacts [--now ISO]": tickets_purge_contacts,
    "survey-app kiosk register --counter CODE [--name NAME]": kiosk_register,
    "survey-app report tally": report_tally,
    "survey-app report close --unit CODE --month YYYY-MM": report_close,
    (
        "survey-app report monthly --unit CODE --month YYYY-MM --format xlsx\\|pdf\\|docx "
        "--output FILE"
    ): report_monthly,
    (
        "survey-app report period --unit CODE --period 2026-Q3\\|2026-H1\\|2026-9M\\|2026 "
        "--format docx\\|pdf\\|xlsx --output FILE"
    ): report_period,
    "survey-app report officers --unit CODE --month YYYY-MM --format csv --output FILE": (
        report_officers
    ),
    "survey-app routes": routes,
}


def test_every_row_of_the_readme_table_has_a_run_here():
    assert readme_commands() == list(RUNS)


@pytest.mark.parametrize("template", list(RUNS))
def test_the_readme_command_works_after_the_demo_with_nothing_set(newcomer, template):
    RUNS[template](newcomer, template)


def test_the_template_matcher_tells_a_wrong_command():
    template = "survey-app report monthly --unit CODE --month YYYY-MM --format xlsx\\|pdf"
    assert matches(template, ["survey-app", "report", "monthly", "--unit", "X", "--month",
                              "2026-11", "--format", "pdf"])  # fmt: skip
    assert not matches(template, ["survey-app", "report", "monthly", "--unit", "X"])
    assert not matches(template, ["survey-app", "report", "monthly", "--unit", "X", "--month",
                                  "2026-11", "--format", "docx"])  # fmt: skip
    optional = "survey-app tickets remind [--now ISO]"
    assert matches(optional, ["survey-app", "tickets", "remind"])
    assert matches(optional, ["survey-app", "tickets", "remind", "--now", "2026-12-07"])
    assert not matches(optional, ["survey-app", "tickets", "remind", "--at", "2026-12-07"])
