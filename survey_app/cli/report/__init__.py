"""`survey-app report …`: tallies, closures and report files."""

from survey_app.cli.report import commands, exports
from survey_app.cli.report.group import report_group

__all__ = ["commands", "exports", "report_group"]
