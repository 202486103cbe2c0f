"""The comment themes' lexicon, on a table of tagged examples: Vietnamese with and without
diacritics, chat spellings, negations, and phrases that look alike but mean something else.
Precision matters more than recall: a comment is never tagged with a theme it is not about."""

import re
import unicodedata
from datetime import datetime

import pytest

from analytics.indices import ResponseFilter
from analytics.themes import (
    CHAT_WORDS,
    count_period_themes,
    count_themes,
    is_serious,
    normalize,
    themes_of,
)
from survey_app.core.extensions import db
from survey_app.models import Role, SurveyResponse
from survey_app.months import Month
from tests.helpers.builders import make_officer, make_response, make_user
from tests.helpers.report_data import HANOI
from tests.helpers.smtp_server import body_of, mail_server

EXAMPLES = [
    # comment, themes, serious
    ("Chờ lâu quá, gần 2 tiếng mới đến lượt", ["waiting"], False),
    ("cho lau qua ko ai huong dan", ["waiting"], False),
    ("đợi lâu wa", ["waiting"], False),
    ("Không phải chờ lâu, rất hài lòng", ["praise"], False),
    ("ko phai cho lau, cam on cb", ["praise"], False),
    ("Thái độ cán bộ cáu gắt với người già", ["attitude"], False),
    ("thai do cb k tot", ["attitude"], False),
    ("Cán bộ tận tình, nhiệt tình, cảm ơn", ["praise"], False),
    ("Cán bộ không nhiệt tình", ["attitude"], False),
    ("chưa hài lòng", [], False),
    ("Phải bồi dưỡng mới được làm nhanh", ["fees"], True),
    ("phai boi duong moi dc lam nhanh", ["fees"], True),
    ("Cán bộ gợi ý đưa phong bì", ["fees"], True),
    ("cb nhũng nhiễu, làm khó người dân", ["attitude"], True),
    ("Không có tiêu cực, phục vụ tốt", ["praise"], False),
    ("Đơn vị cần bồi dưỡng nghiệp vụ cho cán bộ", [], False),
    ("lệ phí cao hơn niêm yết", ["fees"], False),
    ("Giấy tờ nhiều, thủ tục rườm rà, bắt bổ sung nhiều lần", ["documents"], False),
    ("Phòng chờ nóng quá, thiếu ghế ngồi", ["facilities"], False),
    ("Quạt trần hỏng", [], False),  # a fan, not a scolding ("quát")
    ("Nộp trên dịch vụ công trực tuyến bị lỗi", ["online"], False),
    ("Trễ hẹn 3 ngày mới trả kết quả", ["late"], False),
    ("tra ket qua dung hen", [], False),
    ("Hồ sơ của chị Hồng được giải quyết nhanh chóng", ["praise"], False),
    ("Tôi không có ý kiến", [], False),
    ("", [], False),
]


@pytest.mark.parametrize(("comment", "themes", "serious"), EXAMPLES)
def test_tagged_examples(comment, themes, serious):
    assert themes_of(comment) == themes
    assert is_serious(comment) is serious


def test_diacritics_and_chat_spellings_are_read_out():
    assert normalize("Đợi lâu, ko đc hướng dẫn") == " doi lau khong duoc huong dan "
    assert normalize("CB thái độ") == " can bo thai do "


@pytest.mark.parametrize(
    "text",
    [
        "Đợi lâu, ko đc hướng dẫn",
        unicodedata.normalize("NFD", "Thủ tục rườm rà, CÁN BỘ cáu gắt"),
        "\u212a\u212b Ǆ ﬁ Ω 1½",  # Kelvin and Ångström signs decompose; ligatures do not
        "Phòng chờ nóng quá\u0301\u0323",
    ],
)
def test_folding_each_character_is_decomposing_the_text(text):
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = re.findall(r"[a-z0-9]+", plain)
    assert normalize(text) == " " + " ".join(CHAT_WORDS.get(w, w) for w in words) + " "


def test_counts_most_frequent_first_with_a_few_examples():
    comments = ["chờ lâu", "đợi lâu quá", "chờ lâu, cảm ơn", "nhiệt tình", "chờ cả buổi"]
    counted = count_themes(comments, examples=2)
    assert [(found.theme, found.count) for found in counted] == [("waiting", 4), ("praise", 2)]
    assert counted[0].examples == ("chờ lâu", "đợi lâu quá")


def test_a_period_counts_every_citizen_who_wrote_a_text_once_tagged(app, tree):
    """A period's comments are read once per different text with how many wrote it: the
    counts are the citizens', the examples the texts first written, masked."""
    commune = tree[1]
    written = [
        (datetime(2026, 1, 5, 9, tzinfo=HANOI), "Chờ lâu quá, gọi 0912 345 678"),
        (datetime(2026, 2, 6, 9, tzinfo=HANOI), "chờ lâu"),
        (datetime(2026, 2, 7, 9, tzinfo=HANOI), "  chờ lâu  "),
        (datetime(2026, 3, 8, 9, tzinfo=HANOI), "chờ lâu, cảm ơn"),
        (datetime(2026, 3, 9, 9, tzinfo=HANOI), "Chờ lâu quá, gọi 0912 345 678"),
        (datetime(2026, 3, 10, 9, tzinfo=HANOI), "chờ lâu"),
        (datetime(2026, 4, 1, 9, tzinfo=HANOI), "chờ lâu ngoài kỳ"),
    ]
    for at, comment in written:
        make_response(unit=commune, comment=comment, submitted_at=at)
    months = (Month(2026, 1), Month(2026, 2), Month(2026, 3))
    counted = count_period_themes(ResponseFilter(unit_ids=frozenset({commune.id})), months)
    assert [(found.theme, found.count, found.complaints) for found in counted] == [
        ("waiting", 6, 5), ("praise", 1, 0),
    ]  # fmt: skip
    assert counted[0].examples == (
        "Chờ lâu quá, gọi [số điện thoại]", "chờ lâu", "chờ lâu, cảm ơn",
    )  # fmt: skip
    by_text = count_themes(text.strip() for at, text in written if at.month < 4)
    assert [(f.theme, f.count, f.complaints) for f in by_text] == [
        (f.theme, f.count, f.complaints) for f in counted
    ]


# The managers' alert --------------------------------------------------------------------

MANAGER_MAIL = "lanh.dao@an-binh.gov.vn"


@pytest.fixture
def mailbox(app):
    with mail_server(app) as box:
        yield box


@pytest.fixture
def commune(app, tree):
    manager = make_user(role=Role.MANAGER, unit=tree[1])
    manager.email = MANAGER_MAIL
    db.session.commit()
    return tree[1]


def submit(unit, comment: str, officer=None):
    from survey_app.services import comment_alerts

    started = []
    original = comment_alerts.threading.Thread.start

    def start(thread):
        started.append(thread)
        original(thread)

    comment_alerts.threading.Thread.start = start
    try:
        make_response(unit=unit, officer=officer, comment=comment)
    finally:
        comment_alerts.threading.Thread.start = original
    for thread in started:
        thread.join(timeout=10)
    return started


def test_a_comment_about_informal_payments_mails_the_manager_at_once(commune, mailbox):
    officer = make_officer(unit=commune, full_name="Đặng Văn Cường")
    submit(commune, "Phải bồi dưỡng mới làm nhanh, gọi tôi 0912 345 678", officer=officer)
    (message,) = mailbox.to(MANAGER_MAIL)
    body = body_of(message)
    assert "nhũng nhiễu" in message["Subject"] and "UBND xã An Bình" in message["Subject"]
    assert "Công chức được đánh giá: Đặng Văn Cường" in body
    assert "Phải bồi dưỡng mới làm nhanh" in body
    assert "0912" not in body and "[số điện thoại]" in body  # no contact of the citizen


def test_an_ordinary_complaint_mails_nobody(commune, mailbox):
    assert submit(commune, "Chờ lâu quá, không có bồi dưỡng nghiệp vụ") == []
    assert mailbox.messages == []


def test_a_broken_mail_server_loses_no_response(commune, mailbox):
    mailbox.refuse = True
    submit(commune, "cb đòi phong bì")
    assert db.session.query(SurveyResponse).filter_by(comment="cb đòi phong bì").count() == 1


def test_a_theme_only_praised_calls_for_no_proposal():
    from analytics.themes import narrative_themes

    counted = count_themes(["Phòng chờ có ghế ngồi, cảm ơn cán bộ", "Cổng dịch vụ công bị lỗi"])
    assert [(found.theme, found.complaints) for found in counted] == [
        ("facilities", 0), ("online", 1), ("praise", 0),
    ]  # fmt: skip
    _, proposals = narrative_themes(counted)
    assert proposals == [
        "Hướng dẫn người dân sử dụng dịch vụ công trực tuyến; khắc phục lỗi hệ thống."
    ]
