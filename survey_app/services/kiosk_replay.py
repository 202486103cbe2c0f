"""A rating sent again under an id already stored is a repeat only if it says the same thing.

The tablet resends a rating until it hears back, so the same id with the same content is a
true repeat (200, nothing stored again). The same id with other answers, another time, comment
or officer is not that rating: a bug of the tablet or someone replaying a stolen token. It is
refused (409) with the stored rating's time, and the stored rating stays as it was.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from survey_app.models import SurveyResponse
from survey_app.services.errors import DomainError


class ConflictingRepeat(DomainError):
    def __init__(self, stored: SurveyResponse):
        super().__init__(str(_l("Another rating with this id is stored already.")))
        self.stored_submitted_at: datetime = stored.submitted_at


def check_true_repeat(stored: SurveyResponse, rating) -> None:
    """Raise ConflictingRepeat unless `rating` (a KioskRating) is the one `stored`."""
    sent = {code: value for code, value in rating.answers.items() if value is not None}
    same = (
        stored.submitted_at == rating.submitted_at
        and stored.answer_values() == sent
        and (stored.comment or "") == (rating.comment or "")
        and (rating.officer_code is None or _officer_code(stored) == rating.officer_code)
    )
    if not same:
        raise ConflictingRepeat(stored)


def _officer_code(stored: SurveyResponse) -> str | None:
    return stored.officer.code if stored.officer is not None else None
