"""The pictures of docs/ of the report an office signs, from the demo: the first page of the
monthly PDF and of the DOCX (turned into PDF by LibreOffice, as Word would lay it out near
enough). Needs LibreOffice (Debian: apt-get install libreoffice-writer-nogui); no test does.

    .venv/bin/python docs/make_report_pictures.py
"""

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_babel import force_locale  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from analytics.report.export import export_monthly  # noqa: E402
from survey_app import create_app  # noqa: E402
from survey_app.demo.loader import load_demo  # noqa: E402
from survey_app.months import Month  # noqa: E402
from survey_app.queries.units import get_unit_by_code  # noqa: E402

UNIT, MONTH, DEMO_DAY = "LD-DUCTRONG", Month(2026, 3), date(2026, 4, 15)
DPI = 110


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'demo.db'}", "SECRET_KEY": "pictures",
             "SURVEY_ENV": "testing"}
        )  # fmt: skip
        with app.app_context(), force_locale("vi"):
            upgrade()
            load_demo(DEMO_DAY)
            unit = get_unit_by_code(UNIT)
            today = date(2026, 4, 3)
            export_monthly(unit, MONTH, "pdf", work / "report.pdf", today=today)
            export_monthly(unit, MONTH, "docx", work / "report.docx", today=today)
        first_page(work / "report.pdf", ROOT / "docs" / "report-pdf-first-page.png")
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work / "docx"),
             str(work / "report.docx")],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        first_page(work / "docx" / "report.pdf", ROOT / "docs" / "report-docx-first-page.png")


def first_page(pdf: Path, picture: Path) -> None:
    pdfium.PdfDocument(pdf)[0].render(scale=DPI / 72).to_pil().save(picture)
    print(f"wrote {picture.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
