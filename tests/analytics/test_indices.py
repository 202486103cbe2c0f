"""The SIPAS formulas of domain.md §2, on small months worked out by hand."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pytest import approx

from analytics.indices import (
    MIN_SAMPLE,
    ResponseFilter,
    compute_figures,
    figures_by_month,
    is_below_average,
    min_sample,
    monthly_trend,
)
from survey_app.core.extensions import db
from survey_app.models import Factor
from survey_app.months import Month
from tests.helpers.builders import full_answers, make_officer, make_response, make_unit

pytestmark = pytest.mark.usefixtures("app")

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = Month(2025, 3)


def local(day: int, hour: int = 9, minute: int = 0, month: int = 3, year: int = 2025):
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def mark_spam(response) -> None:
    response.is_spam = True
    db.session.commit()


@pytest.fixture
def march():
    """Three responses and one spam in March 2025 (sipas-2023). Unanswered items are left out;
    nobody answered a PA item, so the PA factor has no data."""
    unit = make_unit()
    answers = [
        {"TC1": 5, "TC2": 4, "TT1": 3, "CC1": 5, "CC2": 2, "KQ1": 4, "CHUNG": 5},
        {"TC1": 5, "TC2": None, "TT1": 4, "CC1": 4, "CC2": 4, "KQ1": 5, "CHUNG": 4},
        {"TC1": 4, "TT1": 2, "CC1": 1, "KQ1": None, "CHUNG": 2},
    ]
    for day, values in enumerate(answers, start=3):
        make_response(unit=unit, answers=values, submitted_at=local(day))
    spam = make_response(unit=unit, answers=full_answers(value=1), submitted_at=local(20))
    mark_spam(spam)
    return unit


def test_item_indices_and_means_count_only_answered_items(march):
    figures = compute_figures(ResponseFilter(unit_ids=frozenset({march.id})), MARCH)
    items = {item.code: (item.answers, item.index, item.mean) for item in figures.items}
    # TC1 5,5,4 → 3 of 3 at ≥ 4 → 100, mean 14/3 · TC2 4 → 100, mean 4
    # TT1 3,4,2 → 1 of 3 → 33.33, mean 3 · CC1 5,4,1 → 2 of 3 → 66.67, mean 10/3
    # CC2 2,4 → 1 of 2 → 50, mean 3 · KQ1 4,5 → 2 of 2 → 100, mean 4.5
    # CHUNG 5,4,2 → 2 of 3 → 66.67, mean 11/3 (the spam response, all 1s, is not there at all).
    assert items == {
        "TC1": (3, approx(100), approx(14 / 3)),
        "TC2": (1, approx(100), approx(4)),
        "TT1": (3, approx(100 / 3), approx(3)),
        "CC1": (3, approx(200 / 3), approx(10 / 3)),
        "CC2": (2, approx(50), approx(3)),
        "KQ1": (2, approx(100), approx(4.5)),
        "CHUNG": (3, approx(200 / 3), approx(11 / 3)),
    }
    assert {item.instrument for item in figures.items} == {"sipas-2023"}


def test_factor_sipas_and_overall_figures(march):
    figures = compute_figures(ResponseFilter(unit_ids=frozenset({march.id})), MARCH)
    factors = {factor: (f.index, f.mean, f.answers) for factor, f in figures.factors.items()}
    # TC = mean(100, 100) = 100, mean (14/3 + 4)/2 = 13/3 · TT = 33.33, mean 3
    # CC = mean(66.67, 50) = 58.33, mean (10/3 + 3)/2 = 19/6 · KQ = 100, mean 4.5 · PA: no data
    assert factors == {
        Factor.ACCESS: (approx(100), approx(13 / 3), 4),
        Factor.PROCEDURES: (approx(100 / 3), approx(3), 3),
        Factor.OFFICERS: (approx(175 / 3), approx(19 / 6), 5),
        Factor.RESULTS: (approx(100), approx(4.5), 2),
        Factor.FEEDBACK: (None, None, 0),
    }
    # SIPAS = (100 + 100/3 + 175/3 + 100) / 4 = (875/3) / 4 = 875/12 = 72.92 (PA left out, not 0)
    # its mean = (13/3 + 3 + 19/6 + 4.5) / 4 = (26 + 18 + 19 + 27)/6 / 4 = 15/4 = 3.75
    assert figures.sipas_index == approx(875 / 12)
    assert figures.sipas_mean == approx(3.75)
    # Overall: CHUNG ≥ 4 in 2 of 3 responses; mean (5 + 4 + 2)/3. Flagged: the 1st (TT1 = 3,
    # CC2 = 2) and the 3rd; the 2nd has nothing at or below 3.
    assert (figures.responses, figures.flagged) == (3, 2)
    assert figures.overall_pct == approx(200 / 3)
    assert figures.mean_overall == approx(11 / 3)
    assert figures.flagged_pct == approx(200 / 3)


def test_a_month_without_responses_has_no_figures_rather_than_zeros(march):
    figures = compute_figures(ResponseFilter(unit_ids=frozenset({march.id})), Month(2025, 4))
    assert (figures.responses, figures.flagged, figures.items) == (0, 0, ())
    assert figures.overall_pct is figures.sipas_index is figures.mean_overall is None
    assert all(factor.index is None for factor in figures.factors.values())


def test_spam_is_left_out_of_every_figure():
    unit = make_unit()
    make_response(unit=unit, answers=full_answers(value=5), submitted_at=local(5))
    mark_spam(make_response(unit=unit, answers=full_answers(value=1), submitted_at=local(6)))
    figures = compute_figures(ResponseFilter(unit_ids=frozenset({unit.id})), MARCH)
    assert (figures.responses, figures.flagged) == (1, 0)
    assert figures.overall_pct == approx(100) and figures.sipas_index == approx(100)


def test_months_end_at_local_midnight_not_utc_midnight():
    unit = make_unit()
    # 23:59 local on 31 March is 16:59 UTC, 00:00 local on 1 April is 17:00 UTC: the same UTC
    # day, different local months. 00:00 local on 1 March is still 28 February in UTC.
    last_minute = make_response(unit=unit, answers={"CHUNG": 5}, submitted_at=local(31, 23, 59))
    next_month = make_response(unit=unit, answers={"CHUNG": 1}, submitted_at=local(1, 0, 0, 4))
    first_minute = make_response(unit=unit, answers={"CHUNG": 4}, submitted_at=local(1, 0, 0))
    assert last_minute.submitted_at.date() == next_month.submitted_at.date()
    assert first_minute.submitted_at == datetime(2025, 2, 28, 17, 0, tzinfo=UTC)
    found = figures_by_month(ResponseFilter(unit_ids=frozenset({unit.id})), [MARCH, Month(2025, 4)])
    assert found[MARCH].responses == 2 and found[MARCH].overall_pct == approx(100)
    assert found[Month(2025, 4)].responses == 1 and found[Month(2025, 4)].overall_pct == 0
    assert (
        compute_figures(ResponseFilter(unit_ids=frozenset({unit.id})), Month(2025, 2)).responses
        == 0
    )


def test_items_of_two_instruments_are_kept_apart():
    new_form = make_unit(instrument_code="sipas-2023")
    old_form = make_unit(instrument_code="sipas-2017")
    make_response(unit=new_form, answers={"CC1": 5, "CHUNG": 5}, submitted_at=local(2))
    make_response(unit=new_form, answers={"CC1": 4, "CHUNG": 4}, submitted_at=local(3))
    make_response(unit=old_form, answers={"CC1": 2, "CHUNG": 3}, submitted_at=local(4))
    both = ResponseFilter(unit_ids=frozenset({new_form.id, old_form.id}))
    figures = compute_figures(both, MARCH)
    cc1 = {item.instrument: item.index for item in figures.items if item.code == "CC1"}
    # CC1 of sipas-2023: 2 of 2 → 100; CC1 of sipas-2017: 0 of 1 → 0. CC = each instrument's
    # CC weighted by its responses with a CC answer: (2 × 100 + 1 × 0) / 3 = 66.67.
    assert cc1 == {"sipas-2023": approx(100), "sipas-2017": approx(0)}
    assert figures.factors[Factor.OFFICERS].index == approx(200 / 3)
    assert figures.sipas_index == approx(200 / 3)  # CC alone
    assert figures.overall_pct == approx(200 / 3)


def test_filters_by_officer_counter_and_unit_subtree():
    province = make_unit()
    commune = make_unit(parent=province)
    elsewhere = make_unit()
    lan, minh = make_officer(unit=commune), make_officer(unit=commune)
    for officer, count in ((lan, 2), (minh, 3)):
        for day in range(1, count + 1):
            make_response(officer=officer, submitted_at=local(day))
    make_response(unit=elsewhere, submitted_at=local(1))
    assert compute_figures(ResponseFilter(officer_id=lan.id), MARCH).responses == 2
    assert compute_figures(ResponseFilter(officer_id=minh.id), MARCH).responses == 3
    assert compute_figures(ResponseFilter.unit_subtree(province.id), MARCH).responses == 5
    assert compute_figures(ResponseFilter.unit_subtree(elsewhere.id), MARCH).responses == 1
    assert compute_figures(ResponseFilter(counter_id=-1), MARCH).responses == 0


def test_monthly_trend_lists_every_month_oldest_first():
    unit = make_unit()
    make_response(unit=unit, answers={"CHUNG": 5}, submitted_at=local(15, month=1))
    make_response(unit=unit, answers={"CHUNG": 2}, submitted_at=local(15, month=12, year=2024))
    trend = monthly_trend(ResponseFilter(unit_ids=frozenset({unit.id})), MARCH, months=4)
    assert [str(month) for month, _ in trend] == ["2024-12", "2025-01", "2025-02", "2025-03"]
    assert [figures.responses for _, figures in trend] == [1, 1, 0, 0]
    assert [figures.overall_pct for _, figures in trend] == [0, approx(100), None, None]


def test_below_the_minimum_sample_nothing_is_flagged():
    unit = make_unit()
    officer = make_officer(unit=unit)
    for day in range(1, MIN_SAMPLE):  # one short of the sample, all rated 3
        make_response(officer=officer, answers=full_answers(value=3), submitted_at=local(day))
    make_response(unit=unit, answers=full_answers(value=5), submitted_at=local(9))
    own = compute_figures(ResponseFilter(officer_id=officer.id), MARCH)
    whole_unit = compute_figures(ResponseFilter.unit_subtree(unit.id), MARCH)
    assert MIN_SAMPLE == 5 and own.responses == 4 and not own.has_sample(MIN_SAMPLE)
    assert is_below_average(own, whole_unit, MIN_SAMPLE) is None
    make_response(officer=officer, answers=full_answers(value=3), submitted_at=local(10))
    own = compute_figures(ResponseFilter(officer_id=officer.id), MARCH)
    whole_unit = compute_figures(ResponseFilter.unit_subtree(unit.id), MARCH)
    # Officer: every item at 3 → index 0. Unit: 1 of 6 responses at 5 → every item 16.67.
    assert own.sipas_index == 0 and whole_unit.sipas_index == approx(100 / 6)
    assert is_below_average(own, whole_unit, MIN_SAMPLE) is True
    assert is_below_average(whole_unit, whole_unit, MIN_SAMPLE) is False


def test_the_minimum_sample_is_a_setting(app, monkeypatch):
    assert min_sample() == MIN_SAMPLE
    monkeypatch.setitem(app.config, "SURVEY_MIN_SAMPLE", 10)
    assert min_sample() == 10


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # Hồ Chí Minh time is UTC+7 all year round.
        ("2025-03", datetime(2025, 2, 28, 17, tzinfo=UTC), datetime(2025, 3, 31, 17, tzinfo=UTC)),
        ("2024-12", datetime(2024, 11, 30, 17, tzinfo=UTC), datetime(2024, 12, 31, 17, tzinfo=UTC)),
    ],
)
def test_month_bounds_are_local_midnights_in_utc(text, start, end):
    assert Month.parse(text).bounds(LOCAL) == (start, end)


def test_months_step_across_years():
    assert Month(2025, 1).previous() == Month(2024, 12)
    assert Month(2024, 12).next() == Month(2025, 1)
    assert Month(2025, 3).shifted(-14) == Month(2024, 1)
    assert Month(2025, 3).slashed() == "03/2025" and str(Month(2025, 3)) == "2025-03"


@pytest.mark.parametrize("text", ["2025-13", "2025-00", "2025-3", "25-03", "März", "", "0001-01"])
def test_a_month_that_does_not_exist_is_refused(text):
    with pytest.raises(ValueError):
        Month.parse(text)
