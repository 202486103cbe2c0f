"""pip-audit of every package the project installs (pip freeze of the CI virtualenv, the project
itself and pip's own tooling left out), failing on any known vulnerability.

pip-audit asks PyPI's JSON API for the advisories of each pinned version. A machine that reaches
PyPI only through a mirror that does not serve that API gets "Dependency not found on PyPI" for
every package: then nothing was audited, and that must not read as clean. This script says so
on one loud line and goes on, unless SURVEY_AUDIT_REQUIRED=1 makes it fail. A package missing
while others were audited fails the run. To audit from a machine that reaches PyPI, see
docs/deploy.md ("Dependency audit").

    .venv/bin/python .ci/audit_dependencies.py
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BIN = Path(sys.executable).parent
NOT_REACHED = "Dependency not found on PyPI"


def main() -> int:
    with tempfile.TemporaryDirectory() as work:
        frozen, report = Path(work) / "frozen.txt", Path(work) / "audit.json"
        freeze = [str(BIN / "pip"), "freeze", "--exclude-editable"]
        frozen.write_text(subprocess.run(freeze, check=True, capture_output=True, text=True).stdout)
        audit = [str(BIN / "pip-audit"), "-r", str(frozen), "--no-deps", "--disable-pip"]
        audit += ["--progress-spinner", "off", "-f", "json", "-o", str(report)]
        # pip-audit exits 1 on a vulnerability; the report says which, read below.
        subprocess.run(audit, check=False, capture_output=True, text=True)
        dependencies = json.loads(report.read_text())["dependencies"]
    return verdict(dependencies)


def verdict(dependencies: list[dict]) -> int:
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    for dependency in vulnerable:
        ids = ", ".join(vuln["id"] for vuln in dependency["vulns"])
        print(f"pip-audit: {dependency['name']} {dependency['version']}: {ids}")
    if vulnerable:
        return 1
    if (
        skipped
        and len(skipped) == len(dependencies)
        and all(d["skip_reason"].startswith(NOT_REACHED) for d in skipped)
    ):
        print(
            f"pip-audit: NOT AUDITED: the vulnerability service cannot be reached from this "
            f"machine ({len(skipped)} packages); run it where PyPI's JSON API answers."
        )
        return 1 if os.environ.get("SURVEY_AUDIT_REQUIRED") == "1" else 0
    for dependency in skipped:
        print(f"pip-audit: not audited: {dependency['skip_reason']}")
    if skipped:
        return 1
    print(f"pip-audit: {len(dependencies)} packages audited, no known vulnerabilities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
