"""Storing what a client sent exactly once, even when two copies race (a double tap)."""

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from survey_app.core.extensions import db

Stored = TypeVar("Stored")


def commit_once(
    new: Stored,
    find_existing: Callable[[], Stored | None],
    write: Callable[[Stored], object] | None = None,
) -> tuple[Stored, bool]:
    """Commit `new`; if its client id's unique key shows another copy won the race, return that
    copy instead (created False). Any other integrity error is raised. `write` puts `new` in the
    transaction (by default the session's unit of work takes it)."""
    try:
        (write or db.session.add)(new)  # a write by statements meets the unique key here
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = find_existing()
        if existing is None:
            raise
        return existing, False
    return new, True
