"""A closed month as its report shows it: the figures frozen when it was closed (read back from
the closure's snapshot, analytics.closures) and, separately, the amendment that responses
received later would make."""

from dataclasses import dataclass
from datetime import datetime

from analytics.closures import Amendment, amendment, frozen_figures, frozen_standing
from analytics.evaluation import FACTOR_CODES, OfficerEvaluation, OfficerSheet
from analytics.follow_ups import FollowUpCounts
from analytics.integrity import IntegrityCounts
from analytics.tickets import TicketFigures
from survey_app.models import Channel, MonthClosure, Unit
from survey_app.months import Month


@dataclass(frozen=True)
class ClosedMonth:
    closed_at: datetime  # UTC
    closed_by: str | None  # the full name of whoever closed it, None when done from the CLI
    officers: OfficerSheet  # as published; unit_figures are the frozen figures
    channels: dict[Channel, int]
    complaints: TicketFigures
    amendment: Amendment | None
    # As they stood at closing; None when closed before they were frozen (counted as of now).
    follow_ups: FollowUpCounts | None = None
    integrity: IntegrityCounts | None = None


def closed_month(unit: Unit, month: Month, closure: MonthClosure) -> ClosedMonth:
    snapshot = closure.figures
    follow_ups, integrity = frozen_standing(closure)
    return ClosedMonth(
        closed_at=closure.closed_at,
        closed_by=closure.closed_by.full_name if closure.closed_by else None,
        officers=frozen_officer_sheet(closure),
        channels={channel: int(snapshot["channels"].get(channel.value, 0)) for channel in Channel},
        complaints=_complaints(snapshot["complaints"]),
        amendment=amendment(unit, month),
        follow_ups=follow_ups,
        integrity=integrity,
    )


def frozen_officer_sheet(closure: MonthClosure) -> OfficerSheet:
    records = closure.figures["officers"]
    return OfficerSheet(frozen_figures(closure), [_officer(record) for record in records])


def _officer(record: dict) -> OfficerEvaluation:
    """An officer's row as frozen (the officer evaluation CSV's record, rounded to 2 places)."""
    return OfficerEvaluation(
        officer_code=record["officer_code"],
        officer_name=record["officer_name"],
        responses=int(record["responses"]),
        overall_pct=record["overall_pct"],
        sipas_index=record["sipas_index"],
        factors={code: record[code] for code in FACTOR_CODES},
        mean_overall=record["mean_overall"],
        flagged=int(record["flagged"]),
        flagged_pct=record["flagged_pct"],
        below_unit_average=record["below_unit_average"] == "true",
        sample_sufficient=record["sample_sufficient"] == "true",
        reference_unit=record.get("reference_unit", ""),  # closed before it was kept: none
        reference_sipas=record.get("reference_sipas"),
    )


def _complaints(record: dict) -> TicketFigures:
    fields = TicketFigures.__dataclass_fields__
    return TicketFigures(**{name: value for name, value in record.items() if name in fields})
