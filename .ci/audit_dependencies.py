"""pip-audit of every package the project installs (pip freeze of the CI virtualenv, the project
itself and pip's own tooling left out), failing on any known vulnerability.

pip-audit asks PyPI's JSON API for the advisories of each pinned version. A machine that reaches
PyPI only through a mirror that does not serve that API gets "Dependency not found on PyPI" for
every package (and OSV may be out of reach too). Then, for each such package, this script reads
the project's own page of PyPI's JSON API instead: it lists the advisories of the latest release
only, so it settles a package pinned at its latest release (any advisory there fails the run)
and nothing else. Every package still not audited is named with the reason, on a loud line.

Exit status: 0 every package audited and none vulnerable; 1 a known vulnerability, a package
skipped for another reason, or any package not audited under SURVEY_AUDIT_REQUIRED=1;
NOT_AUDITED (2) some or all packages could not be checked: never a pass, .ci/run says so on a
warning line. To audit the rest from a machine that reaches PyPI, see docs/deploy.md
("Dependency audit").

    .venv/bin/python .ci/audit_dependencies.py
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent
NOT_REACHED = "Dependency not found on PyPI"
PROJECT_JSON = "https://pypi.org/pypi/{name}/json"
TIMEOUT_SECONDS = 30
NOT_AUDITED = 2  # the exit status of an audit not done in full: neither a pass nor a failure

# name -> the project's JSON page as a dict, or None when it cannot be had
FetchProject = Callable[[str], dict | None]


@dataclass
class Audit:
    audited: dict[str, str] = field(default_factory=dict)  # name -> "pip-audit" or "PyPI project"
    vulnerable: list[tuple[str, str, list[str]]] = field(default_factory=list)
    unaudited: list[tuple[str, str, str]] = field(default_factory=list)  # name, version, reason
    unexpected: list[str] = field(default_factory=list)  # skip reasons other than not reached


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_freeze(text: str) -> dict[str, str]:
    """canonical name -> version of each `name==version` line."""
    pins = {}
    for line in text.splitlines():
        name, sep, version = line.strip().partition("==")
        if sep and not line.startswith("#"):
            pins[canonical(name)] = version.strip()
    return pins


def assess(pins: dict[str, str], report: list[dict] | None, fetch: FetchProject) -> Audit:
    """What pip-audit settled, and the fallback for what it could not reach. `report` is
    pip-audit's `dependencies`, or None when it produced none (service down altogether)."""
    audit = Audit()
    entries = report if report is not None else [{"name": name} for name in pins]
    for entry in entries:
        name = canonical(entry["name"])
        if "vulns" in entry:
            audit.audited[name] = "pip-audit"
            if entry["vulns"]:
                ids = [vuln["id"] for vuln in entry["vulns"]]
                audit.vulnerable.append((name, entry["version"], ids))
        elif report is None or entry.get("skip_reason", "").startswith(NOT_REACHED):
            _from_project_page(audit, name, pins.get(name, "?"), fetch)
        else:
            audit.unexpected.append(entry.get("skip_reason", name))
    return audit


def _from_project_page(audit: Audit, name: str, version: str, fetch: FetchProject) -> None:
    project = fetch(name)
    if project is None:
        audit.unaudited.append(
            (name, version, "neither pip-audit nor PyPI's project page answered")
        )
        return
    latest = project.get("info", {}).get("version")
    if latest != version:
        reason = f"not the latest release ({latest}); PyPI's project page covers only that one"
        audit.unaudited.append((name, version, reason))
        return
    audit.audited[name] = "PyPI project"
    live = [vuln for vuln in project.get("vulnerabilities") or [] if not vuln.get("withdrawn")]
    if live:
        audit.vulnerable.append((name, version, [vuln["id"] for vuln in live]))


def verdict(audit: Audit, required: bool) -> int:
    for name, version, ids in audit.vulnerable:
        print(f"pip-audit: VULNERABLE: {name} {version}: {', '.join(ids)}")
    for reason in audit.unexpected:
        print(f"pip-audit: not audited: {reason}")
    for name, version, reason in audit.unaudited:
        print(f"pip-audit: NOT AUDITED: {name} {version}: {reason}")
    by_pip_audit = sum(1 for how in audit.audited.values() if how == "pip-audit")
    print(
        f"pip-audit: {len(audit.audited)} packages audited ({by_pip_audit} by pip-audit, "
        f"{len(audit.audited) - by_pip_audit} by PyPI's project page), "
        f"{len(audit.vulnerable)} vulnerable, {len(audit.unaudited) + len(audit.unexpected)} "
        "NOT AUDITED"
    )
    if audit.vulnerable or audit.unexpected:
        return 1
    if audit.unaudited:
        if required:
            print("pip-audit: SURVEY_AUDIT_REQUIRED=1: every package must be audited")
            return 1
        if not audit.audited:
            print("pip-audit: NOTHING WAS AUDITED: no vulnerability service could be reached")
        print(
            "pip-audit: NOT A PASS: the packages NOT AUDITED above were not checked for "
            "vulnerabilities; 'not found' means not checked, not 'no known vulnerabilities'"
        )
        return NOT_AUDITED
    return 0


def fetch_project(name: str) -> dict | None:
    url = PROJECT_JSON.format(name=name)
    try:
        # A fixed https URL of PyPI's API, not one a user chose.
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as answer:
            return json.load(answer)
    except (urllib.error.URLError, TimeoutError, ValueError):
        return None


def run_pip_audit(frozen: Path, work: Path) -> list[dict] | None:
    report = work / "audit.json"
    audit = [str(BIN / "pip-audit"), "-r", str(frozen), "--no-deps", "--disable-pip"]
    audit += ["--progress-spinner", "off", "-f", "json", "-o", str(report)]
    # pip-audit exits 1 on a vulnerability; the report says which. Without a report (its
    # service unreachable altogether) every package goes to the fallback.
    subprocess.run(audit, check=False, capture_output=True, text=True)
    try:
        return json.loads(report.read_text())["dependencies"]
    except (OSError, ValueError, KeyError):
        return None


def main() -> int:
    with tempfile.TemporaryDirectory() as work:
        frozen = Path(work) / "frozen.txt"
        freeze = [str(BIN / "pip"), "freeze", "--exclude-editable"]
        frozen.write_text(subprocess.run(freeze, check=True, capture_output=True, text=True).stdout)
        pins = parse_freeze(frozen.read_text())
        report = run_pip_audit(frozen, Path(work))
    audit = assess(pins, report, fetch_project)
    return verdict(audit, required=os.environ.get("SURVEY_AUDIT_REQUIRED") == "1")


if __name__ == "__main__":
    sys.exit(main())
