"""Reminders about the follow-up of flagged responses, sent with the tickets' run
(`survey-app tickets remind`): one mail per person and stage, listing the responses — the
handler (or, with none yet, the unit's managers) before one falls due, the managers once it is
late. Each follow-up is reminded once per stage."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from analytics.follow_ups import DueFollowUp, list_due_follow_ups
from survey_app.core.extensions import db
from survey_app.core.mail import Mail, send_mail
from survey_app.models import FollowUp, FollowUpState, Unit
from survey_app.services.tickets.mail import render_mail
from survey_app.services.tickets.reminders import responsible_managers


@dataclass(frozen=True)
class FollowUpReminderRun:
    due_soon_sent: int = 0  # follow-ups reminded
    overdue_sent: int = 0


def send_follow_up_reminders(now: datetime) -> FollowUpReminderRun:
    """Call on a working day only (the tickets' run checks); one commit."""
    due = list_due_follow_ups(db.session.scalars(sa.select(Unit.id)).all(), now)
    rows = _rows_of(due)
    soon = [d for d in due if not d.overdue and rows[d.response_id].reminded_due_soon_at is None]
    late = [d for d in due if d.overdue and rows[d.response_id].reminded_overdue_at is None]
    sent_soon = _send(soon, rows, now, overdue=False)
    sent_late = _send(late, rows, now, overdue=True)
    db.session.commit()
    return FollowUpReminderRun(due_soon_sent=sent_soon, overdue_sent=sent_late)


def _rows_of(due: list[DueFollowUp]) -> dict[int, FollowUp]:
    """The follow-up row of each response, made (state "mới") where none exists yet, so that
    the reminder's stamp has a place."""
    ids = [found.response_id for found in due]
    rows = {
        row.response_id: row
        for row in db.session.scalars(sa.select(FollowUp).where(FollowUp.response_id.in_(ids)))
    }
    for found in due:
        if found.response_id not in rows:
            row = FollowUp(
                response_id=found.response_id, unit_id=found.unit.id, state=FollowUpState.NEW
            )
            db.session.add(row)
            rows[found.response_id] = row
    return rows


def _send(due: list[DueFollowUp], rows: dict[int, FollowUp], now: datetime, *, overdue: bool):
    by_addresses = defaultdict(list)
    for found in due:
        by_addresses[tuple(_addresses(found, rows[found.response_id], overdue))].append(found)
    sent = 0
    for addresses, listed in by_addresses.items():
        if not addresses:
            continue
        template = "mail/follow_up_overdue.txt" if overdue else "mail/follow_up_due_soon.txt"
        subject = "Phiếu đánh giá quá hạn xử lý" if overdue else "Phiếu đánh giá sắp đến hạn xử lý"
        mail = Mail(to=list(addresses), subject=subject, body=render_mail(template, due=listed))
        if send_mail(mail):
            for found in listed:
                _stamp(rows[found.response_id], now, overdue)
            sent += len(listed)
    return sent


def _addresses(found: DueFollowUp, row: FollowUp, overdue: bool) -> list[str]:
    handler = row.handler
    if not overdue and handler is not None and handler.active and handler.email:
        return [handler.email]
    return sorted(user.email for user in responsible_managers(found.unit))


def _stamp(row: FollowUp, now: datetime, overdue: bool) -> None:
    if overdue:
        row.reminded_overdue_at = now
    else:
        row.reminded_due_soon_at = now
