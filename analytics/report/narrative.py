"""The report's text, drafted from its figures in the administration's Vietnamese, in the three
parts a manager then edits before signing: "Đánh giá chung" (what the figures say), "Hạn chế,
nguyên nhân" (what went wrong; the causes are left for the unit to state) and "Đề xuất, kiến
nghị" (proposals drawn from the weakest factor and the comments' themes).

The draft is always Vietnamese: it is the text of the document the unit signs, and once edited
it is the unit's own text, which no translation would follow.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from babel.numbers import format_decimal

from analytics.evaluation import OfficerEvaluation, OfficerSheet
from analytics.figures import Figures, ItemFigure
from analytics.follow_ups import FollowUpCounts
from analytics.indices import TICKET_RATING_SOURCE
from analytics.tickets import TicketFigures
from survey_app.display.numbers import as_pattern
from survey_app.models import Factor
from survey_app.models.follow_ups import FOLLOW_UP_DAYS

FACTOR_NAMES = {
    Factor.ACCESS: "Tiếp cận dịch vụ",
    Factor.PROCEDURES: "Thủ tục hành chính",
    Factor.OFFICERS: "Sự phục vụ của công chức",
    Factor.RESULTS: "Kết quả giải quyết thủ tục hành chính",
    Factor.FEEDBACK: "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị",
}
# What a unit usually undertakes when a factor is its weakest (domain.md §2's criteria).
FACTOR_PROPOSALS = {
    Factor.ACCESS: "Rà soát, bổ sung trang thiết bị, biển chỉ dẫn tại Bộ phận Một cửa; "
    "giữ nơi tiếp nhận hồ sơ sạch sẽ, ngăn nắp.",
    Factor.PROCEDURES: "Niêm yết công khai, đầy đủ, dễ hiểu các thủ tục hành chính; không yêu "
    "cầu thành phần hồ sơ, phí, lệ phí ngoài quy định.",
    Factor.OFFICERS: "Chấn chỉnh tác phong, thái độ phục vụ; bồi dưỡng kỹ năng giao tiếp, "
    "hướng dẫn hồ sơ một lần, đầy đủ cho công chức Bộ phận Một cửa.",
    Factor.RESULTS: "Theo dõi chặt chẽ thời hạn giải quyết, bảo đảm trả kết quả đúng hẹn; "
    "gửi văn bản xin lỗi khi trễ hẹn theo quy định.",
    Factor.FEEDBACK: "Công khai các kênh tiếp nhận phản ánh, kiến nghị; xử lý và thông báo kết "
    "quả cho người dân đúng thời hạn.",
}
CAUSES_LEFT_TO_THE_UNIT = "Nguyên nhân: [đơn vị nêu nguyên nhân]."
OFFICERS_NAMED = 5  # below-average officers named in the text; the appendix lists them all


@dataclass(frozen=True)
class Comparison:
    label: str  # "tháng 10/2026", "cùng kỳ năm 2025"
    figures: Figures | None


@dataclass(frozen=True)
class NarrativeFacts:
    unit_name: str
    period_label: str  # "tháng 11/2026", "quý III năm 2026"
    figures: Figures
    item_texts: dict[tuple[str, str], str]  # (instrument, code) → question
    previous: Comparison | None  # None: a half-year, nine months or a year
    last_year: Comparison
    officers: OfficerSheet
    complaints: TicketFigures
    themes: Sequence[tuple[str, int]] = ()  # (theme, comments), most frequent first
    proposals: Sequence[str] = ()  # what the themes call for
    children: Sequence = ()  # report_rollup.ChildRow of the units below, ranked
    follow_ups: FollowUpCounts | None = None  # of the flagged responses; None: not counted


@dataclass(frozen=True)
class Narrative:
    assessment: str
    shortcomings: str
    proposals: str
    edited: bool = False  # a person's text, not the draft

    PARTS = ("assessment", "shortcomings", "proposals")


def draft_narrative(facts: NarrativeFacts) -> Narrative:
    return Narrative(
        assessment="\n".join(_assessment(facts)),
        shortcomings="\n".join(_shortcomings(facts)),
        proposals="\n".join(_proposals(facts)),
    )


# Đánh giá chung ----------------------------------------------------------------------------


def _assessment(facts: NarrativeFacts) -> list[str]:
    figures = facts.figures
    if not figures.responses:
        return [
            f"Trong {facts.period_label}, {facts.unit_name} chưa nhận được phiếu đánh giá nào "
            "của người dân, tổ chức."
        ]
    paragraphs = [_overall(facts), _factors(figures, facts.item_texts)]
    paragraphs += [_officers(facts.officers), _flagged(figures, facts.follow_ups)]
    paragraphs.append(_complaints(facts.complaints))
    if facts.children:
        paragraphs.append(_children(facts.children))
    if facts.themes:
        paragraphs.append(_themes(facts.themes))
    return [text for text in paragraphs if text]


def _overall(facts: NarrativeFacts) -> str:
    figures = facts.figures
    text = (
        f"Trong {facts.period_label}, {facts.unit_name} nhận được {_count(figures.responses)} "
        f"phiếu đánh giá của người dân, tổ chức. Tỷ lệ hài lòng chung đạt "
        f"{_number(figures.overall_pct)}%"
    )
    compared = [found for found in (facts.previous, facts.last_year) if found is not None]
    changes = [_change(figures, found) for found in compared]
    text += f" ({'; '.join(changes)})" if changes else ""
    return text + f"; Chỉ số hài lòng (SIPAS) đạt {_number(figures.sipas_index)} điểm."


def _change(figures: Figures, compared: Comparison) -> str:
    before = compared.figures
    if before is None or not before.responses or before.overall_pct is None:
        return f"chưa có số liệu {compared.label} để so sánh"
    difference = figures.overall_pct - before.overall_pct
    if abs(difference) < 0.005:
        return f"không thay đổi so với {compared.label}"
    direction = "tăng" if difference > 0 else "giảm"
    return f"{direction} {_number(abs(difference))} điểm phần trăm so với {compared.label}"


def _factors(figures: Figures, texts: dict[tuple[str, str], str]) -> str:
    ranked = _ranked_factors(figures)
    if not ranked:
        return ""
    (best, best_index), (worst, worst_index) = ranked[0], ranked[-1]
    text = f"Yếu tố được đánh giá cao nhất là “{FACTOR_NAMES[best]}” ({_number(best_index)} điểm)"
    if worst is not best:
        text += f", thấp nhất là “{FACTOR_NAMES[worst]}” ({_number(worst_index)} điểm)"
    items = _ranked_items(figures)
    if len(items) > 1:
        strongest, weakest = items[0], items[-1]
        text += (
            f". Tiêu chí có chỉ số cao nhất: {_item(strongest, texts)}; "
            f"thấp nhất: {_item(weakest, texts)}"
        )
    return text + "."


def _ranked_factors(figures: Figures) -> list[tuple[Factor, float]]:
    found = [(factor, f.index) for factor, f in figures.factors.items() if f.index is not None]
    return sorted(found, key=lambda pair: -pair[1])


def _ranked_items(figures: Figures) -> list[ItemFigure]:
    # A one-rating-per-factor item (the kiosk's "CC") says nothing a factor does not.
    # Nor is the complaint rating a criterion of the questionnaire.
    factor_codes = {factor.value for factor in Factor}
    answered = [
        item
        for item in figures.items
        if item.factor is not None
        and item.answers
        and item.code not in factor_codes
        and item.instrument != TICKET_RATING_SOURCE
    ]
    return sorted(answered, key=lambda item: (-item.index, item.code))


def _item(item: ItemFigure, texts: dict[tuple[str, str], str]) -> str:
    question = texts.get((item.instrument, item.code), "")
    described = f" – {question.rstrip('.')}" if question else ""
    return f"{item.code}{described} ({_number(item.index)} điểm)"


def _officers(sheet: OfficerSheet) -> str:
    below = below_average_officers(sheet)
    if not below:
        return "Không có công chức nào có Chỉ số hài lòng thấp hơn mức bình quân của đơn vị."
    named = ", ".join(f"{row.officer_name} ({_number(row.sipas_index)} điểm)" for row in below)
    return (
        f"Có {len(below)} công chức có Chỉ số hài lòng thấp hơn mức bình quân của đơn vị "
        f"({_number(sheet.unit_figures.sipas_index)} điểm): {named}."
    )


def below_average_officers(sheet: OfficerSheet) -> list[OfficerEvaluation]:
    rows = [row for row in sheet.officers if row.below_unit_average]
    return sorted(rows, key=lambda row: (row.sipas_index or 0, row.officer_name))


def _flagged(figures: Figures, follow_ups: FollowUpCounts | None) -> str:
    if not figures.flagged:
        return "Không có phiếu nào đánh giá ở mức “Bình thường” trở xuống."
    text = (
        f"Có {_count(figures.flagged)} phiếu ({_number(figures.flagged_pct)}% số phiếu) đánh giá "
        "ít nhất một nội dung ở mức “Bình thường” trở xuống"
    )
    if follow_ups is None or not follow_ups.flagged:
        return text + "; các phiếu này được liệt kê tại Phụ lục để xem xét, xử lý."
    done = follow_ups.on_time + follow_ups.late
    if done:
        text += (
            f". Đơn vị đã liên hệ, tìm hiểu và xử lý {_count(done)} phiếu (đúng thời hạn "
            f"{FOLLOW_UP_DAYS:02d} ngày làm việc: {_count(follow_ups.on_time)}, quá hạn: "
            f"{_count(follow_ups.late)})"
        )
    else:
        text += ". Đơn vị chưa xử lý xong phiếu nào"
    if follow_ups.open:
        text += f"; còn {_count(follow_ups.open)} phiếu đang xử lý"
        if follow_ups.overdue:
            text += f", trong đó {_count(follow_ups.overdue)} phiếu đã quá hạn"
    return text + " (danh sách tại Phụ lục)."


def _complaints(complaints: TicketFigures) -> str:
    if not complaints.received and not complaints.answered and not complaints.still_open:
        return "Đơn vị không nhận được phản ánh, kiến nghị nào."
    text = f"Đơn vị tiếp nhận {_count(complaints.received)} phản ánh, kiến nghị; "
    if not complaints.answered:
        text += "chưa trả lời phản ánh, kiến nghị nào"
    else:
        text += (
            f"đã trả lời {_count(complaints.answered)}, trong đó đúng hạn "
            f"{_count(complaints.answered_on_time)}"
        )
        if complaints.on_time_after_extension:
            text += f" (có {_count(complaints.on_time_after_extension)} được gia hạn)"
        text += f", quá hạn {_count(complaints.late)}"
    if complaints.on_time_pct is not None:
        text += f"; tỷ lệ trả lời đúng hạn đạt {_number(complaints.on_time_pct)}%"
    if complaints.still_open:
        text += f". Còn {_count(complaints.still_open)} phản ánh, kiến nghị đang xử lý"
    return text + "."


def _children(children: Sequence) -> str:
    """Which units below did best and worst, and which sent no response at all."""
    rated = [
        row for row in children if row.figures.responses and row.figures.sipas_index is not None
    ]
    silent = [row.unit.name for row in children if not row.figures.responses]
    text = f"Trong {len(children)} đơn vị trực thuộc"
    if rated:
        best, worst = rated[0], rated[-1]
        text += f", cao nhất là {best.unit.name} ({_number(best.figures.sipas_index)} điểm)"
        if worst is not best:
            text += f", thấp nhất là {worst.unit.name} ({_number(worst.figures.sipas_index)} điểm)"
    if silent:
        text += f"; {len(silent)} đơn vị chưa có phiếu đánh giá: {', '.join(silent)}"
    return text + " (chi tiết tại Phụ lục)."


def _themes(themes: Sequence[tuple[str, int]]) -> str:
    listed = "; ".join(f"{theme} ({_count(count)} ý kiến)" for theme, count in themes)
    return f"Ý kiến của người dân tập trung vào: {listed}."


# Hạn chế, nguyên nhân ------------------------------------------------------------------------


def _shortcomings(facts: NarrativeFacts) -> list[str]:
    figures = facts.figures
    found = []
    ranked = _ranked_factors(figures)
    if len(ranked) > 1:
        worst, index = ranked[-1]
        found.append(f"- Yếu tố “{FACTOR_NAMES[worst]}” đạt thấp nhất ({_number(index)} điểm).")
    below = below_average_officers(facts.officers)
    if below:
        found.append(f"- {len(below)} công chức có Chỉ số hài lòng thấp hơn bình quân đơn vị.")
    if figures.flagged:
        found.append(f"- {_count(figures.flagged)} phiếu đánh giá ở mức “Bình thường” trở xuống.")
    if facts.follow_ups and (slow := facts.follow_ups.late + facts.follow_ups.overdue):
        found.append(f"- {_count(slow)} phiếu trong số đó không được xử lý đúng thời hạn.")
    if facts.complaints.late:
        found.append(f"- {_count(facts.complaints.late)} phản ánh, kiến nghị trả lời quá hạn.")
    if not found:
        return ["Không có hạn chế nổi bật qua số liệu khảo sát trong kỳ."]
    return [*found, CAUSES_LEFT_TO_THE_UNIT]


# Đề xuất, kiến nghị --------------------------------------------------------------------------


def _proposals(facts: NarrativeFacts) -> list[str]:
    proposals = []
    ranked = _ranked_factors(facts.figures)
    if ranked:
        proposals.append(FACTOR_PROPOSALS[ranked[-1][0]])
    if below_average_officers(facts.officers):
        proposals.append(
            "Nhắc nhở, kèm cặp công chức có Chỉ số hài lòng thấp hơn bình quân; xem xét kết "
            "quả khảo sát khi đánh giá, xếp loại công chức hằng tháng."
        )
    if facts.complaints.late:
        proposals.append("Theo dõi thời hạn trả lời phản ánh, kiến nghị; không để quá hạn.")
    if facts.follow_ups and facts.follow_ups.late + facts.follow_ups.overdue:
        proposals.append(
            "Liên hệ, tìm hiểu và xử lý các phiếu đánh giá ở mức “Bình thường” trở xuống trong "
            f"thời hạn {FOLLOW_UP_DAYS:02d} ngày làm việc."
        )
    proposals += [text for text in facts.proposals if text not in proposals]
    proposals.append(
        "Tiếp tục tuyên truyền, hướng dẫn người dân, tổ chức quét mã QR đánh giá sau khi giải "
        "quyết thủ tục hành chính."
    )
    return [f"- {text}" for text in proposals]


# Numbers as Vietnamese writes them --------------------------------------------------------


def _number(value: float | None) -> str:
    return "–" if value is None else format_decimal(as_pattern(value, "0.00"), "0.00", locale="vi")


def _count(value: int) -> str:
    return format_decimal(value, "#,##0", locale="vi")
