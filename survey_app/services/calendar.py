"""Changes to the working-day calendar: overrides of the holidays package (administrators).

An override records a Government decision the package lacks (a swapped day off, a make-up
Saturday, 24/11 once decided); it wins over the package. Each change is audited with the day
as its key, in the same commit.
"""

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from survey_app.core.extensions import db
from survey_app.models import CalendarOverride, CalendarYear, max_length, utcnow
from survey_app.services.audit import acting_user, record_change
from survey_app.services.org.admin import InvalidChange

NAME_MAX_LENGTH = max_length(CalendarOverride.name)
SOURCE_MAX_LENGTH = max_length(CalendarOverride.source)


def get_override(day: date) -> CalendarOverride | None:
    return db.session.scalar(sa.select(CalendarOverride).where(CalendarOverride.day == day))


def add_override(*, day: date, is_working_day: bool, name: str, source: str) -> CalendarOverride:
    """Mark `day` as a working day or a day off, naming the document that decided it."""
    _check_text("name", name, NAME_MAX_LENGTH)
    _check_text("source", source, SOURCE_MAX_LENGTH)
    if get_override(day) is not None:
        raise InvalidChange("day", _("This day already has an override; remove it first."))
    override = CalendarOverride(day=day, is_working_day=is_working_day, name=name, source=source)
    db.session.add(override)
    record_change("calendar_override.create", override, _details(override))
    db.session.commit()
    return override


def remove_override(override: CalendarOverride) -> None:
    """The day goes back to what the holidays package says."""
    record_change("calendar_override.delete", override, _details(override))
    db.session.delete(override)
    db.session.commit()


def _check_text(field: str, value: str, max_length: int) -> None:
    if not value or not value.strip():
        raise InvalidChange(field, _("This field is required."))
    if len(value) > max_length:
        raise InvalidChange(field, _("Use at most %(max)d characters.", max=max_length))


def _details(override: CalendarOverride) -> dict:
    return {
        "is_working_day": override.is_working_day,
        "name": override.name,
        "source": override.source,
    }


def confirm_year(year: int, document: str) -> CalendarYear:
    """The year's days off, swaps and make-up days now follow the Government's published
    schedule, decided by `document` (its overrides entered first): the year is no longer
    provisional. Confirming again replaces the document; audited either way."""
    _check_text("document", document, SOURCE_MAX_LENGTH)
    confirmed = db.session.get(CalendarYear, year)
    previous = confirmed.document if confirmed is not None else None
    if confirmed is None:
        confirmed = CalendarYear(year=year, document=document.strip())
        db.session.add(confirmed)
    confirmed.document, confirmed.confirmed_at = document.strip(), utcnow()
    confirmed.confirmed_by = acting_user()
    record_change(
        "calendar_year.confirm", confirmed, {"document": document.strip(), "previous": previous}
    )
    db.session.commit()
    return confirmed
