"""The words of the monthly report, shared by the XLSX and the PDF, and how numbers are written.

Texts are lazy: they take the language in force when a writer turns them into strings (the
reader's in a download, Vietnamese by default from the command line).
"""

from datetime import date

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from analytics.evaluation import OfficerEvaluation
from analytics.report.closure import ClosedMonth
from analytics.report.document import DocumentSettings, administrative_date
from survey_app.display.labels import CHANNEL_LABELS, FACTOR_LABELS, SCALE_LABELS
from survey_app.display.numbers import figure
from survey_app.months import Month, survey_zone

__all__ = ["CHANNEL_LABELS", "FACTOR_LABELS", "SCALE_LABELS"]

COUNTRY = _l("SOCIALIST REPUBLIC OF VIET NAM")
MOTTO = _l("Independence - Freedom - Happiness")
REPORT = _l("REPORT")
SUBJECT = _l(
    "Results of the survey of satisfaction with the service of the administration, month %(month)s"
)
SUBJECT_PERIOD = _l(
    "Results of the survey of satisfaction with the service of the administration, %(period)s"
)
PLACE_AND_DATE = _l("%(place)s, %(day)s/%(month)s/%(year)s")
RECIPIENTS = _l("Recipients:")
APPENDIX = _l("APPENDIX")
APPENDIX_SUBJECT = _l("Figures of the survey of satisfaction, %(period)s")
ATTACHED_TO = _l("(Attached to report No. …/%(symbol)s of %(date)s of %(body)s)")
BODY_PARTS = {
    "assessment": _l("I. GENERAL ASSESSMENT"),
    "shortcomings": _l("II. SHORTCOMINGS AND THEIR CAUSES"),
    "proposals": _l("III. PROPOSALS AND RECOMMENDATIONS"),
}

SHEETS = {
    "summary": _l("Summary"),
    "text": _l("Text of the report"),
    "items": _l("Questions"),
    "factors": _l("By factor"),
    "officers": _l("By officer"),
    "flagged": _l("Flagged responses"),
    "complaints": _l("Complaint handling"),
    "trend": _l("12-month trend"),
}

PART_RESPONSES = _l("I. Responses received")
PART_SATISFACTION = _l("II. Satisfaction")
PART_ITEMS = _l("III. Index of each question")
PART_FACTORS = _l("IV. Index of each factor")
PART_OFFICERS = _l("V. Officers")
PART_FLAGGED = _l("VI. Responses rated average or below")
PART_COMPLAINTS = _l("VII. Complaints and feedback")
PART_TREND = _l("VIII. Trend over 12 months")
PART_UNITS = _l("X. Units below, ranked")
PART_UNITS_BELOW = _l("Officers below their unit's average, by unit")
ON_TIME_PCT = _l("Complaints answered on time (%)")
NO_OFFICER_BELOW = _l("No officer of the units below is below their unit's average.")
PART_THEMES = _l("IX. Citizens' comments by theme")
THEME = _l("Theme")
COMMENTS = _l("Comments")
EXAMPLES = _l("Examples (personal data hidden)")
NO_THEMES = _l("No comment named one of the themes.")
PART_AMENDMENT = _l("Amendment after the closure")

RESPONSES = _l("Responses")
CHANNEL = _l("Channel")
DOSSIER_LINKS = _l("Dossiers given a survey link")
RESPONSE_RATE = _l("Response rate (%)")
HELD = _l("Ratings held for review (not counted)")
REJECTED = _l("Ratings rejected as stuffing (kept as spam)")
FILTERED = _l("Kiosk repeats filtered (not counted)")
THROUGH_LINKS = _l("Counted ratings through one-time dossier links (%)")
RATE_NOT_KNOWN = _l("not known: no dossier was given a survey link this month")
OVERALL_PCT = _l("Overall satisfaction (%)")
MEAN_OVERALL = _l("Mean overall rating (1–5)")
SIPAS_INDEX = _l("SIPAS index")
SIPAS_MEAN = _l("Mean rating of the factors (1–5)")
FLAGGED = _l("Responses rated average or below")
FLAGGED_PCT = _l("Rated average or below (%)")
LEVELS_TOTAL = _l("Answers at each level, all questions")
TOTAL = _l("Total")

FORM = _l("Form")
CODE = _l("Code")
FACTOR = _l("Factor")
QUESTION = _l("Question")
ANSWERS = _l("Answers")
INDEX = _l("Index (0–100)")
INDEX_SHORT = _l("Index")
MEAN = _l("Mean (1–5)")
COMPLAINT_RATING = _l("Citizens' rating of how their complaint was handled")
COMPLAINT_RATINGS = _l("Ratings of complaint handling")

OFFICER_CODE = _l("Officer code")
OFFICER = _l("Officer")
FLAGGED_SHORT = _l("Average or below")
FLAGGED_SHORT_PCT = _l("Average or below (%)")
BELOW_AVERAGE = _l("Below the unit average")
YES = _l("Yes")
NO = _l("No")
NOT_ENOUGH = _l("not enough responses")
WHOLE_UNIT = _l("Whole unit")
# The SIPAS index each officer was compared with: the officer's own unit and the units below.
REFERENCE_SIPAS = _l("Reference SIPAS")
REFERENCE_UNIT = _l("Compared with")
# A questionnaire named with the versions the month's responses answered.
VERSIONED_NAME = _l("%(name)s, version %(versions)s")
FOLLOW_UP_LINE = _l(
    "Follow-up of the %(flagged)d responses rated average or below: %(on_time)d followed up on "
    "time, %(late)d late, %(open)d still open (%(overdue)d overdue)."
)

SUBMITTED = _l("Submitted")
UNIT = _l("Unit")
COUNTER = _l("Counter")
LOW_ITEMS = _l("Questions rated 3 or below")
COMMENT = _l("Comment")
AFTER_CLOSURE = _l("Received after the closure")
FLAGGED_CAPPED = _l(
    "The %(shown)d most recent of %(count)d such responses are listed; "
    "the XLSX report lists all of them."
)
# A period's workbook lists the newest of its flagged responses; the months' list them all.
FLAGGED_CAPPED_PERIOD = _l(
    "The %(shown)d most recent of %(count)d such responses are listed; each month's XLSX "
    "report lists all of that month's."
)
NO_FLAGGED = _l("No response was rated average or below.")

COMPLAINTS = _l("Complaints")
COMPLAINTS_RECEIVED = _l("Received in the month")
COMPLAINTS_ANSWERED = _l("Answered in the month")
COMPLAINTS_ON_TIME = _l("Answered on time")
COMPLAINTS_EXTENDED = _l("Answered on time after an extension")
COMPLAINTS_LATE = _l("Late (answered late or overdue)")
COMPLAINTS_OPEN = _l("Still open at the end of the month")
COMPLAINTS_DAYS = _l("Average working days to answer")

MONTH = _l("Month")
FACTOR_CHART = _l("Index of each factor, from 0 to 100")
TREND_CHART = _l("SIPAS index over the last 12 months")

CLOSED_NOTE = _l("Figures as published when the month was closed on %(date)s.")
CLOSED_BY_NOTE = _l("Figures as published when the month was closed on %(date)s by %(name)s.")
AMENDMENT_NOTE = _l(
    "%(count)d responses for this month arrived after the closure. They are not in the "
    "published figures; with them the figures would be:"
)
NO_AMENDMENT = _l("No response for this month arrived after the closure.")
PUBLISHED = _l("Published")
WITH_AMENDMENT = _l("With the late responses")

PAGE = _l("Page %(page)s/%(pages)s")
NO_DATA = "–"


def place_and_date(place: str, day: date) -> str:
    """ "An Bình, ngày 05 tháng 3 năm 2026": zeros as NĐ 30/2020 writes them."""
    day_text, month_text, year_text = administrative_date(day)
    return str(PLACE_AND_DATE) % {
        "place": place,
        "day": day_text,
        "month": month_text,
        "year": year_text,
    }


def month_text(month: Month) -> str:
    """ "3/2026", "02/2026": a month of a document's text, zero-padded as NĐ 30 pads dates."""
    return f"{administrative_date(month.first_day)[1]}/{month.year}"


def subject(month: Month) -> str:
    return str(SUBJECT) % {"month": month_text(month)}


def attached_to(document: DocumentSettings, day: date) -> str:
    """The appendix's line naming its report; the number is the clerk's, like the report's."""
    day_text, month_name, year_text = administrative_date(day)
    return str(ATTACHED_TO) % {
        "symbol": document.symbol,
        "date": f"{day_text}/{month_name}/{year_text}",
        "body": document.issuing_body,
    }


def closed_note(closed: ClosedMonth) -> str:
    """When (and by whom) the month was closed: the figures shown are those published."""
    day = closed.closed_at.astimezone(survey_zone()).strftime("%d/%m/%Y")
    if closed.closed_by is None:
        return str(CLOSED_NOTE) % {"date": day}
    return str(CLOSED_BY_NOTE) % {"date": day, "name": closed.closed_by}


def number(value: float | None, pattern: str = "0.00") -> str:
    """A figure as the reader writes it ("87,50" in Vietnamese); a dash where there is none."""
    return NO_DATA if value is None else figure(value, pattern)


def count(value: int) -> str:
    return format_decimal(value, "#,##0")


def follow_up_line(counts) -> str:
    """The follow-up of the flagged responses in one sentence (PDF and workbook)."""
    return str(FOLLOW_UP_LINE) % {
        "flagged": counts.flagged,
        "on_time": counts.on_time,
        "late": counts.late,
        "open": counts.open,
        "overdue": counts.overdue,
    }


def flagged_capped(shown: int, count: int, *, period: bool) -> str:
    """Under a capped list of flagged responses (PDF and DOCX): how many of how many, and
    which workbook lists them all."""
    capped = FLAGGED_CAPPED_PERIOD if period else FLAGGED_CAPPED
    return str(capped) % {"shown": shown, "count": count}


def below_average(row: OfficerEvaluation) -> str:
    """Yes / No, or "not enough responses" ("chưa đủ mẫu") which flags nothing."""
    if not row.sample_sufficient:
        return str(NOT_ENOUGH)
    return str(YES if row.below_unit_average else NO)


def integrity_lines(counts) -> list[tuple[str, str]]:
    """The report's lines on ratings left out of the figures (analytics.integrity), formatted;
    none when the counts are not known."""
    if counts is None:
        return []
    share = number(counts.links_pct) if counts.links_pct is not None else "–"
    return [
        (str(HELD), count(counts.held)),
        (str(REJECTED), count(counts.rejected)),
        (str(FILTERED), count(counts.filtered)),
        (str(THROUGH_LINKS), share),
    ]


def headline_rows(figures) -> list[list[str]]:
    """The satisfaction table's rows, the same in the PDF and the DOCX."""
    return [
        [str(OVERALL_PCT), number(figures.overall_pct)],
        [str(MEAN_OVERALL), number(figures.mean_overall)],
        [str(SIPAS_INDEX), number(figures.sipas_index)],
        [str(SIPAS_MEAN), number(figures.sipas_mean)],
        [str(FLAGGED), count(figures.flagged)],
        [str(FLAGGED_PCT), number(figures.flagged_pct)],
    ]


def complaint_rows(figures) -> list[list[str]]:
    """The complaints table's rows (a TicketFigures), the same in the PDF and the DOCX."""
    return [
        [str(COMPLAINTS_RECEIVED), count(figures.received)],
        [str(COMPLAINTS_ANSWERED), count(figures.answered)],
        [str(COMPLAINTS_ON_TIME), count(figures.on_time)],
        [str(COMPLAINTS_EXTENDED), count(figures.on_time_after_extension)],
        [str(COMPLAINTS_LATE), count(figures.late)],
        [str(COMPLAINTS_OPEN), count(figures.still_open)],
        [str(COMPLAINTS_DAYS), number(figures.average_working_days, "0.0")],
    ]
