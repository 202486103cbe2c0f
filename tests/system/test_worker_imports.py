"""A web worker starts without the libraries only reports, exports, posters, uploads and single
sign-on use: each gunicorn worker imports the app for itself, and these would add some 80 MB to
every one of them (bench/worker_memory.py prints the resident memory). They are imported by the
functions that need them, when first called."""

import json
import subprocess
import sys

from tests.helpers.live_server import ROOT

# Top-level packages, each loaded only by what builds a report, a file or a sign-in.
ON_DEMAND = (
    "pandas",  # the officer evaluation frame, the response export
    "numpy",
    "fpdf",  # PDF reports, QR posters
    "fontTools",
    "docx",  # DOCX reports
    "openpyxl",  # XLSX reports
    "pypdf",  # checking an attached PDF
    "PIL",  # QR images, photos, attachments
    "qrcode",
    "lxml",
    "holidays",  # the working-day calendar of a year not read yet
    "authlib",  # single sign-on
    "requests",
    "zxcvbn",  # the strength of a password being chosen
)

CHECK = """
import json, sys
from survey_app import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
with app.test_client() as client:
    client.get("/")  # a first request: still nothing of the above
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def loaded_by_a_new_worker(tmp_path) -> set[str]:
    env = {"SURVEY_ENV": "development", "SURVEY_INSTANCE_PATH": str(tmp_path), "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_create_app_leaves_the_report_libraries_unloaded(tmp_path):
    loaded = loaded_by_a_new_worker(tmp_path)
    assert "flask" in loaded and "survey_app" in loaded  # the check itself ran
    assert sorted(loaded & set(ON_DEMAND)) == []
