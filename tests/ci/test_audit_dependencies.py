"""The verdict of .ci/audit_dependencies.py on canned pip-audit reports and PyPI project pages
(no network): what it counts as audited, vulnerable or not audited, and when it fails."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "audit_dependencies.py"
_spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
audit_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit_script)

NOT_REACHED = "Dependency not found on PyPI and could not be audited: {name} ({version})"
ADVISORY = {"id": "PYSEC-2026-1", "aliases": ["CVE-2026-0001"], "withdrawn": None}


def reached(name: str, version: str, *vuln_ids: str) -> dict:
    return {"name": name, "version": version, "vulns": [{"id": i} for i in vuln_ids]}


def not_reached(name: str, version: str) -> dict:
    return {"name": name, "skip_reason": NOT_REACHED.format(name=name, version=version)}


def project(latest: str, *advisories: dict) -> dict:
    return {"info": {"version": latest}, "vulnerabilities": list(advisories)}


def pages(**by_name):
    """A fetch that answers from canned project pages; None for any other name."""
    return lambda name: by_name.get(name.replace("-", "_"))


def run(pins, report, fetch, capsys, required=False):
    verdict = audit_script.verdict(audit_script.assess(pins, report, fetch), required)
    return verdict, capsys.readouterr().out


def test_everything_audited_by_pip_audit_and_clean_passes(capsys):
    pins = {"flask": "3.1.3", "jinja2": "3.1.6"}
    report = [reached("flask", "3.1.3"), reached("jinja2", "3.1.6")]
    verdict, out = run(pins, report, pages(), capsys)
    assert verdict == 0
    assert "2 packages audited (2 by pip-audit, 0 by PyPI's project page)" in out
    assert "NOT AUDITED:" not in out


def test_a_vulnerability_found_by_pip_audit_fails_naming_it(capsys):
    report = [reached("flask", "3.1.3"), reached("jinja2", "3.1.5", "GHSA-xxxx")]
    verdict, out = run({"flask": "3.1.3", "jinja2": "3.1.5"}, report, pages(), capsys)
    assert verdict == 1
    assert "VULNERABLE: jinja2 3.1.5: GHSA-xxxx" in out


def test_a_package_at_its_latest_release_is_audited_from_its_project_page(capsys):
    report = [not_reached("flask", "3.1.3")]
    verdict, out = run({"flask": "3.1.3"}, report, pages(flask=project("3.1.3")), capsys)
    assert verdict == 0
    assert "1 packages audited (0 by pip-audit, 1 by PyPI's project page)" in out


def test_an_advisory_of_the_latest_release_fails(capsys):
    fetch = pages(flask=project("3.1.3", ADVISORY))
    verdict, out = run({"flask": "3.1.3"}, [not_reached("flask", "3.1.3")], fetch, capsys)
    assert verdict == 1
    assert "VULNERABLE: flask 3.1.3: PYSEC-2026-1" in out


def test_a_withdrawn_advisory_does_not_count(capsys):
    withdrawn = ADVISORY | {"withdrawn": "2026-03-01T00:00:00Z"}
    fetch = pages(flask=project("3.1.3", withdrawn))
    verdict, _ = run({"flask": "3.1.3"}, [not_reached("flask", "3.1.3")], fetch, capsys)
    assert verdict == 0


def test_an_older_release_is_named_as_not_audited_with_the_latest(capsys):
    fetch = pages(numpy=project("2.5.5"))
    verdict, out = run({"numpy": "2.4.6"}, [not_reached("numpy", "2.4.6")], fetch, capsys)
    assert verdict == audit_script.NOT_AUDITED
    assert "NOT AUDITED: numpy 2.4.6: not the latest release (2.5.5)" in out
    assert "0 vulnerable, 1 NOT AUDITED" in out


def test_an_advisory_of_a_newer_release_says_nothing_about_the_pinned_one(capsys):
    fetch = pages(numpy=project("2.5.5", ADVISORY))
    verdict, out = run({"numpy": "2.4.6"}, [not_reached("numpy", "2.4.6")], fetch, capsys)
    assert verdict == audit_script.NOT_AUDITED
    assert "VULNERABLE" not in out and "NOT AUDITED: numpy 2.4.6" in out


@pytest.mark.parametrize("fetch", [pages(numpy=project("2.5.5")), pages()])
def test_audit_required_makes_any_package_not_audited_fatal(fetch, capsys):
    report = [not_reached("numpy", "2.4.6")]
    verdict, out = run({"numpy": "2.4.6"}, report, fetch, capsys, required=True)
    assert verdict == 1
    assert "NOT AUDITED: numpy 2.4.6" in out and "SURVEY_AUDIT_REQUIRED=1" in out


def test_a_project_page_out_of_reach_is_said(capsys):
    verdict, out = run({"pypdf": "7.1.0"}, [not_reached("pypdf", "7.1.0")], pages(), capsys)
    assert verdict == audit_script.NOT_AUDITED
    assert "NOT AUDITED: pypdf 7.1.0: neither pip-audit nor PyPI's project page answered" in out


def test_without_any_pip_audit_report_every_pin_goes_to_the_project_pages(capsys):
    pins = {"flask": "3.1.3", "python-dateutil": "2.9.0.post0"}
    fetch = pages(flask=project("3.1.3"), python_dateutil=project("4.0.0"))
    verdict, out = run(pins, None, fetch, capsys)
    assert verdict == audit_script.NOT_AUDITED
    assert "1 packages audited (0 by pip-audit, 1 by PyPI's project page)" in out
    assert "NOT AUDITED: python-dateutil 2.9.0.post0" in out


def test_a_package_skipped_for_another_reason_fails(capsys):
    report = [reached("flask", "3.1.3"), {"name": "mylib", "skip_reason": "mylib is not on PyPI"}]
    verdict, out = run({"flask": "3.1.3"}, report, pages(), capsys)
    assert verdict == 1
    assert "not audited: mylib is not on PyPI" in out


def test_freeze_lines_are_read_by_canonical_name():
    text = "Flask==3.1.3\njsonschema_rs==0.60.3\n# a comment\nmylib @ file:///tmp/mylib\n"
    assert audit_script.parse_freeze(text) == {"flask": "3.1.3", "jsonschema-rs": "0.60.3"}


def test_with_every_service_out_of_reach_it_says_nothing_was_audited_and_does_not_pass(capsys):
    pins = {"flask": "3.1.3", "jinja2": "3.1.6"}
    report = [not_reached("flask", "3.1.3"), not_reached("jinja2", "3.1.6")]
    verdict, out = run(pins, report, pages(), capsys)
    assert verdict == audit_script.NOT_AUDITED != 0
    assert "NOTHING WAS AUDITED" in out and "NOT A PASS" in out
    assert "0 packages audited" in out and "2 NOT AUDITED" in out


def test_ci_treats_an_audit_not_done_as_a_warning_not_a_pass():
    run_script = (SCRIPT.parent / "run").read_text()
    assert "audit_dependencies.py || audit_status=$?" in run_script
    assert 'if [ "$audit_status" -eq 2 ]' in run_script and "NOT done in full" in run_script
