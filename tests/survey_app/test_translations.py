"""Vietnamese first: every message the code can show has a Vietnamese translation."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "survey_app/translations/vi/LC_MESSAGES/messages.po"


def extracted_ids(tmp_path) -> set[str]:
    pot = tmp_path / "messages.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg"]
    command += ["-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as file:
        return {message.id for message in read_po(file) if message.id}


def test_every_message_in_the_code_is_in_the_vietnamese_catalogue(tmp_path):
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    missing = extracted_ids(tmp_path) - {message.id for message in catalogue if message.id}
    assert sorted(missing, key=str) == []


def test_every_vietnamese_entry_is_translated():
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    untranslated = [m.id for m in catalogue if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []
