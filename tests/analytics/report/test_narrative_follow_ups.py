"""The report's text says how the flagged responses were followed up (issue 17: "responses rated
"Bình thường" or below and how many were followed up"), and a closed month keeps the follow-up
and the ratings left out as they stood at closing: its frozen text quotes them."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from analytics.report.contents import build_monthly_report
from survey_app.core.extensions import db
from survey_app.models import FollowUpState, HoldReason, Role
from survey_app.models import SurveyResponse as Response
from survey_app.services.follow_ups.handling import FollowUpChange, update_follow_ups
from survey_app.services.month_close import close_month
from tests.helpers.builders import full_answers, make_response, make_user
from tests.helpers.report_data import HANOI, MARCH, make_small_month, march

# The two flagged responses of the small month arrive on 10 and 12 March: due on the 13th and
# the 17th at the end of office hours (3 working days after).
ON_TIME = datetime(2026, 3, 13, 9, tzinfo=HANOI)


@pytest.fixture
def month(app, tree):
    found = make_small_month(tree)
    for response in db.session.scalars(sa.select(Response)):
        response.received_at = response.submitted_at  # arrived when given, as a QR rating does
    db.session.commit()
    return found


@pytest.fixture
def manager(month):
    return make_user(role=Role.MANAGER, unit=month.commune)


def flagged_responses(unit):
    query = sa.select(Response).where(Response.unit_id == unit.id, Response.flagged)
    return db.session.scalars(query.order_by(Response.submitted_at)).all()


def follow_up(responses, manager, now):
    change = FollowUpChange(FollowUpState.DONE, None, "Đã gọi điện trao đổi với người dân.", "")
    update_follow_ups(responses, change, actor=manager, now=now)


def test_the_text_says_how_many_flagged_responses_were_followed_up_and_on_time(month, manager):
    first, _second = flagged_responses(month.commune)
    follow_up([first], manager, ON_TIME)

    narrative = build_monthly_report(month.commune, MARCH).narrative

    assert (
        "Có 2 phiếu (25,00% số phiếu) đánh giá ít nhất một nội dung ở mức “Bình thường” trở "
        "xuống. Đơn vị đã liên hệ, tìm hiểu và xử lý 1 phiếu (đúng thời hạn 03 ngày làm việc: 1, "
        "quá hạn: 0); còn 1 phiếu đang xử lý, trong đó 1 phiếu đã quá hạn (danh sách tại Phụ lục)."
    ) in narrative.assessment
    assert "- 1 phiếu trong số đó không được xử lý đúng thời hạn." in narrative.shortcomings
    assert "xử lý các phiếu đánh giá ở mức “Bình thường” trở xuống trong thời hạn 03 ngày" in (
        narrative.proposals
    )


def test_all_followed_up_on_time_leaves_no_shortcoming(month, manager):
    follow_up(flagged_responses(month.commune), manager, datetime(2026, 3, 12, 15, tzinfo=HANOI))

    narrative = build_monthly_report(month.commune, MARCH).narrative

    assert "xử lý 2 phiếu (đúng thời hạn 03 ngày làm việc: 2, quá hạn: 0) (danh sách" in (
        narrative.assessment
    )
    assert "không được xử lý đúng thời hạn" not in narrative.shortcomings
    assert "trong thời hạn 03 ngày" not in narrative.proposals


def test_a_closed_month_keeps_the_follow_up_and_the_ratings_left_out_of_its_closing(month, manager):
    first, second = flagged_responses(month.commune)
    follow_up([first], manager, ON_TIME)
    close_month(month.commune, MARCH, by=None)
    published = build_monthly_report(month.commune, MARCH)

    # After the closing: the other response is followed up (late), a held rating arrives.
    follow_up([second], manager, datetime(2026, 4, 2, 9, tzinfo=HANOI))
    held = make_response(unit=month.commune, submitted_at=march(20), answers=full_answers())
    held.held, held.hold_reason = True, HoldReason.TARGET_BURST
    db.session.commit()
    later = build_monthly_report(month.commune, MARCH)

    assert (published.follow_ups.on_time, published.follow_ups.open) == (1, 1)
    assert later.follow_ups == published.follow_ups
    assert later.participation.integrity == published.participation.integrity
    assert later.participation.integrity.held == 0
    assert "còn 1 phiếu đang xử lý" in later.narrative.assessment  # the frozen text agrees


def test_nothing_followed_up_yet_is_said_in_words_not_as_zeros(month):
    narrative = build_monthly_report(month.commune, MARCH).narrative

    assert (
        "trở xuống. Đơn vị chưa xử lý xong phiếu nào; còn 2 phiếu đang xử lý, trong đó 2 phiếu "
        "đã quá hạn (danh sách tại Phụ lục)."
    ) in narrative.assessment
    assert "xử lý 0 phiếu" not in narrative.assessment
