"""The masking of contact data holds against the ways people write a number or an address past
a filter: a property test over generated variants (analytics/contact_patterns.py)."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.comments import Masks, mask_personal_data

MASKS = Masks(phone="<PHONE>", email="<EMAIL>", identity_number="<ID>")
SEPARATORS = ["", " ", ".", "-", "/", "_", " - ", "  ", "(", ")", "*", ","]
LOOKALIKES = {"0": ["0", "O", "o"], "1": ["1", "l", "I"]}
SURROUNDINGS = ["Gọi {} nhé", "SĐT:{}", "({})", "zalo {}, cảm ơn", "{}", "số {}."]


@st.composite
def written(draw, digits: str) -> str:
    """`digits` in groups split by separators, some digits written as look-alike letters."""
    parts = []
    for position, digit in enumerate(digits):
        if position and draw(st.booleans()):
            parts.append(draw(st.sampled_from(SEPARATORS)))
        parts.append(draw(st.sampled_from(LOOKALIKES.get(digit, [digit]))))
    return "".join(parts)


@st.composite
def phone_numbers(draw) -> tuple[str, str]:
    """(how it is written, its 9 national digits after the trunk 0)."""
    national = draw(st.sampled_from("35789")) + draw(st.text("0123456789", min_size=8, max_size=8))
    prefix = draw(st.sampled_from(["0", "O", "+84", "84", "(+84) ", "+84 "]))
    return prefix + draw(written(national)), national


def digits_left(text: str) -> str:
    return re.sub(r"\D", "", text.replace("O", "0").replace("o", "0").replace("l", "1"))


@settings(max_examples=400, deadline=None)
@given(phone_numbers(), st.sampled_from(SURROUNDINGS))
def test_a_mobile_number_written_any_way_is_masked(phone, surrounding):
    text, national = phone
    masked = mask_personal_data(surrounding.format(text), MASKS)
    assert "<PHONE>" in masked
    assert national[-6:] not in digits_left(masked)


@settings(max_examples=200, deadline=None)
@given(st.text("0123456789", min_size=11, max_size=11), st.sampled_from(SURROUNDINGS))
def test_an_identity_number_written_any_way_is_masked(tail, surrounding):
    number = "0" + tail
    masked = mask_personal_data(surrounding.format(number), MASKS)
    assert "<ID>" in masked and number not in masked


@pytest.mark.parametrize(
    "text",
    [
        "0912/345/678",
        "0912_345_678",
        "O912345678",
        "O9l2 345 678",
        "0912 - 345 - 678",
        "+84/912/345/678",
        "03.2.0222 022",  # starts like a date (day 03, month 2), found by the property test
        "03.2.2022 022",  # and like a date of a plausible year
    ],
)
def test_the_reported_variants_are_masked(text):
    assert mask_personal_data(f"Gọi {text} nhé", MASKS) == "Gọi <PHONE> nhé"


@pytest.mark.parametrize(
    "address",
    [
        "nguyen at gmail dot com",
        "nguyen (at) gmail (dot) com",
        "nguyen [at] gmail [dot] com",
        "nguyen AT gmail DOT com",
        "nguyen a còng gmail chấm com",
        "nguyen @ gmail . com",
        "nguyen@gmail dot com dot vn",
        "nguyen [at] ubnd.lamdong.gov.vn",
    ],
)
def test_an_email_address_written_out_is_masked(address):
    assert mask_personal_data(f"Thư: {address} nhé", MASKS) == "Thư: <EMAIL> nhé"


def test_an_identity_number_with_separators_is_masked():
    assert mask_personal_data("CCCD 001 203 004 567.", MASKS) == "CCCD <ID>."


@pytest.mark.parametrize(
    "text",
    [
        "Hẹn 01/02/2026 10:30 nhưng không ai tiếp.",
        "Hẹn 01/02/2026 10h30 mà 11h mới gọi.",
        "Cán bộ nói chờ at least 30 phút.",
        "Tôi chấm điểm 5 cho cán bộ.",
        "Lệ phí 100.000 đồng, chờ 45 phút.",
    ],
)
def test_ordinary_text_stays_as_it_is(text):
    assert mask_personal_data(text, MASKS) == text
