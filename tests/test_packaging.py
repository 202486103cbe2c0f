"""`pip install .` (not editable) must give a working app: templates, static files, compiled
translations, migrations and instrument data all travel in the wheel."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Runs in a separate interpreter whose import path starts at the unpacked wheel.
SMOKE = """
import sys
import survey_app
assert survey_app.__file__.startswith(sys.argv[1]), survey_app.__file__
from survey_app import create_app
from survey_app.extensions import db
from survey_app.services.org import add_counter, add_unit, list_survey_codes
app = create_app()
with app.app_context():
    counter = add_counter(unit=add_unit(code="X", name="UBND xã Thử"), code="Q1", name="Quầy 1")
    db.session.commit()
    code = list_survey_codes([counter.unit_id])[0].code
    client = app.test_client()
    page = client.get(f"/s/{code}").get_data(as_text=True)
    assert "Tiếp cận dịch vụ" in page and "Rất hài lòng" in page, page[:500]
    with client.get("/static/css/survey.css") as css:
        assert css.status_code == 200
print("wheel-ok")
"""


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", out, ROOT], check=True
    )
    [wheel] = out.glob("survey_app-*.whl")
    target = out / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", target, wheel], check=True)
    return wheel, target


@pytest.mark.slow
def test_the_wheel_carries_every_resource(installed_wheel):
    wheel, _ = installed_wheel
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
        "forms/survey.py",
    ]
    assert [name for name in expected if name not in names] == []


@pytest.mark.slow
def test_the_installed_wheel_migrates_and_serves_the_survey(installed_wheel, tmp_path):
    _, target = installed_wheel
    env = os.environ | {
        "PYTHONPATH": str(target),
        "SURVEY_ENV": "development",
        "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'wheel.db'}",
        "SURVEY_INSTANCE_PATH": str(tmp_path),
    }
    cli = [sys.executable, "-c", "from survey_app.cli import main; main()"]
    subprocess.run([*cli, "db", "upgrade"], env=env, cwd=tmp_path, check=True, capture_output=True)
    smoke = subprocess.run(
        [sys.executable, "-c", SMOKE, str(target)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert smoke.stdout.strip() == "wheel-ok", smoke.stderr
