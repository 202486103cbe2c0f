"""Tallies: every figure is the same counted from the responses alone, from the tallies, or from
tallies plus responses that came in after the last run; spam taken out and put back; months
in another time zone; a run counts each response once."""

from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine.interfaces import CacheStats

from analytics import counting
from analytics.arrivals import arrival_grid
from analytics.breakdowns import (
    figures_by_channel,
    figures_by_counter,
    figures_by_field,
    month_cube,
    rank_units,
)
from analytics.evaluation import evaluate_officers
from analytics.indices import ResponseFilter, compute_figures, monthly_trend
from analytics.report.counts import count_answer_levels
from survey_app.core.extensions import db
from survey_app.models import GRAINS, Channel, SurveyResponse, TallyState, UntalliedResponse
from survey_app.models.tallies import NOBODY, PersonResponseTally, PlaceResponseTally
from survey_app.services.responses.spam import mark_response_spam
from survey_app.services.tallies import tally_responses
from tests.helpers.builders import full_answers, make_counter, make_officer, make_response
from tests.helpers.report_data import MARCH, make_small_month, march

pytestmark = pytest.mark.usefixtures("app")

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@contextmanager
def responses_alone(monkeypatch):
    """Figures counted from the responses only, as before any tally run."""
    with monkeypatch.context() as patch:
        patch.setattr(counting, "tallied_zone", lambda: "")
        yield


def everything(province, commune, officer) -> dict:
    """Every kind of figure the pages and reports read, for March (and the months around)."""
    subtree = ResponseFilter.unit_subtree(province.id)
    return {
        "sheet": evaluate_officers(province, MARCH),
        "people": month_cube(province, MARCH).people,
        "places": month_cube(province, MARCH).places,
        "ranking": [(unit.code, figures) for unit, figures in rank_units(province, MARCH)],
        "trend": monthly_trend(subtree, MARCH.next(), 3),
        "levels": count_answer_levels(sorted(subtree.unit_ids), MARCH),
        "officer": compute_figures(ResponseFilter(officer_id=officer.id), MARCH),
        "commune": compute_figures(ResponseFilter(unit_ids=frozenset({commune.id})), MARCH),
        "fields": figures_by_field(province, MARCH),
        "arrivals": [arrival_grid(province, month) for month in (MARCH, MARCH.next())],
        "counters": figures_by_counter(province, MARCH),
        "channels": figures_by_channel(province, MARCH),
    }


def assert_same_as_responses_alone(monkeypatch, small) -> dict:
    found = everything(small.province, small.commune, small.an)
    with responses_alone(monkeypatch):
        assert found == everything(small.province, small.commune, small.an)
    return found


def add_later_responses(small):
    """After the first run: more for March (one flagged, on a counter), and 00:00 on 1 April."""
    counter = make_counter(unit=small.commune, code="Q-LATE")
    make_response(officer=small.an, answers=full_answers(TT2=2, PA1=None), submitted_at=march(20))
    make_response(counter=counter, channel=Channel.KIOSK, submitted_at=march(31, 23, 59))
    make_response(unit=small.commune, submitted_at=datetime(2026, 4, 1, tzinfo=HANOI))


def test_figures_are_the_same_from_tallies_and_from_responses(tree, monkeypatch):
    small = make_small_month(tree)
    before = assert_same_as_responses_alone(monkeypatch, small)

    run = tally_responses()

    assert run.responses == 9 and run.months == [MARCH]
    assert everything(small.province, small.commune, small.an) == before
    add_later_responses(small)
    after = assert_same_as_responses_alone(monkeypatch, small)
    assert after["sheet"].unit_figures.responses == 9 + 2  # the province
    assert tally_responses().months == [MARCH, MARCH.next()]
    assert everything(small.province, small.commune, small.an) == after


def test_the_hand_worked_small_month_from_the_tallies(tree):
    small = make_small_month(tree)
    tally_responses()
    figures = compute_figures(ResponseFilter(unit_ids=frozenset({small.commune.id})), MARCH)
    # By hand (tests/helpers/report_data.py): 8 responses, 2 flagged, SIPAS 99.5, CHUNG ≥ 4 in 7 of
    # 8.
    assert (figures.responses, figures.flagged) == (8, 2)
    assert figures.sipas_index == pytest.approx(99.5)
    assert figures.overall_pct == pytest.approx(87.5)
    levels = count_answer_levels([small.commune.id], MARCH)
    totals = [sum(found[level] for found in levels.by_item.values()) for level in range(5)]
    assert totals == [0, 1, 1, 19, 139]


def test_spam_leaves_the_figures_at_once_and_comes_back(tree, monkeypatch):
    small = make_small_month(tree)
    tally_responses()
    paper = db.session.scalar(sa.select(SurveyResponse).where(SurveyResponse.comment != ""))

    assert mark_response_spam(paper, spam=True, by=None)

    found = assert_same_as_responses_alone(monkeypatch, small)
    assert found["commune"].responses == 7 and found["commune"].flagged == 1
    tally_responses()
    assert everything(small.province, small.commune, small.an) == found
    mark_response_spam(paper, spam=False, by=None)
    assert assert_same_as_responses_alone(monkeypatch, small)["commune"].responses == 8
    tally_responses()
    assert everything(small.province, small.commune, small.an)["commune"].responses == 8


def test_runs_and_spam_marks_add_to_the_row_of_their_key(tree):
    small = make_small_month(tree)
    tally_responses()
    first = _tally_rows()
    spam = make_response(officer=small.an, submitted_at=march(2, 10))  # a key already there
    tally_responses()
    mark_response_spam(spam, spam=True, by=None)
    tally_responses()

    assert _tally_rows() == first
    an = sa.select(PersonResponseTally.responses).where(
        PersonResponseTally.officer_id == small.an.id
    )
    assert db.session.scalar(an) == 5  # 5 + 1 - 1
    by_qr_without_counter = sa.select(PlaceResponseTally.responses).where(
        PlaceResponseTally.unit_id == small.commune.id,
        PlaceResponseTally.counter_id == NOBODY,
        PlaceResponseTally.channel == Channel.QR,
    )
    assert db.session.scalar(by_qr_without_counter) == 4  # An's four by QR, + 1 - 1


def test_tallies_of_another_time_zone_are_not_used_and_are_redone(app, tree, monkeypatch):
    small = make_small_month(tree)
    # 23:30 on 31 March in Hanoi is 16:30 UTC: March in both zones; 00:30 on 1 April in Hanoi
    # is 17:30 on 31 March UTC.
    make_response(unit=small.commune, submitted_at=datetime(2026, 4, 1, 0, 30, tzinfo=HANOI))
    tally_responses()
    monkeypatch.setitem(app.config, "SURVEY_TIMEZONE", "UTC")

    in_utc = compute_figures(ResponseFilter(unit_ids=frozenset({small.commune.id})), MARCH)

    assert in_utc.responses == 9
    tally_responses()
    assert db.session.scalar(sa.select(TallyState.zone)) == "UTC"
    assert assert_same_as_responses_alone(monkeypatch, small)["commune"].responses == 9


def test_a_second_run_finds_nothing_new(tree):
    make_small_month(tree)
    tally_responses()
    assert tally_responses().responses == 0
    untallied = sa.select(sa.func.count()).select_from(UntalliedResponse)
    assert db.session.scalar(untallied) == 0


def test_a_later_run_compiles_no_statement_again(tree):
    """SQLAlchemy caches compiled statements by their tables: scratch tables made anew each run
    compiled the wide counting statements every time (0.3 s, most of a small run)."""
    make_small_month(tree)
    tally_responses()  # counts everything: the tallies were of no zone yet
    make_response(unit=tree[1], submitted_at=march(20))
    tally_responses()  # takes the queue
    make_response(unit=tree[1], submitted_at=march(21))
    compiled = []

    def note_compiled(conn, cursor, statement, parameters, context, executemany):
        if context.cache_hit is CacheStats.CACHE_MISS:
            compiled.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note_compiled)
    try:
        assert tally_responses().responses == 1
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note_compiled)
    assert compiled == []


def test_the_tally_command(invoke, tree):
    make_small_month(tree)
    result = invoke("report", "tally")
    assert result.exit_code == 0, result.output
    assert "Tallied 9 responses (months: 03/2026)" in result.output


def _tally_rows() -> list[int]:
    count = sa.select(sa.func.count())
    return [db.session.scalar(count.select_from(t)) for g in GRAINS for t in g.tables]


def test_an_officer_and_a_counter_of_the_same_month_after_a_run(tree, monkeypatch):
    small = make_small_month(tree)
    counter = make_counter(unit=small.commune, code="Q-1")
    lan = make_officer(unit=small.commune, code="CB-LAN")
    make_response(officer=lan, counter=counter, submitted_at=march(3))
    tally_responses()
    make_response(officer=lan, counter=counter, answers=full_answers(CC2=1), submitted_at=march(4))
    for response_filter in (
        ResponseFilter(officer_id=lan.id),
        ResponseFilter(counter_id=counter.id),
    ):
        found = compute_figures(response_filter, MARCH)
        with responses_alone(monkeypatch):
            assert compute_figures(response_filter, MARCH) == found
        assert (found.responses, found.flagged) == (2, 1)
