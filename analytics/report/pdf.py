"""The monthly report as a printable A4 PDF that the head of the unit signs, laid out as
Nghị định 30/2020/NĐ-CP sets: header, the report's text (drafted from the figures, edited by the
manager), signature and recipients; then the appendix (phụ lục) with the parts of domain.md §4
in order, charts drawn as vector shapes, and page numbers. The flagged responses are capped;
the XLSX carries all of them."""

from pathlib import Path

from analytics.evaluation import OfficerEvaluation
from analytics.figures import Figures
from analytics.report import text as t
from analytics.report.contents import ItemRow, MonthlyReport
from analytics.report.pdf_draw import (
    SMALL_SIZE,
    Bar,
    ReportPDF,
    appendix_title,
    bar_chart,
    body_heading,
    body_paragraph,
    column_chart,
    heading,
    paragraph,
    signatures,
    table,
    title_block,
)
from analytics.report.pdf_rollup import units_part
from survey_app.models import SCALE, Factor

FLAGGED_LISTED = 30
ITEM_SIZE = 7.5


def write_report_pdf(report: MonthlyReport, path: Path) -> None:
    subject = report.subject
    pdf = ReportPDF(title=f"{t.REPORT}: {subject}")
    pdf.add_page()
    title_block(pdf, report.title, subject)
    _narrative(pdf, report)
    signatures(pdf, report.title.document)
    appendix_title(pdf, report.title, subject)
    if report.closed is not None:
        paragraph(pdf, t.closed_note(report.closed), color=(90, 90, 90))
    _responses(pdf, report)
    _satisfaction(pdf, report)
    _items(pdf, report)
    _factors(pdf, report.figures)
    _officers(pdf, report)
    _flagged(pdf, report)
    _complaints(pdf, report)
    _trend(pdf, report)
    _themes(pdf, report)
    units_part(pdf, report)
    if report.closed is not None:
        _amendment(pdf, report)
    pdf.output(str(path))


def _themes(pdf: ReportPDF, report: MonthlyReport) -> None:
    heading(pdf, str(t.PART_THEMES), room=40)
    if not report.themes:
        paragraph(pdf, str(t.NO_THEMES))
        return
    headers = [str(t.THEME), str(t.COMMENTS), str(t.EXAMPLES)]
    rows = [
        [found.label, t.count(found.count), " · ".join(found.examples)] for found in report.themes
    ]
    table(pdf, headers, rows, [40, 20, 105], size=ITEM_SIZE, align=["L", "R", "L"])


def _narrative(pdf: ReportPDF, report: MonthlyReport) -> None:
    """The report's text in its three numbered parts, a paragraph a line."""
    for part, title in t.BODY_PARTS.items():
        body_heading(pdf, str(title))
        for line in getattr(report.narrative, part).splitlines():
            body_paragraph(pdf, line)


def _responses(pdf: ReportPDF, report: MonthlyReport) -> None:
    known = report.participation
    heading(pdf, str(t.PART_RESPONSES))
    rows = [[str(t.RESPONSES), t.count(report.figures.responses)]]
    rows += [
        [f"   {t.CHANNEL_LABELS[channel]}", t.count(responses)]
        for channel, responses in known.by_channel.items()
    ]
    rows.append([str(t.DOSSIER_LINKS), t.count(known.dossier_links)])
    rate = t.number(known.rate) if known.rate is not None else str(t.RATE_NOT_KNOWN)
    rows.append([str(t.RESPONSE_RATE), rate])
    rows += [[label, value] for label, value in t.integrity_lines(known.integrity)]
    table(pdf, ["", str(t.RESPONSES)], rows, [120, 50])


def _satisfaction(pdf: ReportPDF, report: MonthlyReport) -> None:
    heading(pdf, str(t.PART_SATISFACTION))
    table(pdf, ["", report.column_label], t.headline_rows(report.figures), [120, 50])
    counts = report.levels_total
    total = sum(counts)
    paragraph(pdf, str(t.LEVELS_TOTAL), size=SMALL_SIZE)
    headers = [f"{level} – {t.SCALE_LABELS[level]}" for level in SCALE]
    shares = [t.number(100 * count / total if total else None) for count in counts]
    rows = [[t.count(count) for count in counts], [f"{share} %" for share in shares]]
    table(pdf, headers, rows, [34] * 5, align=["R"] * 5)


def _items(pdf: ReportPDF, report: MonthlyReport) -> None:
    heading(pdf, str(t.PART_ITEMS), room=50)
    headers = [t.CODE, t.QUESTION, t.ANSWERS, *SCALE, t.INDEX_SHORT, t.MEAN]
    rows: list[list[str] | str] = []
    instrument = None
    for row in report.items:
        if row.figure.instrument != instrument:
            instrument = row.figure.instrument
            rows.append(report.instruments.get(instrument, instrument))
        rows.append(_item_row(row))
    widths = [13, 60, 15, 9, 9, 9, 9, 11, 18, 17]
    aligns = ["L", "L", *["R"] * 8]
    table(pdf, [str(header) for header in headers], rows, widths, size=ITEM_SIZE, align=aligns)
    legend = " · ".join(f"{level} {t.SCALE_LABELS[level]}" for level in SCALE)
    paragraph(pdf, legend, size=7, color=(90, 90, 90))


def _item_row(row: ItemRow) -> list[str]:
    levels = row.levels or [None] * len(SCALE)
    return [
        row.figure.code,
        row.text,
        t.count(row.figure.answers),
        *("" if level is None else t.count(level) for level in levels),
        t.number(row.figure.index),
        t.number(row.figure.mean),
    ]


def _factors(pdf: ReportPDF, figures: Figures) -> None:
    heading(pdf, str(t.PART_FACTORS), room=80)
    rows = [
        [
            factor.value,
            str(t.FACTOR_LABELS[factor]),
            t.count(figure.answers),
            t.number(figure.index),
            t.number(figure.mean),
        ]
        for factor, figure in figures.factors.items()
    ]
    rows.append(
        ["", str(t.SIPAS_INDEX), "", t.number(figures.sipas_index), t.number(figures.sipas_mean)]
    )
    headers = [str(t.CODE), str(t.FACTOR), str(t.ANSWERS), str(t.INDEX), str(t.MEAN)]
    table(pdf, headers, rows, [14, 88, 22, 24, 22], align=["L", "L", "R", "R", "R"])
    paragraph(pdf, str(t.FACTOR_CHART), size=SMALL_SIZE)
    bars = [
        Bar(factor.value, figure.index, t.number(figure.index))
        for factor, figure in figures.factors.items()
    ]
    bar_chart(pdf, bars)


def _officers(pdf: ReportPDF, report: MonthlyReport) -> None:
    heading(pdf, str(t.PART_OFFICERS), room=40)
    headers = [t.OFFICER, t.RESPONSES, t.OVERALL_PCT, t.SIPAS_INDEX, "CC", t.FLAGGED_SHORT]
    rows = [_officer_row(row) for row in report.officers.officers]
    unit = report.officers.unit_figures
    rows.append(
        [
            str(t.WHOLE_UNIT),
            t.count(unit.responses),
            t.number(unit.overall_pct),
            t.number(unit.sipas_index),
            t.number(unit.factors[Factor.OFFICERS].index),
            t.count(unit.flagged),
            "",
            "",
        ]
    )
    widths = [42, 16, 20, 16, 14, 18, 26, 18]
    headers = [*map(str, headers), str(t.BELOW_AVERAGE), str(t.REFERENCE_SIPAS)]
    table(pdf, headers, rows, widths)


def _officer_row(row: OfficerEvaluation) -> list[str]:
    return [
        row.officer_name,
        t.count(row.responses),
        t.number(row.overall_pct),
        t.number(row.sipas_index),
        t.number(row.factors[Factor.OFFICERS.value]),
        t.count(row.flagged),
        t.below_average(row),
        t.number(row.reference_sipas),
    ]


def _flagged(pdf: ReportPDF, report: MonthlyReport) -> None:
    heading(pdf, str(t.PART_FLAGGED), room=40)
    count = report.figures.flagged
    if not count:
        paragraph(pdf, str(t.NO_FLAGGED))
        return
    rows = [
        [
            found.submitted_at.strftime("%d/%m/%Y %H:%M"),
            " · ".join(name for name in (found.counter_name, found.officer_name) if name)
            or found.unit_name,
            found.low_items_text,
            found.comment + (f" [{t.AFTER_CLOSURE}]" if found.late else ""),
        ]
        for found in report.flagged(limit=FLAGGED_LISTED)
    ]
    headers = [str(t.SUBMITTED), f"{t.COUNTER} · {t.OFFICER}", str(t.LOW_ITEMS), str(t.COMMENT)]
    table(pdf, headers, rows, [22, 44, 38, 66], size=ITEM_SIZE, align=["L"] * 4)
    if count > len(rows):
        capped = t.flagged_capped(len(rows), count, period=report.period is not None)
        paragraph(pdf, capped, SMALL_SIZE)
    if report.follow_ups is not None:
        paragraph(pdf, t.follow_up_line(report.follow_ups))


def _complaints(pdf: ReportPDF, report: MonthlyReport) -> None:
    figures = report.complaints
    heading(pdf, str(t.PART_COMPLAINTS))
    table(pdf, ["", report.column_label], t.complaint_rows(figures), [120, 50])


def _trend(pdf: ReportPDF, report: MonthlyReport) -> None:
    heading(pdf, str(t.PART_TREND), room=75)
    paragraph(pdf, str(t.TREND_CHART), size=SMALL_SIZE)
    bars = [
        Bar(
            f"{month.month:02d}/{month.year % 100:02d}",
            f.sipas_index,
            t.number(f.sipas_index, "0.0"),
        )
        for month, f in report.trend
    ]
    column_chart(pdf, bars)
    rows = [
        [month.slashed(), t.count(f.responses), t.number(f.overall_pct), t.number(f.sipas_index)]
        for month, f in report.trend
    ]
    headers = [str(t.MONTH), str(t.RESPONSES), str(t.OVERALL_PCT), str(t.SIPAS_INDEX)]
    table(pdf, headers, rows, [30, 30, 40, 40])


def _amendment(pdf: ReportPDF, report: MonthlyReport) -> None:
    heading(pdf, str(t.PART_AMENDMENT), room=50)
    change = report.closed.amendment
    if change is None:
        paragraph(pdf, str(t.NO_AMENDMENT))
        return
    paragraph(pdf, str(t.AMENDMENT_NOTE) % {"count": change.late_responses})
    frozen, current = t.headline_rows(change.frozen), t.headline_rows(change.current)
    rows = [[str(t.RESPONSES), t.count(change.frozen.responses), t.count(change.current.responses)]]
    rows += [[label, then, now] for (label, then), (_, now) in zip(frozen, current, strict=True)]
    table(pdf, ["", str(t.PUBLISHED), str(t.WITH_AMENDMENT)], rows, [90, 40, 40])
