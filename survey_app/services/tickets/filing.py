"""A citizen files a ticket, with attachments, in one commit."""

from survey_app.services.errors import InvalidSubmission
from survey_app.services.tickets.attachments import Upload, _StagedFiles, check_uploads
from survey_app.services.tickets.opening import (
    OpenedTicket,
    TicketRequest,
    open_ticket,
    ticket_errors,
)


def file_ticket(request: TicketRequest, uploads: list[Upload]) -> OpenedTicket:
    """File a ticket with its attachments; every problem, files included, is reported at once.

    A repeat of the same client_ref (a double tap) returns the first ticket and stores no file.
    """
    files, problem = check_uploads(uploads)
    if errors := _errors(request, problem):
        raise InvalidSubmission(errors)
    staged = _StagedFiles(files)
    try:
        opened = open_ticket(request, stage=staged.attach)
    except BaseException:
        staged.discard()
        raise
    if not opened.created:
        staged.discard()  # a double tap: the first copy's files are the ones kept
    return opened


def filing_errors(request: TicketRequest, uploads: list[Upload]) -> dict[str, str]:
    """What file_ticket would refuse, by field."""
    return _errors(request, check_uploads(uploads)[1])


def _errors(request: TicketRequest, problem: str | None) -> dict[str, str]:
    return ticket_errors(request) | ({"attachments": problem} if problem else {})
