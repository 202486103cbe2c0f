"""Issue 18, part 3: complaint ratings count toward the unit's PA only, never an officer's; the
factor index of several instruments in one month is weighted by their responses (domain.md §2,
revised); the same from the tallies and from the responses alone."""

import io
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pytest import approx

from analytics import counting
from analytics.evaluation import evaluate_officers, officer_frame, write_officer_csv
from analytics.indices import ResponseFilter, compute_figures
from survey_app.models import Channel, Factor
from survey_app.months import Month
from survey_app.services.responses.spam import mark_response_spam
from survey_app.services.tallies import tally_responses
from tests.helpers.builders import (
    full_answers,
    make_officer,
    make_rated_ticket,
    make_response,
    make_unit,
)

pytestmark = pytest.mark.usefixtures("app")

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = Month(2026, 3)


def march(day: int) -> datetime:
    return datetime(2026, 3, day, 9, tzinfo=HANOI)


def with_and_without_tallies(monkeypatch, count):
    """`count()` from the responses alone, then after a tally run: they must agree."""
    with monkeypatch.context() as patch:
        patch.setattr(counting, "tallied_zone", lambda: "")
        raw = count()
    tally_responses()
    tallied = count()
    assert tallied == raw
    return tallied


def officer_view(unit, officer):
    sheet = evaluate_officers(unit, MARCH)
    row = {row.officer_code: row for row in sheet.officers}[officer.code]
    csv = io.StringIO()
    write_officer_csv(officer_frame(sheet), csv)
    own = compute_figures(ResponseFilter(officer_id=officer.id), MARCH)
    unit_pa = sheet.unit_figures.factors[Factor.FEEDBACK].index
    officer_line = next(line for line in csv.getvalue().splitlines() if officer.code in line)
    return row, officer_line, own, unit_pa


def test_three_complaint_ratings_naming_an_officer_leave_the_officer_unchanged(monkeypatch):
    unit = make_unit()
    lan = make_officer(unit=unit, code="CB-LAN")
    for day, pa in enumerate((5, 5, 5, 5, 3, 4, 5, 5, 4), start=2):
        answers = full_answers(PA1=pa, PA2=pa, PA3=pa)
        make_response(officer=lan, answers=answers, submitted_at=march(day))
    before = with_and_without_tallies(monkeypatch, lambda: officer_view(unit, lan))

    for day in (20, 21, 22):
        make_rated_ticket(unit=unit, officer=lan, rating=1, rated_at=march(day))
    after = with_and_without_tallies(monkeypatch, lambda: officer_view(unit, lan))

    row, csv_line, own, unit_pa = after
    # The sheet's row (but for its reference: the unit's figure moved), its CSV line, her page.
    assert (replace(row, reference_sipas=None), csv_line, own) == (
        replace(before[0], reference_sipas=None),
        *before[1:3],
    )
    assert row.reference_sipas < before[0].reference_sipas
    assert own.responses == 9 and own.factors[Factor.FEEDBACK].index == approx(800 / 9)
    assert "PA-XL" not in {item.code for item in own.items}
    # The unit's PA: 9 responses at 88.89 and 3 ratings at 0: (9 × 88.89 + 3 × 0) / 12 = 66.67.
    assert before[3] == approx(800 / 9)
    assert unit_pa == approx(800 / 12)


def cc_month(unit):
    """100 sipas-2023 responses with CC 90 and 5 kiosk ratings with CC 40."""
    for n in range(100):
        value = 5 if n < 90 else 2
        answers = full_answers(CC1=value, CC2=value, CC3=value, CC4=value, CC5=value)
        make_response(unit=unit, answers=answers, submitted_at=march(2 + n % 20))
    for n in range(5):
        value = 5 if n < 2 else 2
        answers = {"TC": 5, "TT": 5, "CC": value, "KQ": 5, "PA": 5, "CHUNG": 5}
        make_response(
            unit=unit,
            answers=answers,
            channel=Channel.KIOSK,
            instrument_code="kiosk-5",
            submitted_at=march(3 + n),
        )


def test_the_hand_worked_mixed_instrument_month(monkeypatch):
    unit = make_unit()
    cc_month(unit)
    subtree = ResponseFilter.unit_subtree(unit.id)

    figures = with_and_without_tallies(monkeypatch, lambda: compute_figures(subtree, MARCH))

    cc = {item.instrument: item.index for item in figures.items if item.code.startswith("CC")}
    assert cc == {"sipas-2023": approx(90), "kiosk-5": approx(40)}
    # (100 × 90 + 5 × 40) / 105 = 87.62; the old rule, a mean over the six items, gave 81.67.
    assert figures.factors[Factor.OFFICERS].index == approx(9200 / 105)
    assert round(figures.factors[Factor.OFFICERS].index, 2) == 87.62
    assert figures.weights[("sipas-2023", Factor.OFFICERS)] == 100
    assert figures.weights[("kiosk-5", Factor.OFFICERS)] == 5


def test_a_response_without_an_answer_in_a_factor_does_not_weigh_in_it(monkeypatch):
    unit = make_unit()
    make_response(unit=unit, answers={"CC1": 5, "CHUNG": 5}, submitted_at=march(2))
    make_response(unit=unit, answers={"TC1": 2, "CHUNG": 3}, submitted_at=march(3))
    make_response(
        unit=unit,
        answers={"CC": 2, "CHUNG": 3},
        channel=Channel.KIOSK,
        instrument_code="kiosk-5",
        submitted_at=march(4),
    )
    subtree = ResponseFilter.unit_subtree(unit.id)
    figures = with_and_without_tallies(monkeypatch, lambda: compute_figures(subtree, MARCH))
    # CC: sipas-2023 100 from 1 response (the second answered no CC), kiosk 0 from 1: 50.
    assert figures.factors[Factor.OFFICERS].index == approx(50)
    assert figures.weights[("sipas-2023", Factor.OFFICERS)] == 1


def test_one_instrument_keeps_the_mean_of_its_items(monkeypatch):
    unit = make_unit()
    make_response(unit=unit, answers={"CC1": 5, "CC2": 2, "CHUNG": 5}, submitted_at=march(2))
    make_response(unit=unit, answers={"CC1": 5, "CHUNG": 5}, submitted_at=march(3))
    figures = compute_figures(ResponseFilter.unit_subtree(unit.id), MARCH)
    # CC1 100, CC2 0: the SIPAS method's mean of the items, 50, whatever the weights.
    assert figures.factors[Factor.OFFICERS].index == approx(50)


def test_spam_comes_out_of_the_weights_too(monkeypatch):
    unit = make_unit()
    cc_month(unit)
    tally_responses()
    kiosk = make_response(
        unit=unit,
        answers={"CC": 1, "CHUNG": 1},
        channel=Channel.KIOSK,
        instrument_code="kiosk-5",
        submitted_at=march(9),
    )
    tally_responses()
    mark_response_spam(kiosk, spam=True, by=None)
    subtree = ResponseFilter.unit_subtree(unit.id)
    figures = with_and_without_tallies(monkeypatch, lambda: compute_figures(subtree, MARCH))
    assert figures.weights[("kiosk-5", Factor.OFFICERS)] == 5
    assert round(figures.factors[Factor.OFFICERS].index, 2) == 87.62
