"""Accounts administered by administrators, and the audit log of administrative changes."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import contains_eager, joinedload

from forms.accounts import (
    COMMAND_LINE,
    DEVICE,
    AccountForm,
    AuditFilterForm,
    NewAccountForm,
    ResetPasswordForm,
)
from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs
from survey_app.auth.scope import current_scope
from survey_app.blueprints.user_import import activation_sent
from survey_app.core.bounded import page_number
from survey_app.core.extensions import db
from survey_app.display.collation import person_key, vi_key
from survey_app.display.labels import AUDIT_DEVICE_ACTORS
from survey_app.models import AuditEvent, Officer, Role, User, utcnow
from survey_app.queries import units as queries
from survey_app.services.accounts import staff as accounts
from survey_app.services.accounts.links import open_account_for_activation
from survey_app.services.accounts.staff import MIN_PASSWORD_LENGTH, AccountDetails, InvalidAccount

bp = Blueprint("users", __name__, url_prefix="/quan-tri")
guard_staff_blueprint(bp)

AUDIT_PAGE_SIZE = 50


@bp.get("/nguoi-dung")
@needs(Permission.MANAGE_USERS)
def list_users():
    users = db.session.scalars(
        sa.select(User)
        .join(User.unit)
        .where(User.unit_id.in_(current_scope().unit_ids))
        .options(contains_eager(User.unit), joinedload(User.officer))
        .order_by(User.username)
    ).all()
    users.sort(key=lambda user: (vi_key(user.unit.name), person_key(user.full_name)))
    return render_template("users/list.html", users=users, now=utcnow())


@bp.route("/nguoi-dung/moi", methods=["GET", "POST"])
@needs(Permission.MANAGE_USERS)
def new_user():
    form = NewAccountForm(role=Role.MANAGER.value)  # the most common; administrators are few
    choices = _offer_choices(form)
    if form.validate_on_submit():
        details = _details(form, choices, active=True)
        try:
            if not form.password.data:
                user = open_account_for_activation(form.username.data, details)
                return activation_sent(user)
            user = accounts.open_account(
                form.username.data,
                form.password.data,
                details,
                must_change_password=True,  # the administrator knows this password
            )
        except InvalidAccount as problem:
            _show_problem(form, problem)
        else:
            flash(_("Account %(username)s created.", username=user.username), "success")
            return redirect(url_for(".list_users"))
    return _render_form("users/new.html", form)


@bp.route("/nguoi-dung/<username>/sua", methods=["GET", "POST"])
@needs(Permission.MANAGE_USERS)
def edit_user(user: User):
    form = AccountForm(data=_current_values(user))
    choices = _offer_choices(form, keep=user.officer)
    if form.validate_on_submit():
        details = _details(form, choices, active=form.active.data)
        try:
            accounts.update_user(user, details, by=current_user._get_current_object())
        except InvalidAccount as problem:
            _show_problem(form, problem)
        else:
            flash(_("The account %(username)s was saved.", username=user.username), "success")
            return redirect(url_for(".list_users"))
    return _render_form("users/edit.html", form, account=user)


@bp.route("/nguoi-dung/<username>/mat-khau", methods=["GET", "POST"])
@needs(Permission.MANAGE_USERS)
def reset_password(user: User):
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(user, form.password.data)
        except InvalidAccount as problem:
            _show_problem(form, problem)
        else:
            flash(_("Temporary password set for %(username)s.", username=user.username), "success")
            return redirect(url_for(".edit_user", username=user.username))
    return _render_form("users/reset_password.html", form, account=user)


@bp.post("/nguoi-dung/<username>/ngung-hoat-dong")
@needs(Permission.MANAGE_USERS)
def deactivate_user(user: User):
    try:
        accounts.deactivate_user(user, by=current_user._get_current_object())
    except InvalidAccount as problem:
        flash(str(problem), "error")
    else:
        flash(_("%(username)s can no longer sign in.", username=user.username), "success")
    return redirect(url_for(".edit_user", username=user.username))


@bp.post("/nguoi-dung/<username>/kich-hoat")
@needs(Permission.MANAGE_USERS)
def reactivate_user(user: User):
    accounts.reactivate_user(user)
    flash(_("%(username)s can sign in again.", username=user.username), "success")
    return redirect(url_for(".edit_user", username=user.username))


@bp.get("/nhat-ky")
@needs(Permission.VIEW_AUDIT_LOG)
def show_audit_log():
    visible = _visible_events()
    form = AuditFilterForm(request.args)
    form.set_choices(_actions(visible), _actors(visible))
    query = _filtered(visible, form) if form.validate() else visible
    page = db.paginate(
        sa.select(AuditEvent)
        .where(query)
        .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.unit))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()),
        page=page_number(),
        per_page=AUDIT_PAGE_SIZE,
        error_out=False,
    )
    return render_template("users/audit_log.html", form=form, page=page)


def _offer_choices(form: AccountForm, keep: Officer | None = None) -> dict[str, dict]:
    """Units and (active) officers in scope, offered in the form and looked up by code."""
    scope = current_scope().unit_ids
    units = queries.list_units(scope)
    offered = Officer.active if keep is None else Officer.active | (Officer.id == keep.id)
    officers = db.session.scalars(
        sa.select(Officer)
        .where(Officer.unit_id.in_(scope), offered)
        .options(joinedload(Officer.unit))
        .order_by(Officer.code)
    ).all()
    officers.sort(key=lambda officer: person_key(officer.full_name))
    form.set_choices(units, officers)
    return {
        "units": {unit.code: unit for unit in units},
        "officers": {officer.code: officer for officer in officers},
    }


def _details(form: AccountForm, choices: dict[str, dict], active: bool) -> AccountDetails:
    role = Role(form.role.data)
    # The officer field only means something for an officer account.
    officer = choices["officers"].get(form.officer.data) if role is Role.OFFICER else None
    return AccountDetails(
        full_name=form.full_name.data,
        email=form.email.data or None,
        role=role,
        unit=choices["units"][form.unit.data],
        officer=officer,
        active=active,
    )


def _current_values(user: User) -> dict:
    return {
        "full_name": user.full_name,
        "email": user.email or "",
        "role": user.role.value,
        "unit": user.unit.code,
        "officer": user.officer.code if user.officer else "",
        "active": user.active,
    }


def _show_problem(form, problem: InvalidAccount) -> None:
    field = getattr(form, problem.field, None)
    if field is None:
        form.form_errors.append(str(problem))
    else:
        field.errors = [*field.errors, str(problem)]


def _render_form(template: str, form, **context):
    status = 422 if form.is_submitted() else 200
    context |= {"form": form, "min_length": MIN_PASSWORD_LENGTH}
    return render_template(template, **context), status


def _visible_events() -> sa.ColumnElement[bool]:
    """Events of units in scope, and every change the user made themself; events tied to no
    unit (national data: the catalogue, the calendar) only for administrators of a top unit,
    who administer everything."""
    in_scope = AuditEvent.unit_id.in_(current_scope().unit_ids) | (
        AuditEvent.actor_id == current_user.id
    )
    if current_user.unit.parent_id is None:
        return in_scope | AuditEvent.unit_id.is_(None)
    return in_scope


def _actions(visible) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action).where(visible).distinct().order_by(AuditEvent.action)
        )
    )


def _actors(visible) -> list[tuple[str, str]]:
    rows = db.session.execute(
        sa.select(User.username, User.full_name)
        .where(User.id.in_(sa.select(AuditEvent.actor_id).where(visible)))
        .order_by(User.username)
    )
    return [(username, f"{full_name} ({username})") for username, full_name in rows]


def _filtered(visible, form: AuditFilterForm) -> sa.ColumnElement[bool]:
    condition = visible
    if form.action.data:
        condition &= AuditEvent.action == form.action.data
    by_device = AuditEvent.action.in_(list(AUDIT_DEVICE_ACTORS))
    if form.user.data == COMMAND_LINE:
        condition &= AuditEvent.actor_id.is_(None) & ~by_device
    elif form.user.data == DEVICE:
        condition &= AuditEvent.actor_id.is_(None) & by_device
    elif form.user.data:
        actor = sa.select(User.id).where(User.username == form.user.data).scalar_subquery()
        condition &= AuditEvent.actor_id == actor
    return condition
