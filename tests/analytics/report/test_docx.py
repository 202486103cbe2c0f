"""The Word document's writer stands on its own: writing a DOCX loads python-docx, not the PDF
library (fpdf2 and its font tools take some 0.4 s to import, inside a report's time)."""

import json
import subprocess
import sys

from tests.helpers.live_server import ROOT

CHECK = """
import json, sys
import analytics.report.docx
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_the_word_writer_imports_no_pdf_library():
    done = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "docx" in loaded  # the check itself ran
    assert not loaded & {"fpdf", "fontTools"}
