"""The monthly officer evaluation (domain.md §2 and §4 "Officer evaluation CSV"): each officer's
figures from the responses attributed to them, compared with their own unit's (with the units
below it). Two grouped query sets for all officers and all units, whatever their number."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from analytics.breakdowns import OFFICER, MonthCube, figures_by_subtree, month_cube
from analytics.figures import EMPTY_FIGURES, Figures, is_below_average
from analytics.indices import min_sample
from survey_app.core.csv_cells import neutralise_frame
from survey_app.core.extensions import db
from survey_app.display.collation import person_key
from survey_app.display.numbers import rounded_float
from survey_app.models import Factor, Officer, Unit
from survey_app.months import Month
from survey_app.queries.units import list_unit_subtree_ids

if TYPE_CHECKING:  # imported where a frame is made: a web worker serving ratings never needs it
    import pandas as pd

FACTOR_CODES = tuple(factor.value for factor in Factor)
CSV_COLUMNS = (
    "officer_code",
    "officer_name",
    "responses",
    "overall_pct",
    "sipas_index",
    *FACTOR_CODES,
    "mean_overall",
    "flagged",
    "flagged_pct",
    "below_unit_average",
    "sample_sufficient",
)
DECIMALS = 2


@dataclass(frozen=True)
class OfficerEvaluation:
    officer_code: str
    officer_name: str
    responses: int
    overall_pct: float | None
    sipas_index: float | None
    factors: dict[str, float | None]  # keyed by factor code, None where no data
    mean_overall: float | None
    flagged: int
    flagged_pct: float | None
    below_unit_average: bool  # never true without a sufficient sample
    sample_sufficient: bool
    # What the officer was compared with: the officer's own unit with the units below it (a
    # sub-unit's officer is compared with the sub-unit, not the whole report's unit).
    reference_unit: str = ""
    reference_sipas: float | None = None


@dataclass(frozen=True)
class OfficerSheet:
    unit_figures: Figures
    officers: list[OfficerEvaluation]


def evaluate_officers(unit: Unit, month: Month, cube: MonthCube | None = None) -> OfficerSheet:
    """Every officer of the unit and the units below it who is active or was rated in the
    month, by name; each compared with the officer's own unit and the units below it. All
    from one count of the month (analytics.breakdowns.month_cube)."""
    unit_ids = list_unit_subtree_ids(unit.id)
    cube = cube or month_cube(unit, month)
    by_officer = cube.by(OFFICER)
    by_unit = figures_by_subtree(unit, month, cube)
    minimum = min_sample()
    rows = [
        _evaluate(
            officer,
            by_officer.get(officer.id, EMPTY_FIGURES),
            by_unit.get(officer.unit_id, EMPTY_FIGURES),
            minimum,
        )
        for officer in _sheet_officers(unit_ids, [key for key in by_officer if key is not None])
    ]
    return OfficerSheet(unit_figures=by_unit[unit.id], officers=rows)


def officer_frame(sheet: OfficerSheet) -> "pd.DataFrame":
    """The sheet in the columns of the officer evaluation CSV, numbers rounded to 2 decimals."""
    import pandas as pd

    records = [_record(row) for row in sheet.officers]
    frame = pd.DataFrame.from_records(records, columns=list(CSV_COLUMNS))
    return frame.astype(object).where(frame.notna(), None)


def write_officer_csv(frame: "pd.DataFrame", stream: TextIO) -> None:
    """UTF-8 text with CRLF line ends (RFC 4180); empty cells where there is no data; no cell a
    spreadsheet would run as a formula."""
    neutralise_frame(frame).to_csv(stream, index=False, lineterminator="\r\n", na_rep="")


def _sheet_officers(unit_ids: list[int], rated_ids: list[int]) -> list[Officer]:
    query = (
        sa.select(Officer)
        .where(
            sa.or_(
                sa.and_(Officer.unit_id.in_(unit_ids), Officer.active), Officer.id.in_(rated_ids)
            )
        )
        .options(selectinload(Officer.unit))  # the reference's name, in one query
    )
    officers = db.session.scalars(query)
    return sorted(officers, key=lambda officer: (person_key(officer.full_name), officer.code))


def _evaluate(officer: Officer, own: Figures, unit: Figures, minimum: int) -> OfficerEvaluation:
    return OfficerEvaluation(
        officer_code=officer.code,
        officer_name=officer.full_name,
        responses=own.responses,
        overall_pct=own.overall_pct,
        sipas_index=own.sipas_index,
        factors={factor.value: figure.index for factor, figure in own.factors.items()},
        mean_overall=own.mean_overall,
        flagged=own.flagged,
        flagged_pct=own.flagged_pct,
        below_unit_average=is_below_average(own, unit, minimum) is True,
        sample_sufficient=own.has_sample(minimum),
        reference_unit=officer.unit.name,
        reference_sipas=unit.sipas_index,
    )


def reference_record(row: OfficerEvaluation) -> dict:
    """The reference of a row, kept beside its CSV record in a closed month's snapshot."""
    return {"reference_unit": row.reference_unit, "reference_sipas": _rounded(row.reference_sipas)}


def _record(row: OfficerEvaluation) -> dict:
    return {
        "officer_code": row.officer_code,
        "officer_name": row.officer_name,
        "responses": row.responses,
        "overall_pct": _rounded(row.overall_pct),
        "sipas_index": _rounded(row.sipas_index),
        **{code: _rounded(row.factors[code]) for code in FACTOR_CODES},
        "mean_overall": _rounded(row.mean_overall),
        "flagged": row.flagged,
        "flagged_pct": _rounded(row.flagged_pct),
        "below_unit_average": _boolean(row.below_unit_average),
        "sample_sufficient": _boolean(row.sample_sufficient),
    }


def _rounded(value: float | None) -> float | None:
    return rounded_float(value, DECIMALS)


def _boolean(value: bool) -> str:
    return "true" if value else "false"
