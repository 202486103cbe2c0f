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
    "attachments_purged": _l("Attached files removed after the retention period"),
}

# Every action the audit log records (services.audit.record_change refuses any other).
AUDIT_ACTION_LABELS = {
    "unit.create": _l("Unit added"),
    "unit.update": _l("Unit changed"),
    "unit.deactivate": _l("Unit deactivated"),
    "unit.reactivate": _l("Unit reactivated"),
    "counter.create": _l("Counter added"),
    "counter.update": _l("Counter changed"),
    "counter.deactivate": _l("Counter deactivated"),
    "counter.reactivate": _l("Counter reactivated"),
    "officer.create": _l("Officer added"),
    "officer.update": _l("Officer changed"),
    "officer.deactivate": _l("Officer deactivated"),
    "officer.reactivate": _l("Officer reactivated"),
    "officer.photo": _l("Officer's photo set"),
    "officer.photo_remove": _l("Officer's photo removed"),
    "procedure.create": _l("Procedure added"),
    "procedure.update": _l("Procedure changed"),
    "survey_code.rotate": _l("Survey code replaced"),
    "survey_response.spam": _l("Response marked as spam"),
    "survey_response.not_spam": _l("Response no longer marked as spam"),
    "user.create": _l("Account created"),
    "user.update": _l("Account changed"),
    "user.deactivate": _l("Account deactivated"),
    "user.reactivate": _l("Account reactivated"),
    "user.reset_password": _l("Temporary password set"),
    "user.change_password": _l("Password changed by its owner"),
    "user.activation": _l("Account activated from an e-mailed link"),
    "user.reset": _l("Password set again from an e-mailed link"),
    "api_key.create": _l("API key created"),
    "api_key.revoke": _l("API key revoked"),
    "calendar_override.create": _l("Working day or day off set"),
    "calendar_override.delete": _l("Working day or day off removed"),
    "kiosk.create": _l("Kiosk added"),
    "kiosk.register": _l("Kiosk registered with a device token"),
    "kiosk.pair": _l("Tablet paired"),
    "kiosk.new_pairing_code": _l("New pairing code issued"),
    "kiosk.revoke": _l("Kiosk revoked"),
    "kiosk.settings": _l("Kiosk settings changed"),
    "month.close": _l("Month closed"),
    "unit.rating_rules": _l("Rules for holding ratings changed"),
    "rating_burst.accept": _l("Held ratings accepted"),
    "rating_burst.reject": _l("Held ratings rejected as spam"),
    "calendar_year.confirm": _l("Year's schedule of days off confirmed"),
    "report.narrative": _l("Report text edited"),
    "unit.documents": _l("Document settings changed"),
    "follow_up.update": _l("Follow-up of a low rating recorded"),
    "ticket.contact_viewed": _l("Citizen viewed their contact data"),
    "ticket.contact_corrected": _l("Citizen corrected their contact data"),
    "ticket.consent_withdrawn": _l("Citizen withdrew consent; contact data removed"),
}

# Who acts when no one is signed in: the command line, except for what only a device does.
AUDIT_DEVICE_ACTORS = {
    "kiosk.pair": _l("The tablet itself, with the one-time pairing code"),
}
COMMAND_LINE_LABEL = _l("Command line")

AUDIT_TARGET_LABELS = {
    "unit": _l("Unit"),
    "counter": _l("Counter"),
    "officer": _l("Officer"),
    "procedure": _l("Procedure"),
    "survey_code": _l("Survey code"),
    "survey_response": _l("Response"),
    "user": _l("Account"),
    "api_key": _l("API key"),
    "calendar_override": _l("Day"),
    "kiosk": _l("Kiosk"),
    "rating_decision": _l("Decision on held ratings"),
    "calendar_year": _l("Year"),
    "ticket": _l("Complaint"),
}

# The names of the values an audit event or a ticket step records with it.
DETAIL_LABELS = {
    "active": _l("Active"),
    "assignee": _l("Handled by"),
    "channel": _l("Received by"),
    "closes_at": _l("Closes at"),
    "counter": _l("Counter"),
    "counters": _l("Counters"),
    "default_locale": _l("Language"),
    "email": _l("E-mail"),
    "expires_at": _l("Valid until"),
    "field": _l("Field"),
    "files": _l("Files"),
    "fixed_officer": _l("Fixed officer"),
    "from_unit": _l("From unit"),
    "full_name": _l("Full name"),
    "idle_seconds": _l("Back to the start after (seconds)"),
    "instrument": _l("Questionnaire"),
    "instrument_code": _l("Questionnaire"),
    "is_working_day": _l("Working day"),
    "month": _l("Month"),
    "name": _l("Name"),
    "new_due": _l("New due time"),
    "officer": _l("Officer"),
    "opens_at": _l("Opens at"),
    "parent": _l("Parent unit"),
    "previous_due": _l("Previous due time"),
    "rating": _l("Rating"),
    "reason": _l("Reason"),
    "replaced": _l("Replaced an earlier photo"),
    "replaced_by": _l("Replaced by"),
    "responses": _l("Responses"),
    "role": _l("Role"),
    "source": _l("Deciding document"),
    "staff_pin": _l("Staff PIN"),
    "thanks_seconds": _l("Thank-you screen (seconds)"),
    "to_unit": _l("To unit"),
    "unit": _l("Unit"),
    "via": _l("How"),
}

# Values recorded as codes: their words.
DETAIL_VALUE_LABELS = {
    "via": {"import": _l("imported from a file")},
    "staff_pin": {"cleared": _l("removed"), "set": _l("changed"), "kept": _l("unchanged")},
    "default_locale": {"vi": _l("Vietnamese"), "en": _l("English")},
}
