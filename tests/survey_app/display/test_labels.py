"""Every audit action the code can write has Vietnamese words, and the audit log and a ticket's
history show words and local times, not codes and UTC."""

import ast
from pathlib import Path

import pytest

from survey_app.display.labels import AUDIT_ACTION_LABELS
from survey_app.services.accounts.links import PURPOSES
from survey_app.services.audit import record_change
from survey_app.services.org import admin as org_admin
from survey_app.services.org import importing as org_import
from survey_app.services.responses.review import DECISION_ACTIONS
from survey_app.services.responses.spam import SPAM_ACTIONS
from tests.helpers.builders import make_unit

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ["survey_app", "kiosk", "analytics", "forms"]
# The functions whose first argument is the action written to the audit log.
WRITERS = {"record_change", "_commit_changes"}
# Where the action is computed, and every value it can take there.
COMPUTED = {
    "survey_app/services/org/admin.py": [
        f"{kind}.{verb}"
        for kind in org_admin.KINDS.values()
        for verb in ("deactivate", "reactivate")
    ],
    "survey_app/services/org/importing.py": [
        f"{kind}.{verb}" for kind in org_import.KINDS for verb in ("create", "update")
    ],
    "survey_app/services/responses/spam.py": list(SPAM_ACTIONS),
    "survey_app/services/responses/review.py": list(DECISION_ACTIONS.values()),
    "survey_app/services/accounts/links.py": [f"user.{purpose}" for purpose in PURPOSES],
}


def audit_calls():
    """(file, first argument) of every call that writes an audit action."""
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and _name(node.func) in WRITERS and node.args:
                    yield str(path.relative_to(ROOT)), node.args[0]


def _name(func) -> str | None:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def written_actions() -> set[str]:
    literal = {
        argument.value
        for _, argument in audit_calls()
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str)
    }
    return literal | {action for actions in COMPUTED.values() for action in actions}


def test_every_action_the_code_writes_has_a_label():
    actions = written_actions()
    assert len(actions) > 30  # the scan found the calls
    assert sorted(actions - set(AUDIT_ACTION_LABELS)) == []


def test_every_label_is_of_an_action_the_code_writes():
    assert sorted(set(AUDIT_ACTION_LABELS) - written_actions()) == []


def test_a_computed_action_is_only_written_where_its_values_are_listed():
    """A new call that builds its action at run time must add its values to COMPUTED."""
    computed_in = {
        path for path, argument in audit_calls() if not isinstance(argument, ast.Constant)
    }
    # (org_admin's _commit_changes passes on the literal its callers give it, scanned above.)
    assert computed_in == set(COMPUTED)


def test_recording_an_action_without_a_label_is_refused(app):
    unit = make_unit()
    with pytest.raises(ValueError, match="unit.rename"):
        record_change("unit.rename", unit)
