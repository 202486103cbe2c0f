"""Words shown for the domain's constants, in the reader's language."""

from flask_babel import lazy_gettext as _l

from survey_app.models import Channel, Factor, Role, TicketChannel, TicketStatus

SCALE_LABELS = {
    1: _l("Very dissatisfied"),
    2: _l("Dissatisfied"),
    3: _l("Neutral"),
    4: _l("Satisfied"),
    5: _l("Very satisfied"),
}
NO_OPINION_LABEL = _l("No opinion")

FACTOR_LABELS = {
    Factor.ACCESS: _l("Access to the service"),
    Factor.PROCEDURES: _l("Administrative procedures"),
    Factor.OFFICERS: _l("Service of the officers"),
    Factor.RESULTS: _l("Results of the procedure"),
    Factor.FEEDBACK: _l("Handling of comments, feedback and complaints"),
}

CHANNEL_LABELS = {
    Channel.QR: _l("QR code"),
    Channel.KIOSK: _l("Counter tablet"),
    Channel.WEB: _l("Web portal"),
    Channel.PAPER: _l("Paper form"),
}

ROLE_LABELS = {
    Role.ADMINISTRATOR: _l("Administrator"),
    Role.MANAGER: _l("Unit manager"),
    Role.COMPLAINT_HANDLER: _l("Complaint handler"),
    Role.OFFICER: _l("Officer"),
}

# The office's words; the citizen's status page words them for the citizen (blueprints/complaints).
TICKET_STATUS_LABELS = {
    TicketStatus.RECEIVED: _l("Received"),
    TicketStatus.ASSIGNED: _l("Assigned"),
    TicketStatus.ANSWERED: _l("Answered"),
    TicketStatus.CLOSED: _l("Closed"),
    TicketStatus.TRANSFERRED: _l("Transferred"),
    TicketStatus.REJECTED: _l("Rejected"),
}

TICKET_CHANNEL_LABELS = {
    TicketChannel.WEB: _l("Public form"),
    TicketChannel.SURVEY: _l("After a survey"),
    TicketChannel.HOTLINE: _l("Hotline"),
    TicketChannel.PAPER: _l("Letter on paper"),
    TicketChannel.MAILBOX: _l("Suggestion box"),
    TicketChannel.API: _l("Dossier software"),
    TicketChannel.KIOSK: _l("Counter tablet"),
}

# The steps of a ticket's history (TicketEvent.kind).
TICKET_EVENT_LABELS = {
    "received": _l("Received"),
    "attached": _l("Files attached"),
    "assigned": _l("Assigned"),
    "answered": _l("Answered"),
    "rejected": _l("Rejected"),
    "closed": _l("Closed"),
    "transferred": _l("Transferred"),
    "extended": _l("Deadline extended"),
    "rated": _l("Handling rated by the citizen"),
}
