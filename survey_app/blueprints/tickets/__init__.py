"""The office"s ticket pages: the queue, a ticket"s handling, its attachments."""

from survey_app.blueprints.tickets import downloads, handling, queue
from survey_app.blueprints.tickets.blueprint import bp

__all__ = ["bp", "downloads", "handling", "queue"]
