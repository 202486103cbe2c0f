"""What citizens' comments are about: each comment tagged with themes by a published lexicon
that reads Vietnamese with or without diacritics and the spellings of chat ("ko", "k", "dc",
"cb"). Precision over recall: a phrase is listed only when it names its theme on its own, and
a complaint or praise preceded by a negation ("không chờ lâu", "chưa hài lòng") does not count.

A comment about informal payments or harassment (`SERIOUS`) is the most serious thing a
citizen can write: the unit's managers are told at once (survey_app.services.comment_alerts).
"""

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from analytics.comment_texts import different_comments
from analytics.comments import DEFAULT_MASKS, Masks, mask_personal_data
from analytics.indices import ResponseFilter
from survey_app.months import Month, survey_zone

# Chat spellings, read as the words they stand for (after diacritics are removed).
CHAT_WORDS = {
    "ko": "khong", "k": "khong", "kg": "khong", "khg": "khong", "hok": "khong",
    "hk": "khong", "dc": "duoc", "dk": "duoc", "cb": "can bo", "cbcc": "can bo cong chuc",
    "ng": "nguoi", "tg": "thoi gian", "hs": "ho so", "wa": "qua", "j": "gi", "bt": "binh thuong",
    "nhiu": "nhieu", "ntn": "nhu the nao", "vs": "voi",
}  # fmt: skip
NEGATIONS = ("khong", "chua", "chang")
NEGATION_REACH = 2  # words between a negation and the phrase it turns round

# theme → phrases, written without diacritics; "!" marks a complaint or praise that a
# negation before it turns round ("không thái độ" is not said; "không chờ lâu" is).
LEXICON: dict[str, tuple[str, ...]] = {
    "waiting": (
        "!cho lau", "!cho doi lau", "!cho rat lau", "!doi lau", "!xep hang lau", "!phai cho",
        "!cho ca buoi", "!cho ca ngay", "!mat nhieu thoi gian", "!qua tai", "!dong nguoi",
        "!cho qua lau", "!lau qua",
    ),
    "attitude": (
        "thai do", "!cau gat", "!hach dich", "!hach sach", "!tho lo", "!coc can", "!quat nat",
        "!to tieng", "!lam lo", "!vo le", "!thieu ton trong", "!kho chiu", "!nhung nhieu",
        "!lam kho", "!gay kho khan", "!thieu nhiet tinh", "!khong nhiet tinh",
    ),
    "fees": (
        "le phi", "!phi cao", "!thu phi", "!thu them", "!thu tien", "!boi duong", "!phong bi",
        "!tien ngoai", "!lot tay", "!tien boi duong", "!xin tien", "!doi tien", "!voi tien",
        "!chi phi ngoai", "!tieu cuc", "!tien lam nhanh",
    ),
    "documents": (
        "giay to", "thanh phan ho so", "!thu tuc rom ra", "!thu tuc phuc tap", "!rom ra",
        "!phuc tap", "!bo sung nhieu lan", "!di lai nhieu lan", "!bat bo sung", "!nhieu giay to",
        "!yeu cau them giay to", "to khai", "mau don", "!huong dan khong ro",
    ),
    "facilities": (
        "ghe ngoi", "cho ngoi", "may lanh", "dieu hoa", "!nong qua", "nha ve sinh",
        "cho de xe", "bai xe", "may in", "co so vat chat", "wifi", "!chat hep", "quat may",
        "!hu hong", "bien chi dan", "may lay so",
    ),
    "online": (
        "dich vu cong", "truc tuyen", "online", "nop qua mang", "vneid", "cong dich vu",
        "ung dung", "tren mang", "website", "thanh toan dien tu", "tai khoan dinh danh",
    ),
    "late": (
        "!tre hen", "!tre han", "!qua han", "!cham tra", "!tra cham", "!cham tre", "!hen lai",
        "!khong dung hen", "!lau co ket qua", "!cham co ket qua", "!giai quyet cham",
    ),
    "praise": (
        "!cam on", "!tan tinh", "!nhiet tinh", "!chu dao", "!hai long", "!rat tot",
        "!tot lam", "!phuc vu tot", "!nhanh chong", "!vui ve", "!chuyen nghiep", "!than thien",
        "!tuyet voi", "!chu dao", "!nhanh gon",
    ),
}  # fmt: skip
# Informal payments and harassment: the unit's managers are told at once.
SERIOUS = (
    "!nhung nhieu", "!tieu cuc", "!boi duong", "!phong bi", "!lam kho", "!lot tay",
    "!tien ngoai", "!xin tien", "!doi tien", "!voi tien", "!hach sach", "!tien boi duong",
    "!chi phi ngoai", "!tien lam nhanh",
)  # fmt: skip
# Phrases that contain a listed one but mean something else ("bồi dưỡng nghiệp vụ": training).
NOT_MEANT = (
    "boi duong nghiep vu", "boi duong ky nang", "boi duong chuyen mon", "boi duong can bo",
    "boi duong cong chuc",
)  # fmt: skip

THEME_LABELS = {
    "waiting": _l("Waiting time"),
    "attitude": _l("Attitude of the staff"),
    "fees": _l("Fees and informal payments"),
    "documents": _l("Documents and complexity of procedures"),
    "facilities": _l("Facilities"),
    "online": _l("Online services"),
    "late": _l("Late results"),
    "praise": _l("Praise"),
}
THEME_PROPOSALS = {
    "waiting": "Bố trí thêm công chức tiếp nhận hồ sơ vào giờ cao điểm; sử dụng máy lấy số "
    "thứ tự, hẹn giờ để giảm thời gian chờ.",
    "attitude": "Chấn chỉnh thái độ, tác phong giao tiếp của công chức; xử lý nghiêm hành vi "
    "gây phiền hà, nhũng nhiễu.",
    "fees": "Công khai mức phí, lệ phí; xác minh, xử lý nghiêm các trường hợp thu tiền ngoài "
    "quy định.",
    "documents": "Rà soát, đơn giản hóa thành phần hồ sơ; hướng dẫn đầy đủ, một lần.",
    "facilities": "Sửa chữa, bổ sung cơ sở vật chất, trang thiết bị phục vụ người dân.",
    "online": "Hướng dẫn người dân sử dụng dịch vụ công trực tuyến; khắc phục lỗi hệ thống.",
    "late": "Theo dõi chặt chẽ thời hạn giải quyết hồ sơ; xin lỗi người dân khi trễ hẹn.",
}


@dataclass(frozen=True)
class ThemeCount:
    theme: str
    count: int
    examples: tuple[str, ...]  # masked by the caller, as an officer may read them
    complaints: int = 0  # of those, the comments that praise nothing (a proposal answers them)

    @property
    def label(self) -> str:
        return str(THEME_LABELS[self.theme])


class _Folded(dict):
    """Each character without its diacritics (đ → d), worked out once per character: the NFD
    of a text is the NFD of its characters one after another (the reordering of combining
    marks does not matter once they are dropped), and a look-up a character makes normalize
    about twice as fast as decomposing each comment (4 µs against 10)."""

    def __missing__(self, code: int) -> str:
        char = "d" if code == ord("đ") else chr(code)
        folded = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        self[code] = folded
        return folded


_FOLDED = _Folded()


def normalize(text: str) -> str:
    """Lower case, no diacritics (đ → d), chat spellings read out, one space between words,
    a space at each end so that phrases match whole words."""
    words = re.findall(r"[a-z0-9]+", text.lower().translate(_FOLDED))
    return " " + " ".join(CHAT_WORDS.get(word, word) for word in words) + " "


@dataclass(frozen=True)
class _Phrases:
    """A list of phrases as two regular expressions: those a negation turns round, the rest."""

    negatable: re.Pattern | None
    plain: re.Pattern | None


def _compile(phrases: Iterable[str]) -> _Phrases:
    def alternation(words: list[str]) -> re.Pattern | None:
        # Longest first, so that "cho doi lau" is tried before "cho doi".
        ordered = sorted(words, key=len, reverse=True)
        return re.compile(" (?:%s) " % "|".join(map(re.escape, ordered))) if words else None  # noqa: UP031

    listed = list(phrases)
    negatable = [phrase[1:] for phrase in listed if phrase.startswith("!")]
    return _Phrases(alternation(negatable), alternation([p for p in listed if p[0] != "!"]))


_THEMES = {theme: _compile(phrases) for theme, phrases in LEXICON.items()}
_SERIOUS = _compile(SERIOUS)
_NOT_MEANT = re.compile("|".join(rf" {re.escape(phrase)} " for phrase in NOT_MEANT))
_NEGATED = re.compile(
    r" (?:%s)(?: [a-z0-9]+){0,%d}$" % ("|".join(NEGATIONS), NEGATION_REACH)  # noqa: UP031
)


def _matches(text: str, phrases: _Phrases) -> bool:
    if phrases.plain is not None and phrases.plain.search(text):
        return True
    if phrases.negatable is None:
        return False
    # Phrases share their spaces: look for the next one from the space that ended the last.
    position = 0
    while found := phrases.negatable.search(text, position):
        if not _NEGATED.search(text[: found.start()]):
            return True
        position = found.end() - 1
    return False


def themes_of(comment: str) -> list[str]:
    """The themes of one comment, in the lexicon's order."""
    text = _NOT_MEANT.sub(" ", normalize(comment))
    return [theme for theme, patterns in _THEMES.items() if _matches(text, patterns)]


def is_serious(comment: str) -> bool:
    """Whether the comment speaks of informal payments or harassment."""
    return _matches(_NOT_MEANT.sub(" ", normalize(comment)), _SERIOUS)


def count_themes(comments: Iterable[str], examples: int = 3) -> list[ThemeCount]:
    """Comments per theme, most frequent first; the first `examples` different ones kept."""
    return _count_written(((comment, 1) for comment in comments), examples)


def _count_written(written: Iterable[tuple[str, int]], examples: int = 3) -> list[ThemeCount]:
    """As count_themes, from (comment, how many citizens wrote it): a text is tagged once."""
    counts: dict[str, int] = {}
    complaints: dict[str, int] = {}
    kept: dict[str, list[str]] = {}
    for comment, times in written:
        found = themes_of(comment)
        for theme in found:
            counts[theme] = counts.get(theme, 0) + times
            complaints[theme] = complaints.get(theme, 0) + times * ("praise" not in found)
            examples_kept = kept.setdefault(theme, [])
            if len(examples_kept) < examples and comment not in examples_kept:
                examples_kept.append(comment)
    order = sorted(counts, key=lambda theme: (-counts[theme], list(LEXICON).index(theme)))
    return [
        ThemeCount(theme, counts[theme], tuple(kept[theme]), complaints[theme]) for theme in order
    ]


def count_period_themes(
    response_filter: ResponseFilter, months: Sequence[Month], masks: Masks = DEFAULT_MASKS
) -> list[ThemeCount]:
    """The themes of the comments of the months (one after another); only the examples kept
    are masked (masking every comment of a province's year would cost more than tagging
    them)."""
    counted = _count_written(_comments(response_filter, months))
    return [
        ThemeCount(
            found.theme,
            found.count,
            tuple(mask_personal_data(text, masks) for text in found.examples),
            found.complaints,
        )
        for found in counted
    ]


def _comments(response_filter: ResponseFilter, months: Sequence[Month]) -> Iterator[tuple]:
    """Each different comment of the months with the number of responses that wrote it, in the
    order they were first written: one grouped query over the months' span."""
    zone = survey_zone()
    start, end = months[0].bounds(zone)[0], months[-1].bounds(zone)[1]
    return different_comments(response_filter, start, end)


def narrative_themes(themes: Iterable[ThemeCount]) -> tuple[list[tuple[str, int]], list[str]]:
    """For the report's text, in Vietnamese: the themes with their counts, and what the two
    most frequent themes with a complaint (a comment that praises nothing) call for."""
    found = list(themes)
    with force_locale("vi"):
        listed = [(found_theme.label.lower(), found_theme.count) for found_theme in found]
    # "Nơi làm việc sạch sẽ, có chỗ ngồi chờ" names facilities but asks for nothing.
    complaints = [t.theme for t in found if t.theme in THEME_PROPOSALS and t.complaints]
    return listed, [THEME_PROPOSALS[theme] for theme in complaints[:2]]
