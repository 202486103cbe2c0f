"""Building the organisation. The add_* helpers stage rows; the caller's action commits once."""

import secrets

from survey_app.core.extensions import db
from survey_app.models import DEFAULT_INSTRUMENT, Counter, Officer, SurveyCode, Unit

# No 0/O, 1/I/L: codes get typed from paper posters too.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


CODE_LENGTH = 8


def new_public_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.get(SurveyCode, code) is None:
            return code


def add_unit(
    *, code: str, name: str, parent: Unit | None = None, instrument_code: str = DEFAULT_INSTRUMENT
) -> Unit:
    unit = Unit(code=code, name=name, parent=parent, instrument_code=instrument_code)
    db.session.add(unit)
    return unit


def add_counter(*, unit: Unit, code: str, name: str, field: str = "") -> Counter:
    public_code = new_public_code()
    counter = Counter(unit=unit, code=code, name=name, field=field)
    db.session.add_all([counter, SurveyCode(code=public_code, unit=unit, counter=counter)])
    return counter


def add_officer(*, unit: Unit, code: str, full_name: str, counters: list[Counter] = ()) -> Officer:
    public_code = new_public_code()
    officer = Officer(unit=unit, code=code, full_name=full_name, counters=list(counters))
    db.session.add_all([officer, SurveyCode(code=public_code, unit=unit, officer=officer)])
    return officer
