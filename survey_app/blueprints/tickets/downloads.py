"""Staff downloads of the files citizens attached to their tickets (on the tickets blueprint, so
the guard decides access: complaint handlers and managers of the ticket's units)."""

from flask import abort, send_file

from survey_app.auth.permissions import Permission, needs
from survey_app.blueprints.tickets.blueprint import bp
from survey_app.queries.tickets import get_attachment
from survey_app.services.tickets.attachments import attachment_path
from survey_app.services.tickets.file_names import download_name


@bp.get("/<ticket_code>/tep/<int:attachment_id>")
@needs(Permission.HANDLE_COMPLAINTS)
def download_attachment(ticket, attachment_id: int):
    attachment = get_attachment(attachment_id)
    if attachment is None or attachment.ticket_id != ticket.id:
        abort(404)
    path = attachment_path(attachment)
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,  # never rendered inline: a citizen's file is not our page
        download_name=download_name(attachment.original_name, attachment.content_type),
        max_age=0,
    )
