"""Staff pages of monthly figures, and the report files they offer."""

from survey_app.blueprints.reports import downloads, pages, periods, rating_review
from survey_app.blueprints.reports.blueprint import bp

__all__ = ["bp", "downloads", "pages", "periods", "rating_review"]
