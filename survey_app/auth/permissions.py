"""What each role may do. Views name the permission they need; nothing else decides access."""

import enum
from collections.abc import Callable

from survey_app.models import Role


class Permission(enum.StrEnum):
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_UNITS = "manage_units"  # the unit tree, instruments, organisation imports
    MANAGE_CATALOGUE = "manage_catalogue"  # the procedures catalogue
    MANAGE_ORGANISATION = "manage_organisation"  # counters, officers, QR codes and posters
    MANAGE_API_KEYS = "manage_api_keys"
    MANAGE_CALENDAR = "manage_calendar"  # days off and make-up days decided by the Government
    GRANT_EXTENSIONS = "grant_extensions"  # a new due date for a complaint, with a reason
    HANDLE_COMPLAINTS = "handle_complaints"
    VIEW_REPORTS = "view_reports"
    VIEW_OWN_FEEDBACK = "view_own_feedback"
    USE_STAFF_PAGES = "use_staff_pages"  # the home page, own password, sign-out


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset(Permission) - {Permission.VIEW_OWN_FEEDBACK},
    Role.MANAGER: frozenset(
        {
            Permission.MANAGE_ORGANISATION,
            Permission.MANAGE_API_KEYS,
            Permission.HANDLE_COMPLAINTS,
            Permission.GRANT_EXTENSIONS,
            Permission.VIEW_REPORTS,
            Permission.USE_STAFF_PAGES,
        }
    ),
    Role.COMPLAINT_HANDLER: frozenset({Permission.HANDLE_COMPLAINTS, Permission.USE_STAFF_PAGES}),
    Role.OFFICER: frozenset({Permission.VIEW_OWN_FEEDBACK, Permission.USE_STAFF_PAGES}),
}


# The same for the whole country: only administrators of a top unit (the province, or the
# national level) change them; an administrator of a commune would change every unit's deadlines.
NATIONAL_PERMISSIONS = frozenset({Permission.MANAGE_CALENDAR, Permission.MANAGE_CATALOGUE})


def can(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def user_can(user, permission: Permission) -> bool:
    """What the user's role grants, national data only to users of a unit without a parent."""
    if permission in NATIONAL_PERMISSIONS and user.unit.parent_id is not None:
        return False
    return can(user.role, permission)


def needs(permission: Permission) -> Callable:
    """Declare the permission a staff view requires; the guard enforces it before the view runs."""

    def mark(view: Callable) -> Callable:
        view.required_permission = permission
        return view

    return mark
