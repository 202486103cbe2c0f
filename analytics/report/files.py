"""Report files for the download buttons: built once per state of the data, in a background
thread, kept on disk and sent from there (never held whole in memory).

A file's name carries the unit, month, format, language and a fingerprint of the data the
report shows (`fingerprint`), so a changed figure means a new file and an unchanged one is
served again at once.
With several workers, the first request claims the build with a lock file; every worker then
serves the finished file. A request waits a few seconds for the build (small months are done by
then); after that the page says the file is being prepared and refreshes itself.
"""

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import force_locale

from analytics.closures import get_closure
from analytics.report.export import export_monthly, export_officers
from analytics.report.narrative_sections import text_state
from survey_app.core.extensions import db
from survey_app.models import AuditEvent, Ticket, TicketEvent, Unit, utcnow
from survey_app.models import SurveyResponse as Response
from survey_app.models.staff import SPAM_ACTIONS
from survey_app.months import Month, survey_zone
from survey_app.queries.units import list_unit_subtree_ids

WAIT_SECONDS = 3.0
POLL_SECONDS = 0.2
# A lock older than this belongs to a worker that died while building; the build is redone.
STALE_LOCK_SECONDS = 15 * 60
RETRY_FAILED_SECONDS = 5 * 60
KINDS = ("xlsx", "pdf", "docx", "csv")
log = logging.getLogger(__name__)


class ReportBuildFailed(RuntimeError):
    """The last build of this file failed; the error is in the log."""


@dataclass(frozen=True)
class ReportFile:
    path: Path
    ready: bool


def request_report(unit: Unit, month: Month, kind: str, lang: str) -> ReportFile:
    """The file if it is ready (waiting up to WAIT_SECONDS for it), else its future path."""
    path = _reports_dir() / f"{_stem(unit, month, kind, lang)}-{fingerprint(unit, month)}.{kind}"
    if not path.exists():
        _check_not_failed(path)
        if _claim(path):
            _start_build(current_app._get_current_object(), unit.id, month, kind, lang, path)
        _wait_for(path)
        _check_not_failed(path)
    return ReportFile(path, path.exists())


def fingerprint(unit: Unit, month: Month) -> str:
    """Changes whenever the report can: a response of the month arrives, a complaint moves,
    a response is marked as spam (or back), the month is closed, the unit is renamed, its report's
    text or document settings are edited; and
    every day, as the report is dated and late paper forms of earlier months move its trend.
    Read through indexes, so it stays cheap for a month of a million responses."""
    unit_ids = list_unit_subtree_ids(unit.id)
    start, end = month.bounds(survey_zone())
    responses = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(Response.id)).where(
            Response.unit_id.in_(unit_ids),
            Response.submitted_at >= start,
            Response.submitted_at < end,
        )
    ).one()
    tickets = db.session.execute(
        sa.select(sa.func.count(TicketEvent.id), sa.func.max(TicketEvent.id))
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(Ticket.unit_id.in_(unit_ids))
    ).one()
    # Spam marks are audited: the latest one of the units tells a changed mark.
    spam_marks = db.session.scalar(
        sa.select(sa.func.max(AuditEvent.id)).where(
            AuditEvent.unit_id.in_(unit_ids), AuditEvent.action.in_(SPAM_ACTIONS)
        )
    )
    closure = get_closure(unit, month)
    today = utcnow().astimezone(survey_zone()).date()
    # The unit's creation time tells apart two databases that reuse the same ids.
    state = (
        unit.id,
        unit.created_at,
        unit.name,
        *responses,
        *tickets,
        spam_marks,
        closure is not None,
        today,
        text_state(unit, month),
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()[:16]


def reports_folder() -> Path:
    """Where report files are built (the period downloads use it too)."""
    return _reports_dir()


def _reports_dir() -> Path:
    """SURVEY_REPORTS_DIR, by default reports/ beside the uploads (in the instance folder)."""
    configured = current_app.config.get("SURVEY_REPORTS_DIR")
    if configured:
        folder = Path(configured)
    else:
        uploads = current_app.config.get("SURVEY_UPLOADS_DIR")
        folder = Path(uploads or Path(current_app.instance_path) / "uploads") / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stem(unit: Unit, month: Month, kind: str, lang: str) -> str:
    return f"{unit.code}-{month}-{kind}-{lang}"


def _lock(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _failed(path: Path) -> Path:
    return path.with_name(path.name + ".failed")


def _check_not_failed(path: Path) -> None:
    """A failed build is reported for a while, not retried on every reload; then retried."""
    failed = _failed(path)
    if failed.exists() and time.time() - failed.stat().st_mtime > RETRY_FAILED_SECONDS:
        failed.unlink(missing_ok=True)
    if failed.exists():
        raise ReportBuildFailed(str(path.name))


def _claim(path: Path) -> bool:
    """Take the build lock; False when another request (maybe another worker) holds it."""
    lock = _lock(path)
    if lock.exists() and time.time() - lock.stat().st_mtime > STALE_LOCK_SECONDS:
        lock.unlink(missing_ok=True)
    try:
        os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def _start_build(app: Flask, unit_id: int, month: Month, kind: str, lang: str, path: Path):
    arguments = (app, unit_id, month, kind, lang, path)
    threading.Thread(target=_build, args=arguments, name=f"report {path.name}").start()


def _build(app: Flask, unit_id: int, month: Month, kind: str, lang: str, path: Path) -> None:
    with app.app_context(), force_locale(lang):
        try:
            unit = db.session.get(Unit, unit_id)
            if kind == "csv":
                export_officers(unit, month, path)
            else:
                export_monthly(unit, month, kind, path)
            _remove_older(path, _stem(unit, month, kind, lang))
        except Exception:
            log.exception("building %s failed", path.name)
            _failed(path).touch()
        finally:
            _lock(path).unlink(missing_ok=True)
            db.session.remove()


def _remove_older(path: Path, stem: str) -> None:
    """Files of the same report for an older state of the data are no longer linked."""
    for older in path.parent.glob(f"{stem}-*"):
        if older != path and not older.name.endswith(".lock"):
            older.unlink(missing_ok=True)


def _wait_for(path: Path) -> None:
    waited = 0.0
    limit = float(current_app.config.get("SURVEY_REPORT_WAIT_SECONDS", WAIT_SECONDS))
    while waited < limit and not path.exists() and _lock(path).exists():
        time.sleep(POLL_SECONDS)
        waited += POLL_SECONDS
