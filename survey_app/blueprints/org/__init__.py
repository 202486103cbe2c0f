"""Staff pages of units, counters and officers."""

from survey_app.blueprints.org import officers, units
from survey_app.blueprints.org.blueprint import bp

__all__ = ["bp", "officers", "units"]
