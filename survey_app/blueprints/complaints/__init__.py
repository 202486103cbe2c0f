"""A citizen"s pages of a ticket: filing it, looking it up by code, following it."""

from survey_app.blueprints.complaints import filing, lookup
from survey_app.blueprints.complaints.blueprint import bp

__all__ = ["bp", "filing", "lookup"]
