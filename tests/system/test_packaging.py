"""`pip install .` (not editable) must give a working app: templates, static files, compiled
translations, migrations and instrument data all travel in the wheel.

That the installed wheel works is proven by `.ci/run`, as a user installs it: with its run-time
dependencies and no extras, in a new venv, where every module is imported
(.ci/import_all.py) and `survey-app demo` serves a rating end to end (.ci/smoke_demo.py)."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_wheel_carries_every_resource(tmp_path):
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    build = [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", tmp_path, ROOT]
    subprocess.run(build, check=True)
    [wheel] = tmp_path.glob("survey_app-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    expected = [
        "survey_app/templates/survey/form.html",
        "survey_app/static/css/survey.css",
        "survey_app/translations/vi/LC_MESSAGES/messages.mo",
        "survey_app/migrations/env.py",
        "survey_app/migrations/versions/0002_load_instruments.py",
        "survey_app/data/instruments/sipas-2023.json",
        "survey_app/data/demo.json",
        "survey_app/data/common_passwords_vi.txt",
        "survey_app/static/fonts/DejaVuSans.ttf",
        "survey_app/static/img/favicon.ico",
        "survey_app/static/js/char-count.js",
        "forms/survey.py",
    ]
    assert [name for name in expected if name not in names] == []
