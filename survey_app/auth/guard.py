"""The one place where staff access is decided, before any staff view runs:

1. the visitor must be signed in (otherwise: to the sign-in page);
2. the user's role must grant the permission the view declared with @needs (a staff view that
   declares none is refused: access fails closed);
3. every object named in the URL (`unit_code`, `counter_code`, `officer_code`, `survey_code`,
   `username`, `key_prefix`, `ticket_code`, `kiosk_code`) is loaded here and must belong to the
   user's scope, or the answer is 404, as if it did not exist. The view receives the loaded
   object (`unit`, `counter`, ...).
   Procedures belong to the national catalogue, not to a unit: they are only looked up.
"""

from collections.abc import Callable

import sqlalchemy as sa
from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from survey_app.auth.permissions import user_can
from survey_app.auth.scope import current_scope
from survey_app.core.extensions import db
from survey_app.models import (
    ApiKey,
    Counter,
    Kiosk,
    Officer,
    Procedure,
    SurveyCode,
    Ticket,
    Unit,
    User,
)

# URL argument → (keyword the view receives, loader by key).
URL_OBJECTS: dict[str, tuple[str, Callable]] = {
    "unit_code": ("unit", lambda key: _one(Unit, Unit.code == key)),
    "counter_code": ("counter", lambda key: _one(Counter, Counter.code == key)),
    "officer_code": ("officer", lambda key: _one(Officer, Officer.code == key)),
    "survey_code": ("survey_code", lambda key: db.session.get(SurveyCode, key.upper())),
    "username": ("user", lambda key: _one(User, User.username == key)),
    "key_prefix": ("api_key", lambda key: _one(ApiKey, ApiKey.prefix == key)),
    "procedure_code": ("procedure", lambda key: _one(Procedure, Procedure.code == key)),
    "ticket_code": ("ticket", lambda key: _one(Ticket, Ticket.code == key.upper())),
    "kiosk_code": ("kiosk", lambda key: _one(Kiosk, Kiosk.token_prefix == key)),
}


def in_scope(scope, found) -> bool:
    """A unit belongs to itself, other objects to their unit; the catalogue to everyone."""
    if isinstance(found, Procedure):
        return True
    return scope.covers(found.id if isinstance(found, Unit) else found.unit_id)


def _one(model, condition):
    return db.session.scalar(sa.select(model).where(condition))


def guard_staff_blueprint(blueprint) -> None:
    """Attach the guard to a staff blueprint; every one of its views passes through it."""
    blueprint.before_request(check_staff_access)


def check_staff_access():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    view = current_app.view_functions[request.endpoint]
    permission = getattr(view, "required_permission", None)
    if permission is None or not user_can(current_user, permission):
        abort(403)
    _load_url_objects(request.view_args)
    return None


def _load_url_objects(view_args: dict) -> None:
    scope = current_scope()
    for argument in [name for name in view_args if name in URL_OBJECTS]:
        keyword, load = URL_OBJECTS[argument]
        found = load(view_args.pop(argument))
        if found is None or not in_scope(scope, found):
            abort(404)
        view_args[keyword] = found
