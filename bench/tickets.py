"""Complaint tickets at a busy province's scale: deadlines, the monthly figures and the queue.

    .venv/bin/python bench/tickets.py [--tickets 5000] [--backend sqlite|postgresql]

Builds a fresh database, files N tickets over one month in 40 communes (one in five answered
late, some extended, a tenth still open), then prints how long the deadline computation, the
unit's monthly ticket figures and the province queue take; then the queue's search (a tracking
code, a phone number, words; half the tickets leave a phone number) and its pages, as the
complaint queue page reads them (queue_query + paginate_queue: one count, one page of rows).
"""

import argparse
import random
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics.tickets import ticket_figures  # noqa: E402
from survey_app import create_app  # noqa: E402
from survey_app.core.extensions import db  # noqa: E402
from survey_app.models import Ticket, TicketChannel, TicketStatus  # noqa: E402
from survey_app.months import Month, survey_zone  # noqa: E402
from survey_app.queries.ticket_search import paginate_queue  # noqa: E402
from survey_app.queries.tickets import QueueFilter, list_queue, queue_query
from survey_app.queries.units import list_unit_subtree_ids  # noqa: E402
from survey_app.services.org.members import add_unit  # noqa: E402
from survey_app.workdays import WorkCalendar  # noqa: E402
from tests.helpers.databases import fresh_postgres_database, postgres_server_url  # noqa: E402

MONTH = Month(2026, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    options = parser.parse_args()
    with ExitStack() as stack:
        url = _database(stack, options.backend)
        app = create_app(
            {"SURVEY_ENV": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url}
        )
        with app.app_context():
            upgrade()
            run(options.tickets, options.backend)
            db.session.remove()
            db.engine.dispose()


def _database(stack: ExitStack, backend: str) -> str:
    if backend == "postgresql":
        return stack.enter_context(fresh_postgres_database(postgres_server_url()))
    folder = stack.enter_context(tempfile.TemporaryDirectory())
    return f"sqlite:///{folder}/bench.db"


def run(count: int, backend: str) -> None:
    province = add_unit(code="TINH", name="Tỉnh")
    communes = [add_unit(code=f"XA{n:02d}", name=f"Xã {n}", parent=province) for n in range(40)]
    db.session.commit()
    started = time.perf_counter()
    tickets = _tickets(count, communes)
    deadlines = time.perf_counter() - started
    db.session.add_all(tickets)
    db.session.commit()
    print(f"{backend}: {count} tickets in 40 communes, March 2026")
    each = deadlines / count * 1e6
    print(f"  deadlines computed     {deadlines * 1000:8.1f} ms ({each:.1f} µs each)")
    unit_ids = list_unit_subtree_ids(province.id)
    _timed("figures of the province", lambda: ticket_figures(unit_ids, MONTH))
    _timed("figures of one commune", lambda: ticket_figures([communes[0].id], MONTH))
    _timed("queue of the province", lambda: list_queue(unit_ids, QueueFilter()))
    _search_and_pages(unit_ids, count)


def _search_and_pages(unit_ids, count: int) -> None:
    def page(number=1, **chosen):
        return paginate_queue(queue_query(unit_ids, QueueFilter(**chosen)), number).tickets

    last_closed_page = max(1, (count // 2) // 50)
    _timed("queue page 1 (open)", page)
    _timed("search: tracking code", lambda: page(search=f"B{count // 2:09d}"))
    _timed("search: phone number", lambda: page(search="+84 912.000.043"))
    _timed("search: words", lambda: page(search="đóng cửa sớm"))
    _timed("answered, page 1", lambda: page(status=TicketStatus.ANSWERED))
    _timed(
        f"answered, page {last_closed_page}",
        lambda: page(last_closed_page, status=TicketStatus.ANSWERED),
    )


def _tickets(count: int, communes) -> list[Ticket]:
    calendar, rng = WorkCalendar(), random.Random(7)
    start, _ = MONTH.bounds(survey_zone())
    tickets = []
    for number in range(count):
        received = start + timedelta(minutes=rng.randrange(30 * 24 * 60))
        due = calendar.answer_due(received, 3)
        tickets.append(_ticket(number, rng.choice(communes), received, due, rng))
    return tickets


def _ticket(number, unit, received: datetime, due: datetime, rng) -> Ticket:
    ticket = Ticket(
        code=f"B{number:09d}", client_ref=f"bench-{number}", unit=unit, channel=TicketChannel.WEB,
        content="Phản ánh thử", status=TicketStatus.RECEIVED, received_at=received, due_at=due,
    )  # fmt: skip
    if number % 2:
        ticket.contact_phone = f"0912 {number // 1000:03d} {number % 1000:03d}"
    if number % 10 == 3:
        ticket.content = "Quầy Đất đai đóng cửa sớm, tôi phải về."
    roll = rng.random()
    if roll < 0.9:
        late = roll < 0.2
        ticket.status = TicketStatus.ANSWERED
        ticket.answered_at = due + timedelta(days=2) if late else received + timedelta(hours=30)
        ticket.answer = "Đã trả lời"
        if roll < 0.05:
            ticket.extended_due_at = due + timedelta(days=5)
    return ticket


def _timed(label: str, action) -> None:
    action()  # warm up
    runs = []
    for _ in range(5):
        begun = time.perf_counter()
        result = action()
        runs.append(time.perf_counter() - begun)
    size = len(result) if isinstance(result, list) else ""
    print(f"  {label:<22} {min(runs) * 1000:8.1f} ms (best of 5) {size}")


if __name__ == "__main__":
    main()
