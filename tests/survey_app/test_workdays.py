"""The working-day calendar and the answer deadline (domain.md §3), with dates worked out by hand.

Deadline: 17:00 local on the Nth working day after the day of receipt (N = 3 unless said).
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from survey_app.cli.calendar import calendar_group
from survey_app.core.extensions import db
from survey_app.models import CalendarOverride
from survey_app.workdays import (
    WorkCalendar,
    answer_due,
    days_off,
    is_due_soon,
    is_working_day,
    next_working_day,
    working_day_before,
    working_days_between,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def local(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HANOI)


def due(received: datetime, days: int = 3) -> datetime:
    return answer_due(received, days).astimezone(HANOI)


@pytest.fixture
def override(app):
    """Add overrides for one test; the table is seeded, so they are removed afterwards."""
    added = []

    def add(day: date, is_working_day: bool, name: str = "Thử", source: str = "Test") -> None:
        db.session.add(
            CalendarOverride(day=day, is_working_day=is_working_day, name=name, source=source)
        )
        db.session.commit()
        added.append(day)

    yield add
    db.session.execute(sa.delete(CalendarOverride).where(CalendarOverride.day.in_(added)))
    db.session.commit()


def test_tet_2025_received_the_friday_before(app):
    # Fri 24/01: Sat 25, Sun 26 weekend; Mon 27 (29 Tết) to Sat 01/02 (mùng 4) off; Sun 02/02;
    # Mon 03/02 = 1, Tue 04/02 = 2, Wed 05/02 = 3.
    assert due(local(2025, 1, 24)) == local(2025, 2, 5, 17)


def test_tet_2026(app):
    # Fri 13/02 10:00: Sat 14, Sun 15; Mon 16 (giao thừa) to Fri 20 (mùng 4) off; Sat 21, Sun 22;
    # Mon 23 = 1, Tue 24 = 2, Wed 25 = 3.
    assert due(local(2026, 2, 13)) == local(2026, 2, 25, 17)


def test_tet_2027(app):
    # Wed 03/02/2027: Thu 04 (29 Tết) to Wed 10 (mùng 5) off; Thu 11 = 1, Fri 12 = 2,
    # (weekend), Mon 15 = 3.
    assert due(local(2027, 2, 3)) == local(2027, 2, 15, 17)


def test_the_30_4_and_1_5_bridge_of_2025(app):
    # Tue 29/04: Wed 30/04, Thu 01/05 off, Fri 02/05 off (swapped with Sat 26/04); weekend;
    # Mon 05/05 = 1, Tue 06 = 2, Wed 07 = 3.
    assert due(local(2025, 4, 29)) == local(2025, 5, 7, 17)


def test_the_make_up_saturday_of_2025_counts(app):
    # Thu 24/04: Fri 25 = 1, Sat 26 (make-up day for Fri 02/05) = 2, Mon 28 = 3.
    assert due(local(2025, 4, 24)) == local(2025, 4, 28, 17)


def test_the_national_day_swap_of_2026(app):
    # The package carries the Government's swap: Mon 31/08 off for Sat 22/08, plus Tue 01/09
    # and Wed 02/09 (National Day and its adjacent day). Fri 28/08: weekend; Mon 31, Tue 1,
    # Wed 2 off; Thu 03/09 = 1, Fri 04 = 2, Mon 07 = 3.
    assert due(local(2026, 8, 28)) == local(2026, 9, 7, 17)
    # Thu 20/08: Fri 21 = 1, Sat 22 (make-up) = 2, Mon 24 = 3.
    assert due(local(2026, 8, 20)) == local(2026, 8, 24, 17)


def test_a_complaint_filed_on_a_saturday_counts_from_the_next_working_day(app):
    # Sat 07/03/2026: Sun 08; Mon 09 = 1, Tue 10 = 2, Wed 11 = 3 — as if filed on Friday.
    assert due(local(2026, 3, 7, 14)) == local(2026, 3, 11, 17)
    assert due(local(2026, 3, 6, 14)) == local(2026, 3, 11, 17)


def test_after_office_hours_the_day_of_receipt_is_still_not_counted(app):
    # Mon 09/03/2026 20:00 counts like Mon 08:00: Tue 10 = 1, Wed 11 = 2, Thu 12 = 3.
    assert due(local(2026, 3, 9, 20)) == local(2026, 3, 12, 17)
    assert due(local(2026, 3, 9, 8)) == local(2026, 3, 12, 17)


def test_the_day_of_receipt_is_the_local_day_not_the_utc_day(app):
    # Tue 10/03 06:00 in Hà Nội is still Mon 09/03 23:00 UTC: counted from Tuesday,
    # Wed 11 = 1, Thu 12 = 2, Fri 13 = 3.
    received = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)
    assert due(received) == local(2026, 3, 13, 17)


def test_a_complaint_filed_on_a_holiday_eve(app):
    # Wed 29/04/2026 16:00: Thu 30/04, Fri 01/05 off; weekend; Mon 04/05 = 1, Tue 05 = 2,
    # Wed 06 = 3.
    assert due(local(2026, 4, 29, 16)) == local(2026, 5, 6, 17)
    # Thu 31/12/2026: Fri 01/01/2027 off; weekend; Mon 04 = 1, Tue 05 = 2, Wed 06 = 3.
    assert due(local(2026, 12, 31, 16)) == local(2027, 1, 6, 17)


def test_the_seeded_new_year_swap_of_2026(app):
    # Wed 31/12/2025: Thu 01/01 holiday, Fri 02/01 off (override); weekend; Mon 05 = 1,
    # Tue 06 = 2, Wed 07 = 3.
    assert due(local(2025, 12, 31)) == local(2026, 1, 7, 17)
    # Thu 08/01: Fri 09 = 1, Sat 10 (make-up day, override) = 2, Mon 12 = 3.
    assert due(local(2026, 1, 8)) == local(2026, 1, 12, 17)
    assert not is_working_day(date(2026, 1, 2))
    assert is_working_day(date(2026, 1, 10))


def test_an_override_wins_over_the_package(app, override):
    override(date(2026, 2, 20), True)  # mùng 4 Tết made a working day
    override(date(2026, 3, 10), False)  # an ordinary Tuesday made a day off
    # Fri 13/02: Fri 20/02 = 1, Mon 23 = 2, Tue 24 = 3.
    assert due(local(2026, 2, 13)) == local(2026, 2, 24, 17)
    # Mon 09/03: Tue 10 off; Wed 11 = 1, Thu 12 = 2, Fri 13 = 3.
    assert due(local(2026, 3, 9)) == local(2026, 3, 13, 17)


def test_culture_day_is_a_working_day_unless_switched_on(app, monkeypatch):
    # Mon 23/11/2026. Switch off: Tue 24 = 1, Wed 25 = 2, Thu 26 = 3.
    assert due(local(2026, 11, 23)) == local(2026, 11, 26, 17)
    assert date(2026, 11, 24) not in [entry.day for entry in days_off(2026)]
    # Switch on: Tue 24 off; Wed 25 = 1, Thu 26 = 2, Fri 27 = 3.
    monkeypatch.setitem(app.config, "SURVEY_CULTURE_DAY_OFF", "true")
    assert due(local(2026, 11, 23)) == local(2026, 11, 27, 17)
    assert date(2026, 11, 24) in [entry.day for entry in days_off(2026)]


def test_an_override_wins_over_the_culture_day_switch(app, monkeypatch, override):
    monkeypatch.setitem(app.config, "SURVEY_CULTURE_DAY_OFF", True)
    override(date(2026, 11, 24), True)
    assert is_working_day(date(2026, 11, 24))


def test_days_off_merge_the_package_and_the_overrides(app, override):
    override(date(2026, 6, 1), False, "Nghỉ thử", "Quyết định 1/QĐ-TEST")
    listed = {entry.day: entry for entry in days_off(2026)}
    assert listed[date(2026, 2, 17)].name == "Tết Nguyên Đán"
    assert listed[date(2026, 2, 17)].from_override is False
    assert "12729/VPCP-KGVX" in listed[date(2026, 1, 2)].source
    assert (listed[date(2026, 6, 1)].name, listed[date(2026, 6, 1)].from_override) == (
        "Nghỉ thử",
        True,
    )
    assert date(2026, 1, 10) not in listed  # the make-up Saturday is a working day
    assert list(listed) == sorted(listed)


def test_neighbouring_working_days(app):
    assert next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    assert working_day_before(date(2026, 2, 23)) == date(2026, 2, 13)
    assert next_working_day(date(2026, 1, 9)) == date(2026, 1, 10)


def test_working_days_between_counts_like_the_deadline(app):
    received = local(2026, 2, 13)
    assert working_days_between(received, local(2026, 2, 25, 16)) == 3
    assert working_days_between(received, local(2026, 2, 13, 16)) == 0
    assert working_days_between(received, local(2026, 2, 21, 9)) == 0  # answered during Tết
    assert working_days_between(received, local(2026, 2, 12)) == 0


def test_due_soon_means_due_today_or_on_the_next_working_day(app):
    due_at = answer_due(local(2026, 2, 13), 3)  # Wed 25/02 17:00
    assert is_due_soon(due_at, local(2026, 2, 24, 9))
    assert is_due_soon(due_at, local(2026, 2, 25, 16, 59))
    assert not is_due_soon(due_at, local(2026, 2, 23, 9))
    assert not is_due_soon(due_at, local(2026, 2, 20, 9))  # Tết: next working day is Mon 23
    assert not is_due_soon(due_at, local(2026, 2, 25, 18))  # already late


def test_naive_times_are_refused(app):
    with pytest.raises(ValueError, match="time zone"):
        answer_due(datetime(2026, 2, 13, 10), 3)


def test_one_deadline_reads_the_overrides_once_per_year(app):
    statements = []

    def count(conn, cursor, statement, *args):
        if "calendar_overrides" in statement:
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        WorkCalendar().answer_due(local(2026, 12, 20), 20)  # runs into January 2027
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 2


def run(runner, *args):
    return runner.invoke(calendar_group, [str(arg) for arg in args])


def test_cli_due_prints_iso_time_with_offset(runner):
    result = run(runner, "due", "--received", "2026-02-13T10:00:00+07:00")
    assert result.exit_code == 0, result.output
    assert result.output == "2026-02-25T17:00:00+07:00\n"
    # 5 working days: Mon 23 to Fri 27/02.
    result = run(runner, "due", "--received", "2026-02-13T03:00:00+00:00", "--days", 5)
    assert result.output == "2026-02-27T17:00:00+07:00\n"


def test_cli_due_reads_a_time_without_offset_as_local(runner):
    result = run(runner, "due", "--received", "2025-04-29T09:30")
    assert result.output == "2025-05-07T17:00:00+07:00\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--received", "13/02/2026"], "không phải là ngày giờ hợp lệ"),  # the default locale
        (["--received", "2026-02-13T10:00:00+07:00", "--days", "0"], "--days"),
        ([], "--received"),
    ],
)
def test_cli_due_explains_bad_input(runner, args, message):
    result = run(runner, "due", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_cli_days_off_lists_names_and_sources(runner):
    result = run(runner, "days-off", 2026)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "2026-02-17  Tết Nguyên Đán  [holidays" in "\n".join(lines)
    assert any(
        line.startswith("2026-01-02  Nghỉ bù Tết Dương lịch") and "12729/VPCP-KGVX" in line
        for line in lines
    )
    assert not any(line.startswith("2026-01-10") for line in lines)


def test_cli_days_off_refuses_a_bad_year(runner):
    result = run(runner, "days-off", "hai-nghìn")
    assert result.exit_code == 2
    assert "YEAR" in result.output
