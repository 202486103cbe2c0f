"""The `survey-app report` command group, which the command modules add to."""

from flask.cli import AppGroup

report_group = AppGroup("report", help="Monthly reports: close a month, export reports.")
