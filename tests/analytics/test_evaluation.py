"""The officer evaluation of a month (domain.md §2, §4), on a small month worked out by hand."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pytest import approx

from analytics.evaluation import CSV_COLUMNS, evaluate_officers, officer_frame, write_officer_csv
from survey_app.core.extensions import db
from survey_app.months import Month
from tests.helpers.builders import full_answers, make_officer, make_response, make_unit

pytestmark = pytest.mark.usefixtures("app")

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = Month(2025, 3)
GOOD = {"TC1": 5, "TT1": 4, "CC1": 5, "KQ1": 4, "CHUNG": 5}
CC_LOW = {"TC1": 4, "TT1": 4, "CC1": 2, "KQ1": 4, "CHUNG": 4}
ALL_FIVE = {"TC1": 5, "TT1": 5, "CC1": 5, "KQ1": 5, "CHUNG": 5}


def local(day: int, hour: int = 9, minute: int = 0, second: int = 0, month: int = 3):
    return datetime(2025, month, day, hour, minute, second, tzinfo=LOCAL)


def rate(officer, answers, times):
    for moment in times:
        make_response(officer=officer, answers=answers, submitted_at=moment)


@pytest.fixture
def month():
    """Province P with communes A and B; March 2025 (sipas-2023, only some items answered).

    A: Lan 5 × GOOD (the 5th at 23:59:59 on 31 March; one more on 1 April 00:00 and a spam
    response do not count) · Minh 3 × CC_LOW + 2 × ALL_FIVE · Hoa 2 × {CC1 1, CHUNG 2} ·
    Sơn active, not rated · Tuấn inactive, not rated · 1 response without an officer that also
    answers PA1 = 5. B: Bình 5 × {TC1 4, CC1 3, CHUNG 4}."""
    province = make_unit(code="P", name="Tỉnh P")
    commune_a = make_unit(code="A", name="Xã A", parent=province)
    commune_b = make_unit(code="B", name="Xã B", parent=province)
    lan = make_officer(unit=commune_a, code="CB-LAN", full_name="Nguyễn Thị Lan")
    minh = make_officer(unit=commune_a, code="CB-MINH", full_name="Trần Văn Minh")
    hoa = make_officer(unit=commune_a, code="CB-HOA", full_name="Lê Thị Hoa")
    make_officer(unit=commune_a, code="CB-SON", full_name="Phạm Văn Sơn")
    tuan = make_officer(unit=commune_a, code="CB-TUAN", full_name="Đỗ Văn Tuấn")
    tuan.active = False
    db.session.commit()
    binh = make_officer(unit=commune_b, code="CB-BINH", full_name="Võ Văn Bình")
    rate(lan, GOOD, [local(day) for day in (3, 4, 5, 6)] + [local(31, 23, 59, 59)])
    rate(lan, full_answers(value=1), [local(1, 0, 0, 0, month=4)])
    spam = make_response(officer=lan, answers=full_answers(value=1), submitted_at=local(7))
    spam.is_spam = True
    db.session.commit()
    rate(minh, CC_LOW, [local(day) for day in (3, 4, 5)])
    rate(minh, ALL_FIVE, [local(day) for day in (6, 7)])
    rate(hoa, {"CC1": 1, "CHUNG": 2}, [local(8), local(9)])
    make_response(unit=commune_a, answers=ALL_FIVE | {"PA1": 5}, submitted_at=local(10))
    rate(binh, {"TC1": 4, "CC1": 3, "CHUNG": 4}, [local(day) for day in range(11, 16)])
    return province, commune_a


def rows_by_code(sheet):
    return {row.officer_code: row for row in sheet.officers}


def test_unit_figures_include_every_response_of_the_unit(month):
    _, commune_a = month
    sheet = evaluate_officers(commune_a, MARCH)
    # 5 (Lan) + 5 (Minh) + 2 (Hoa) + 1 without officer = 13. CC1: 5 + 2 + 0 + 1 = 8 of 13;
    # TC1, TT1, KQ1: 11 of 11; PA1 1 of 1. SIPAS = (4 × 100 + 800/13) / 5 = 1200/13 = 92.31.
    assert sheet.unit_figures.responses == 13
    assert sheet.unit_figures.sipas_index == approx(1200 / 13)


def test_each_officer_gets_own_figures(month):
    _, commune_a = month
    rows = rows_by_code(evaluate_officers(commune_a, MARCH))
    lan, minh = rows["CB-LAN"], rows["CB-MINH"]
    # Lan: everything answered at 4 or 5 → 100 everywhere; PA unanswered → no data, not 0.
    assert (lan.responses, lan.overall_pct, lan.sipas_index, lan.flagged) == (5, 100, 100, 0)
    assert lan.factors == {"TC": 100, "TT": 100, "CC": 100, "KQ": 100, "PA": None}
    assert lan.mean_overall == approx(5)
    # Minh: CC1 2 of 5 ≥ 4 → 40; SIPAS (100 + 100 + 40 + 100) / 4 = 85; CHUNG 4,4,4,5,5.
    assert minh.factors == {"TC": 100, "TT": 100, "CC": approx(40), "KQ": 100, "PA": None}
    assert minh.sipas_index == approx(85) and minh.overall_pct == approx(100)
    assert minh.mean_overall == approx(4.4)
    assert (minh.flagged, minh.flagged_pct) == (3, approx(60))


def test_an_officer_below_the_unit_average_is_flagged(month):
    _, commune_a = month
    rows = rows_by_code(evaluate_officers(commune_a, MARCH))
    # Minh 85 < unit 92.31; Lan 100 is not below.
    assert rows["CB-MINH"].below_unit_average is True
    assert rows["CB-LAN"].below_unit_average is False
    assert rows["CB-MINH"].sample_sufficient and rows["CB-LAN"].sample_sufficient


def test_under_the_minimum_sample_nothing_is_flagged(month):
    _, commune_a = month
    hoa = rows_by_code(evaluate_officers(commune_a, MARCH))["CB-HOA"]
    # 2 responses, CC 0 (far below the unit) but fewer than 5: "chưa đủ mẫu", no flag.
    assert (hoa.responses, hoa.sipas_index, hoa.flagged) == (2, 0, 2)
    assert hoa.sample_sufficient is False and hoa.below_unit_average is False


def test_active_officers_without_responses_are_listed_inactive_ones_not(month):
    _, commune_a = month
    rows = rows_by_code(evaluate_officers(commune_a, MARCH))
    assert list(rows) == ["CB-HOA", "CB-LAN", "CB-MINH", "CB-SON"]  # by given name
    son = rows["CB-SON"]
    assert (son.responses, son.sipas_index, son.overall_pct, son.flagged_pct) == (
        0,
        None,
        None,
        None,
    )
    assert son.sample_sufficient is False and son.below_unit_average is False


def test_officers_are_compared_with_their_own_unit(month):
    province, _ = month
    rows = rows_by_code(evaluate_officers(province, MARCH))
    # Bình (commune B): TC 100, CC 0 → SIPAS 50, which is his whole commune's index: not below,
    # although the province's is (4 × 100 + 8/18 × 100) / 5 = 88.89.
    assert rows["CB-BINH"].sipas_index == approx(50)
    assert rows["CB-BINH"].below_unit_average is False
    assert rows["CB-MINH"].below_unit_average is True
    assert evaluate_officers(province, MARCH).unit_figures.sipas_index == approx(800 / 9)


def test_the_frame_has_the_csv_columns_rounded(month):
    _, commune_a = month
    frame = officer_frame(evaluate_officers(commune_a, MARCH))
    assert list(frame.columns) == list(CSV_COLUMNS)
    minh = frame[frame.officer_code == "CB-MINH"].iloc[0].tolist()
    assert minh == ["CB-MINH", "Trần Văn Minh", 5, 100.0, 85.0, 100.0, 100.0, 40.0, 100.0] + [
        None,
        4.4,
        3,
        60.0,
        "true",
        "true",
    ]
    son = frame[frame.officer_code == "CB-SON"].iloc[0].tolist()
    assert son[2:] == [0, None, None, None, None, None, None, None, None, 0, None, "false", "false"]


def test_the_csv_file(month):
    _, commune_a = month
    stream = io.StringIO()
    write_officer_csv(officer_frame(evaluate_officers(commune_a, MARCH)), stream)
    lines = stream.getvalue().split("\r\n")
    assert lines[0] == (
        "officer_code,officer_name,responses,overall_pct,sipas_index,TC,TT,CC,KQ,PA,"
        "mean_overall,flagged,flagged_pct,below_unit_average,sample_sufficient"
    )
    assert (
        "CB-MINH,Trần Văn Minh,5,100.0,85.0,100.0,100.0,40.0,100.0,,4.4,3,60.0,true,true" in lines
    )
    assert "CB-SON,Phạm Văn Sơn,0,,,,,,,,,0,,false,false" in lines


def test_numbers_are_rounded_to_two_decimals():
    unit = make_unit()
    officer = make_officer(unit=unit, code="CB-BA")
    for value in (5, 5, 2):
        make_response(
            officer=officer, answers={"CC1": value, "CHUNG": value}, submitted_at=local(3)
        )
    row = officer_frame(evaluate_officers(unit, MARCH)).iloc[0]
    # 2 of 3 → 66.666…; mean (5 + 5 + 2) / 3 = 4; 1 of 3 flagged → 33.333…
    assert (row["overall_pct"], row["CC"], row["mean_overall"]) == (66.67, 66.67, 4.0)
    assert (row["flagged"], row["flagged_pct"]) == (1, 33.33)
