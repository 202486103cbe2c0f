"""All models, importable from one place (and registered on the metadata for migrations)."""

from survey_app.models.calendar_years import CalendarYear
from survey_app.models.documents import ReportNarrative, UnitDocument
from survey_app.models.follow_ups import (
    FINISHED_STATES,
    FOLLOW_UP_DAYS,
    FollowUp,
    FollowUpState,
)
from survey_app.models.instrument import (
    FLAG_AT_OR_BELOW,
    OVERALL_ITEM,
    SATISFIED_FROM,
    SCALE,
    Factor,
    Instrument,
    Item,
)
from survey_app.models.integrity import FILTERED, HoldReason, RatingDecision, RatingRules
from survey_app.models.kiosk import Kiosk
from survey_app.models.org import (
    DEFAULT_INSTRUMENT,
    Counter,
    Officer,
    Procedure,
    SurveyCode,
    Unit,
    officer_counters,
)
from survey_app.models.reports import MonthClosure
from survey_app.models.response import Channel, SurveyResponse, UntalliedResponse
from survey_app.models.staff import ApiKey, AuditEvent, Role, User
from survey_app.models.tallies import GRAINS, ArrivalTally, Grain, TallyState
from survey_app.models.tickets import (
    CONTENT_MAX_LENGTH,
    CalendarOverride,
    Ticket,
    TicketAttachment,
    TicketChannel,
    TicketEvent,
    TicketStatus,
)
from survey_app.models.types import UTCDateTime, max_length, utcnow

__all__ = [
    "max_length",
    "FINISHED_STATES",
    "FOLLOW_UP_DAYS",
    "CalendarYear",
    "FollowUp",
    "FollowUpState",
    "CONTENT_MAX_LENGTH",
    "CalendarOverride",
    "Ticket",
    "TicketAttachment",
    "TicketChannel",
    "TicketEvent",
    "TicketStatus",
    "DEFAULT_INSTRUMENT",
    "FILTERED",
    "HoldReason",
    "RatingDecision",
    "RatingRules",
    "FLAG_AT_OR_BELOW",
    "OVERALL_ITEM",
    "SATISFIED_FROM",
    "SCALE",
    "ApiKey",
    "AuditEvent",
    "Channel",
    "Counter",
    "Factor",
    "Instrument",
    "Item",
    "Kiosk",
    "MonthClosure",
    "Officer",
    "Procedure",
    "ReportNarrative",
    "Role",
    "SurveyCode",
    "SurveyResponse",
    "UntalliedResponse",
    "TallyState",
    "GRAINS",
    "ArrivalTally",
    "Grain",
    "UTCDateTime",
    "Unit",
    "UnitDocument",
    "User",
    "officer_counters",
    "utcnow",
]
