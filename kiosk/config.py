"""What a paired tablet needs to work a whole day offline: its instrument in both languages, the
officers to choose from with their photos, its settings, the days off ahead and the consent
wording of a call back. Answered to GET /api/v1/kiosk/config and with a new pairing.
"""

import base64
import io
from datetime import date, timedelta
from functools import lru_cache

from flask_babel import force_locale

from kiosk.ratings import KIOSK_INSTRUMENT
from survey_app.display.collation import person_key
from survey_app.display.labels import FACTOR_LABELS
from survey_app.models import Factor, Instrument, Kiosk, Officer, utcnow
from survey_app.months import survey_zone
from survey_app.queries.instruments import get_current_instrument
from survey_app.services.kiosk_pin import pin_for_tablet
from survey_app.services.org.photos import photo_file
from survey_app.services.responses.holding_rules import rules_of
from survey_app.services.tickets.consent import callback_consent
from survey_app.workdays import WorkCalendar

LOCALES = ("vi", "en")
CLOSED_DAYS_AHEAD = 45
PHOTO_SIDE = 256  # pixels: sharp at 150 px on a screen of twice the density


def kiosk_config(kiosk: Kiosk) -> dict:
    counter, fixed = kiosk.counter, kiosk.serving_officer
    return {
        "kiosk": {
            "name": kiosk.name,
            "counter_code": counter.code,
            "counter_name": counter.name,
            "unit_code": counter.unit.code,
            "unit_name": counter.unit.name,
        },
        "instrument": instrument_body(get_current_instrument(KIOSK_INSTRUMENT)),
        "officers": [officer_body(officer) for officer in offered_officers(kiosk)],
        "fixed_officer_code": fixed.code if fixed is not None else None,
        "idle_seconds": kiosk.idle_seconds,
        "thanks_seconds": kiosk.thanks_seconds,
        "repeat_seconds": rules_of(counter.unit_id).kiosk_repeat_seconds,
        "opens_at": kiosk.opens_at.strftime("%H:%M"),
        "closes_at": kiosk.closes_at.strftime("%H:%M"),
        "always_open": kiosk.always_open,
        "closed_days": _closed_days(kiosk),
        "time_zone": survey_zone().key,
        "default_locale": kiosk.default_locale,
        "staff_pin": pin_for_tablet(kiosk.staff_pin_hash),
        "callback": {"consent_text": _in_each_locale(lambda: callback_consent(counter.unit))},
    }


def instrument_body(instrument: Instrument) -> dict:
    factors = [item.factor for item in instrument.items if item.factor is not None]
    return {
        "code": instrument.code,
        "version": instrument.version,
        "factors": [
            {"code": factor.value, "name": _in_each_locale(lambda f=factor: FACTOR_LABELS[f])}
            for factor in Factor
            if factor in factors
        ],
        "items": [
            {
                "code": item.code,
                "factor": item.factor.value if item.factor is not None else None,
                "text": {locale: item.text(locale) for locale in LOCALES},
            }
            for item in instrument.items
        ],
    }


def offered_officers(kiosk: Kiosk) -> list[Officer]:
    """The fixed officer alone while active, or the counter's active officers by name."""
    if kiosk.serving_officer is not None:
        return [kiosk.serving_officer]
    active = [officer for officer in kiosk.counter.officers if officer.active]
    return sorted(active, key=lambda officer: (person_key(officer.full_name), officer.code))


def officer_body(officer: Officer) -> dict:
    return {"code": officer.code, "name": officer.full_name, "photo": photo_data_uri(officer)}


def photo_data_uri(officer: Officer) -> str | None:
    """The photo inside the config, so the tablet shows it offline."""
    path = photo_file(officer)
    return _thumbnail_uri(str(path)) if path is not None else None


@lru_cache(maxsize=256)
def _thumbnail_uri(path: str) -> str | None:
    """A smaller copy than the stored 512 px: the config is read often and the tablet shows a
    face at about 150 px. Cached by file name; a new photo gets a new name."""
    from PIL import Image  # when a photo is first shown: not by every web worker at start

    try:
        with Image.open(path) as image:
            image.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, "JPEG", quality=80, optimize=True)
    except FileNotFoundError:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def closed_days(ahead: int) -> list[date]:
    """Days off from today on, by the working-day calendar (weekends and public holidays)."""
    calendar = WorkCalendar()
    today = utcnow().astimezone(survey_zone()).date()
    days = (today + timedelta(days=offset) for offset in range(ahead))
    return [day for day in days if not calendar.is_working_day(day)]


def _closed_days(kiosk: Kiosk) -> list[str]:
    if kiosk.always_open:
        return []
    return [day.isoformat() for day in closed_days(CLOSED_DAYS_AHEAD)]


def _in_each_locale(text) -> dict[str, str]:
    result = {}
    for locale in LOCALES:
        with force_locale(locale):
            result[locale] = str(text())
    return result
