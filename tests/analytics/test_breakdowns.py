"""A month split by counter, channel, field, child unit and arrival time, worked out by hand."""

import uuid
from datetime import datetime

import pytest
import sqlalchemy as sa
from pytest import approx

from analytics import breakdowns
from analytics.breakdowns import (
    figures_by_channel,
    figures_by_counter,
    figures_by_field,
    rank_units,
)
from analytics.evaluation import evaluate_officers
from analytics.indices import ResponseFilter, compute_figures
from survey_app.core.extensions import db
from survey_app.models import Channel, Counter, Factor, TicketChannel, TicketStatus
from survey_app.services.procedures import create_procedure
from survey_app.services.tickets.opening import TicketRequest, open_ticket
from tests.helpers.builders import (
    full_answers,
    make_counter,
    make_officer,
    make_response,
    make_unit,
)
from tests.helpers.local_times import MARCH, local

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def commune():
    """March 2025. Q1 (civil status): Mon 3rd 08:00 QR {CC1 5, CHUNG 5} and 08:30 kiosk
    {CC1 3, CHUNG 4}. Q2 (land): Mon 31st 23:59:59 paper {CC1 2, CHUNG 2}, for a construction
    procedure. No counter: Sun 9th 14:00 web {CHUNG 5}. Not in March: a response at 00:00 on
    1 April and a spam one. Q3 is active but not rated, Q4 inactive and not rated."""
    unit = make_unit(code="XA")
    q1 = make_counter(unit=unit, code="Q1", name="Quầy 1", field="Tư pháp - Hộ tịch")
    q2 = make_counter(unit=unit, code="Q2", name="Quầy 2", field="Đất đai")
    make_counter(unit=unit, code="Q3", name="Quầy 3", field="Đất đai")
    make_counter(unit=unit, code="Q4", name="Quầy 4").active = False
    make_response(counter=q1, answers={"CC1": 5, "CHUNG": 5}, submitted_at=local(3, 8))
    make_response(
        counter=q1,
        answers={"CC1": 3, "CHUNG": 4},
        channel=Channel.KIOSK,
        submitted_at=local(3, 8, 30),
    )
    late_night = make_response(
        counter=q2,
        answers={"CC1": 2, "CHUNG": 2},
        channel=Channel.PAPER,
        submitted_at=local(31, 23, 59, 59),
    )
    late_night.procedure = create_procedure(
        code="XD-01", name="Cấp phép xây dựng", field="Xây dựng"
    )
    make_response(unit=unit, answers={"CHUNG": 5}, channel=Channel.WEB, submitted_at=local(9, 14))
    make_response(counter=q1, answers={"CHUNG": 1}, submitted_at=local(1, 0, month=4))
    make_response(counter=q1, answers=full_answers(value=1), submitted_at=local(4)).is_spam = True
    db.session.commit()
    return unit


def test_by_counter(commune):
    found = {counter.code: figures for counter, figures in figures_by_counter(commune, MARCH)}
    assert list(found) == ["Q1", "Q2", "Q3"]
    # Q1: CC1 5, 3 → 1 of 2 → 50; CHUNG 5, 4 → 100 %. Q2: CC1 2 → 0; CHUNG 2 → 0 %.
    assert (found["Q1"].responses, found["Q1"].flagged) == (2, 1)
    assert found["Q1"].factors[Factor.OFFICERS].index == approx(50)
    assert found["Q1"].overall_pct == approx(100) and found["Q1"].mean_overall == approx(4.5)
    assert (found["Q2"].responses, found["Q2"].sipas_index, found["Q2"].overall_pct) == (1, 0, 0)
    assert (found["Q3"].responses, found["Q3"].sipas_index) == (0, None)


def test_by_channel_lists_every_channel(commune):
    found = figures_by_channel(commune, MARCH)
    assert [(channel, figures.responses) for channel, figures in found] == [
        (Channel.QR, 1),
        (Channel.KIOSK, 1),
        (Channel.WEB, 1),
        (Channel.PAPER, 1),
    ]
    kiosk = dict(found)[Channel.KIOSK]
    assert kiosk.flagged == 1 and kiosk.overall_pct == approx(100)


def test_by_field_prefers_the_procedure_field_over_the_counter_field(commune):
    found = dict(figures_by_field(commune, MARCH))
    assert set(found) == {"Tư pháp - Hộ tịch", "Xây dựng", None}
    assert found["Tư pháp - Hộ tịch"].responses == 2
    assert (found["Xây dựng"].responses, found["Xây dựng"].overall_pct) == (1, 0)
    assert found[None].responses == 1 and found[None].overall_pct == approx(100)
    assert list(found)[-1] is None


@pytest.fixture
def province():
    """Children of P: A (3 responses, and 2 in its own child A1, all 5s), B (5 responses, CC1 3
    and TC1 5), C (inactive, nothing), D (2 responses of 5s: under the sample)."""
    province = make_unit(code="P", name="Tỉnh P")
    a = make_unit(code="A", name="Xã A", parent=province)
    a1 = make_unit(code="A1", name="Tổ A1", parent=a)
    b = make_unit(code="B", name="Xã B", parent=province)
    c = make_unit(code="C", name="Xã C", parent=province)
    c.active = False
    d = make_unit(code="D", name="Xã D", parent=province)
    for unit, count, answers in (
        (a, 3, {"TC1": 5, "CC1": 5, "CHUNG": 5}),
        (a1, 2, {"TC1": 5, "CC1": 4, "CHUNG": 4}),
        (b, 5, {"TC1": 5, "CC1": 3, "CHUNG": 4}),
        (d, 2, {"TC1": 5, "CHUNG": 5}),
    ):
        for day in range(1, count + 1):
            make_response(unit=unit, answers=answers, submitted_at=local(day))
    return province


def test_rank_units_by_sipas_small_samples_last(province):
    ranked = [(unit.code, figures) for unit, figures in rank_units(province, MARCH)]
    assert [code for code, _ in ranked] == ["A", "B", "D"]
    figures = dict(ranked)
    # A with A1: 5 responses, every item at 4 or 5 → 100. B: TC 100, CC 0 → 50.
    assert (figures["A"].responses, figures["A"].sipas_index) == (5, approx(100))
    assert (figures["B"].responses, figures["B"].sipas_index) == (5, approx(50))
    assert figures["D"].responses == 2


def test_subtree_sums_equal_a_direct_count(province):
    for unit, figures in rank_units(province, MARCH):
        direct = compute_figures(ResponseFilter.unit_subtree(unit.id), MARCH)
        assert figures == direct


def rated_ticket(unit, rating: int, at: datetime, **owners) -> None:
    request = TicketRequest(
        client_ref=uuid.uuid4().hex,
        unit=unit,
        content="Phải chờ quá lâu.",
        channel=TicketChannel.WEB,
        **owners,
    )
    ticket = open_ticket(request).ticket
    ticket.status, ticket.answer = TicketStatus.ANSWERED, "Đã trả lời."
    ticket.handling_rating, ticket.rated_at = rating, at
    db.session.commit()


def test_complaint_ratings_count_for_the_unit_not_its_officer_counter_or_channel(commune):
    q1 = db.session.scalar(sa.select(Counter).where(Counter.code == "Q1"))
    lan = make_officer(unit=commune, code="CB-LAN")
    make_response(officer=lan, counter=q1, answers={"PA1": 5, "CHUNG": 5}, submitted_at=local(5))
    rated_ticket(commune, 2, local(6), officer=lan, counter=q1)
    # Lan: PA1 5 → 100; the complaint naming her, rated 2, is the unit's alone (domain.md §2).
    sheet = evaluate_officers(commune, MARCH)
    lan_row = {row.officer_code: row for row in sheet.officers}["CB-LAN"]
    assert lan_row.factors["PA"] == approx(100)
    assert "PA-XL" in {item.code for item in sheet.unit_figures.items}
    own = compute_figures(ResponseFilter(officer_id=lan.id), MARCH)
    assert lan_row.sipas_index == own.sipas_index
    counter = dict((c.code, f) for c, f in figures_by_counter(commune, MARCH))["Q1"]
    assert counter == compute_figures(ResponseFilter(counter_id=q1.id), MARCH)
    qr = dict(figures_by_channel(commune, MARCH))[Channel.QR]
    assert "PA-XL" not in {item.code for item in qr.items}


def test_the_officer_evaluation_counts_only_by_person(commune, monkeypatch):
    counted = []
    real = breakdowns.grouped_counts
    monkeypatch.setattr(
        breakdowns,
        "grouped_counts",
        lambda *args, **kwargs: counted.append(args[1]) or real(*args, **kwargs),
    )
    evaluate_officers(commune, MARCH)
    assert counted == [breakdowns.BY_PERSON]
