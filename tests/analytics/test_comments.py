"""Personal data in citizens' comments is masked before an officer reads them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from analytics.comments import Masks, list_comments, mask_personal_data
from analytics.indices import ResponseFilter
from survey_app.core.extensions import db
from survey_app.months import Month
from tests.helpers.builders import make_officer, make_response

MASKS = Masks(phone="<PHONE>", email="<EMAIL>", identity_number="<ID>")


@pytest.mark.parametrize(
    "phone",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "091 234 5678",
        "+84 912 345 678",
        "+84912345678",
        "84912345678",
        "(+84) 912 345 678",
        "024 3825 1234",
        "(024) 3825 1234",
        "028.3829.1234",
        "0263 3822 123",
    ],
)
def test_vietnamese_phone_numbers_are_masked(phone):
    text = f"Cán bộ hẹn gọi lại số {phone} nhưng không gọi."
    assert mask_personal_data(text, MASKS) == "Cán bộ hẹn gọi lại số <PHONE> nhưng không gọi."


@pytest.mark.parametrize(
    "phone", ["SĐT:0912345678", "sdt 0912345678.", "(0912 345 678)", "gọi 0912.345.678, cảm ơn"]
)
def test_a_phone_number_is_masked_whatever_surrounds_it(phone):
    masked = mask_personal_data(phone, MASKS)
    assert "<PHONE>" in masked and not any(digit in masked for digit in "123456789")


def test_email_addresses_are_masked():
    text = "Liên hệ nguyen.van-an+hs@gmail.com hoặc lê_thị@ubnd.lamdong.gov.vn."
    assert mask_personal_data(text, MASKS) == "Liên hệ <EMAIL> hoặc <EMAIL>."


def test_an_identity_card_number_is_masked():
    assert mask_personal_data("CCCD 001203004567 của tôi", MASKS) == "CCCD <ID> của tôi"


@pytest.mark.parametrize(
    "text",
    [
        "Chờ 30 phút, nộp 100.000 đồng lệ phí.",
        "Hẹn ngày 01.02.2025 nhưng 05/03/2025 mới có kết quả.",
        "Hồ sơ số 250301-0001, năm 2025, tổng đài 1900 1234.",
        "Cán bộ rất nhiệt tình.",
    ],
)
def test_other_numbers_and_text_are_left_alone(text):
    assert mask_personal_data(text, MASKS) == text


def test_default_masks_are_vietnamese():
    assert mask_personal_data("0912345678 a@b.vn") == "[số điện thoại] [email]"


def test_comments_are_masked_sorted_and_stripped_of_order(app):
    officer = make_officer()
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    texts = ["  Zalo 0912 345 678 ", "an toàn", "", "Bình thường", "an toàn", "Đợi lâu"]
    for day, comment in enumerate(texts, start=1):
        at = datetime(2025, 3, day, 8, tzinfo=zone)
        make_response(officer=officer, comment=comment, submitted_at=at)
    spam_at = datetime(2025, 3, 10, 8, tzinfo=zone)
    spam = make_response(officer=officer, comment="quảng cáo", submitted_at=spam_at)
    spam.is_spam = True
    db.session.commit()
    comments = list_comments(ResponseFilter(officer_id=officer.id), Month(2025, 3), MASKS, zone)
    # Alphabetical (Vietnamese order: Đ after D, before Z), duplicates kept, empty comments
    # dropped, spam left out.
    assert comments == ["an toàn", "an toàn", "Bình thường", "Đợi lâu", "Zalo <PHONE>"]
