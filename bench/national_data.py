"""The data of bench/national.py: the country's one-stop counters and a quarter of their ratings.

34 provinces, each with its public administration centre (Trung tâm Phục vụ hành chính công)
and its share of the 3,321 communes below it; 8 officers and 2 counters in a commune, 20 and 8
in a province centre. Units keep the questionnaire they chose: most communes sipas-2023 (a
quarter of them already on its second wording), some still sipas-2017; tablet ratings use the
kiosk's short form. Responses are drawn as in bench/analytics_data.py (about 12 % unhappy, 6 %
of the items unanswered, 30 % of the feedback items) and written by COPY in chunks.
"""

import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import numpy as np
import sqlalchemy as sa

from bench.analytics_data import CHUNK, COMMENTS, BulkWriter, _values, as_levels, vacuum_analyze
from survey_app.core.extensions import db
from survey_app.months import Month
from survey_app.services.org.members import add_counter, add_officer, add_unit

PROVINCES, COMMUNES = 34, 3_321
QUARTER = ("2026-01", "2026-03")
ZONE = "Asia/Ho_Chi_Minh"
STAFF = {"province": (20, 8), "commune": (8, 2)}  # officers, counters
# The questionnaire (code, version) a commune uses, with the communes' shares.
QUESTIONNAIRES = [(("sipas-2023", 1), 0.6), (("sipas-2023", 2), 0.25), (("sipas-2017", 1), 0.15)]
KIOSK_FORM = ("kiosk-5", 1)
# Of the ratings: QR, tablet, web, paper.
CHANNELS = ["qr", "kiosk", "web", "paper"]
CHANNEL_WEIGHTS = [0.6, 0.1, 0.1, 0.2]
# A province centre takes more dossiers than a commune.
PROVINCE_WEIGHT = 8.0


def load(n: int) -> dict:
    """The organisation, then N responses over the quarter; returns its shape and the time the
    organisation took (through the services, one unit at a time, as an import would)."""
    from flask_migrate import upgrade

    upgrade()
    rng = np.random.default_rng(2026)
    began = time.perf_counter()
    units = _country(rng)
    organisation = time.perf_counter() - began
    instruments = _instruments()
    zone = ZoneInfo(ZONE)
    start = Month.parse(QUARTER[0]).bounds(zone)[0]
    end = Month.parse(QUARTER[1]).bounds(zone)[1]
    weights = np.array([PROVINCE_WEIGHT if unit["province"] else 1.0 for unit in units])
    with BulkWriter() as write:
        for first in range(1, n + 1, CHUNK):
            size = min(CHUNK, n + 1 - first)
            for instrument_id, rows in _chunk(rng, first, size, units, weights, instruments,
                                              (start, end)):  # fmt: skip
                write(rows, instrument_id)
    vacuum_analyze()
    officers = sum(len(unit["officers"]) for unit in units)
    return {"units": len(units), "officers": officers, "organisation_seconds": organisation}


def _country(rng) -> list[dict]:
    """The units with their staff ids and questionnaire; province centres first."""
    shares = [share for _, share in QUESTIONNAIRES]
    per_province = np.array_split(np.arange(COMMUNES), PROVINCES)
    units = []
    for number, communes in enumerate(per_province, start=1):
        province = add_unit(code=f"T{number:02d}", name=f"Trung tâm PVHCC tỉnh Số {number}")
        made = [(province, True, ("sipas-2023", 1))]
        for commune in communes:
            questionnaire = QUESTIONNAIRES[rng.choice(len(QUESTIONNAIRES), p=shares)][0]
            unit = add_unit(
                code=f"T{number:02d}X{commune + 1:04d}",
                name=f"UBND xã Số {commune + 1}",
                parent=province,
                instrument_code=questionnaire[0],
            )
            unit.instrument_version = questionnaire[1]
            made.append((unit, False, questionnaire))
        staffed = [_staffed(unit, is_province, questionnaire)
                   for unit, is_province, questionnaire in made]  # fmt: skip
        db.session.flush()
        units.extend(_ids(unit) for unit in staffed)
        db.session.commit()
    return units


def _staffed(unit, is_province: bool, questionnaire) -> dict:
    officers, counters = STAFF["province" if is_province else "commune"]
    return {
        "unit": unit,
        "province": is_province,
        "questionnaire": questionnaire,
        "officers": [
            add_officer(unit=unit, code=f"{unit.code}-CB{o}", full_name=f"Cán bộ {unit.code} {o}")
            for o in range(1, officers + 1)
        ],
        "counters": [
            add_counter(unit=unit, code=f"{unit.code}-Q{q}", name=f"Quầy {q}")
            for q in range(1, counters + 1)
        ],
    }


def _ids(unit: dict) -> dict:
    """The unit as ids only, once flushed (the ORM objects are let go at the commit)."""
    return unit | {
        "unit": unit["unit"].id,
        "officers": [officer.id for officer in unit["officers"]],
        "counters": [counter.id for counter in unit["counters"]],
    }


def _instruments() -> dict[tuple[str, int], tuple[int, list]]:
    """(code, version) → (instrument id, its items in position order)."""
    from survey_app.models import Instrument

    found = {}
    for instrument in db.session.scalars(sa.select(Instrument)):
        found[(instrument.code, instrument.version)] = (instrument.id, list(instrument.items))
    return found


def _chunk(rng, first_id: int, size: int, units, weights, instruments, span):
    """The chunk's rows, grouped by the instrument they answered."""
    start, end = span
    unit_index = rng.choice(len(units), size, p=weights / weights.sum())
    channel = rng.choice(len(CHANNELS), size, p=CHANNEL_WEIGHTS)
    low = rng.random(size) < 0.12
    seconds = rng.random(size) * (end - start).total_seconds()
    picks, pick = rng.random(size), rng.random(size)
    naive_start = start.replace(tzinfo=None)
    keys = [
        KIOSK_FORM if CHANNELS[channel[row]] == "kiosk" else units[unit_index[row]]["questionnaire"]
        for row in range(size)
    ]
    grouped = {}
    for key in set(keys):
        rows = np.array([row for row in range(size) if keys[row] == key])
        instrument_id, items = instruments[key]
        values = _values(rng, low[rows], items)
        flagged = ((values > 0) & (values <= 3)).any(axis=1)
        levels = as_levels(values)
        grouped[instrument_id] = [
            _row(
                first_id + row,
                units[unit_index[row]],
                CHANNELS[channel[row]],
                picks[row],
                pick[row],
                naive_start + timedelta(seconds=int(seconds[row])),
                bool(flagged[at]),
                levels[at],
                low[row],
            )  # fmt: skip
            for at, row in enumerate(rows)
        ]
    return grouped.items()


def _row(response_id, unit, channel, pick, other, moment, flagged, levels, low):
    """As bench/analytics_data.BulkWriter writes it."""
    officers, counters = unit["officers"], unit["counters"]
    officer = officers[int(pick * len(officers))] if other < 0.8 else None
    counter = counters[int(other * len(counters)) % len(counters)] if pick < 0.7 else None
    comment = COMMENTS[int(other * 3) + 1] if pick < (0.4 if low else 0.1) else ""
    return (response_id, f"n{response_id}", unit["unit"], counter, officer, channel, moment,
            moment, comment, flagged, levels)  # fmt: skip
