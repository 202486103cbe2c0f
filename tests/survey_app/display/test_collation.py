"""Vietnamese alphabetical order (survey_app.display.collation), table-driven."""

import pytest

from survey_app.display.collation import person_key, sorted_vi, vi_key

ORDERED_WORDS = [
    # Each list is in Vietnamese dictionary order.
    ["An", "Ăn", "Âu", "Ba", "Bùi", "Dương", "Đặng", "Em", "Ê"],
    ["Ngô", "Nguyễn"],  # o < u: code points put "Nguyễn" first
    ["Ong", "Ông", "Ơn", "Phạm"],
    ["Uyên", "Ư", "Vũ"],
    ["Dung", "Đặng", "Zô"],  # đ right after d, not after z
    ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"],  # tones: ngang, huyền, hỏi, ngã, sắc, nặng
    ["Cán", "Chờ"],  # letters before tones: a < h whatever the marks
    ["An", "An Bình", "Anh"],  # a word ends before any letter
    ["Tổ 1", "Tổ 2", "Tổ A"],
    ["an", "An"],  # case last
]


@pytest.mark.parametrize("expected", ORDERED_WORDS, ids=lambda words: " < ".join(words))
def test_words_sort_in_vietnamese_order(expected):
    assert sorted_vi(reversed(expected)) == expected


def test_code_point_order_gets_the_brief_s_examples_wrong_and_the_key_right():
    names = ["Ư", "Ông", "Nguyễn", "Ngô", "Đặng"]
    assert sorted(names) == ["Nguyễn", "Ngô", "Ông", "Đặng", "Ư"]
    assert sorted_vi(names) == ["Đặng", "Ngô", "Nguyễn", "Ông", "Ư"]


def test_composed_and_decomposed_text_sort_alike():
    import unicodedata

    word = "Nguyễn"
    assert vi_key(unicodedata.normalize("NFD", word)) == vi_key(unicodedata.normalize("NFC", word))


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            ["Nguyễn Văn Bình", "Trần Thị An", "Lê An"],
            ["Lê An", "Trần Thị An", "Nguyễn Văn Bình"],  # given name first, then the rest
        ),
        (
            ["Phạm Thị Ư", "Đỗ Văn Ông", "Hoàng Ngô", "Vũ Nguyễn"],
            ["Hoàng Ngô", "Vũ Nguyễn", "Đỗ Văn Ông", "Phạm Thị Ư"],
        ),
        (["Đặng Văn Hùng", "Nguyễn Văn Hùng"], ["Đặng Văn Hùng", "Nguyễn Văn Hùng"]),
    ],
)
def test_people_sort_by_given_name_then_family_name(names, expected):
    assert sorted(names, key=person_key) == expected


def test_an_empty_name_sorts_first():
    assert sorted(["An", ""], key=person_key) == ["", "An"]
