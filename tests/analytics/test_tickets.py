from datetime import date, datetime, timedelta, timezone

from analytics.tickets import TicketFigures, ticket_figures
from survey_app.models import Role, TicketChannel
from survey_app.months import Month
from survey_app.services.tickets import handling
from survey_app.services.tickets.opening import TicketRequest, open_ticket
from tests.helpers.builders import make_unit, make_user

HANOI = timezone(timedelta(hours=7))


def local(month, day, hour=10, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=HANOI)


def filed(unit, ref, received_at):
    request = TicketRequest(
        client_ref=ref,
        unit=unit,
        content="Phản ánh.",
        channel=TicketChannel.WEB,
        received_at=received_at,
    )
    return open_ticket(request).ticket


def answered(ticket, manager, when):
    handling.answer_ticket(ticket, "Đã trả lời công dân.", actor=manager, now=when)


def test_figures_of_a_hand_made_month(app):
    unit, elsewhere = make_unit(), make_unit()
    manager = make_user(role=Role.MANAGER, unit=unit)
    # Due Mon 2/3 17:00, answered that morning: on time, 3 working days (26/2, 27/2, 2/3).
    answered(filed(unit, "a", local(2, 25)), manager, local(3, 2, 9))
    # Due Thu 5/3, rejected Wed 4/3: a rejection counts as answered on time, 2 days.
    handling.reject_ticket(
        filed(unit, "b", local(3, 2)), "Không thuộc thẩm quyền.", actor=manager, now=local(3, 4)
    )
    # Due Fri 6/3, extended to Fri 13/3, answered Tue 10/3: after extension, 5 days.
    extended = filed(unit, "c", local(3, 3))
    handling.extend_ticket(extended, date(2026, 3, 13), "Cần xác minh", actor=manager)
    answered(extended, manager, local(3, 10))
    # Due Mon 9/3, answered Thu 12/3: late, 6 days.
    answered(filed(unit, "d", local(3, 4)), manager, local(3, 12))
    filed(unit, "e", local(3, 5))  # due Tue 10/3, never answered: overdue in March
    filed(unit, "f", local(3, 30))  # due Thu 2/4: open, not late in March
    # Due Wed 25/3, answered 1/4: overdue open in March, answered late in April.
    answered(filed(unit, "g", local(3, 20)), manager, local(4, 1))
    filed(unit, "i", local(3, 31, 23, 30))  # still March in Hà Nội, although 16:30 UTC
    filed(unit, "j", local(4, 1, 0, 30))  # April in Hà Nội, although 31/3 UTC
    filed(elsewhere, "k", local(3, 10))

    march = ticket_figures([unit.id], Month(2026, 3))

    assert march == TicketFigures(
        received=7,
        answered=4,
        on_time=2,
        on_time_after_extension=1,
        late_answered=1,
        overdue_open=2,
        still_open=4,
        average_working_days=4.0,
    )
    assert march.late == 3


def test_late_open_ticket_counts_late_again_when_answered(app):
    unit = make_unit()
    manager = make_user(role=Role.MANAGER, unit=unit)
    answered(filed(unit, "g", local(3, 20)), manager, local(4, 1))
    april = ticket_figures([unit.id], Month(2026, 4))
    assert (april.answered, april.late_answered, april.overdue_open, april.still_open) == (
        1,
        1,
        0,
        0,
    )


def test_empty_month_has_no_average(app):
    figures = ticket_figures([make_unit().id], Month(2026, 3))
    assert figures.received == figures.answered == 0
    assert figures.average_working_days is None
