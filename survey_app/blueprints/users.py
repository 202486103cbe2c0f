"""Accounts administered by administrators, and the audit log of administrative changes."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

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
from survey_app.display.labels import AUDIT_DEVICE_ACTORS
from survey_app.models import AuditEvent, Officer, Role, User, utcnow
from survey_app.queries import units as queries
from survey_app.queries.audit import (
    actor_condition,
    list_actions,
    list_actors,
    page_of_events,
    visible_events,
)
from survey_app.queries.users import list_linkable_officers, list_staff
from survey_app.services.accounts import staff as accounts
from survey_app.services.accounts.links import open_account_for_activation
from survey_app.services.accounts.staff import MIN_PASSWORD_LENGTH, AccountDetails, InvalidAccount

bp = Blueprint("users", __name__, url_prefix="/quan-tri")
guard_staff_blueprint(bp)

AUDIT_PAGE_SIZE = 50


@bp.get("/nguoi-dung")
@needs(Permission.MANAGE_USERS)
def list_users():
    users = list_staff(current_scope().unit_ids)
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
    visible = visible_events(current_scope().unit_ids, current_user)
    form = AuditFilterForm(request.args)
    form.set_choices(list_actions(visible), list_actors(visible))
    query = _filtered(visible, form) if form.validate() else visible
    page = page_of_events(query, page_number(), AUDIT_PAGE_SIZE)
    return render_template("users/audit_log.html", form=form, page=page)


def _offer_choices(form: AccountForm, keep: Officer | None = None) -> dict[str, dict]:
    """Units and (active) officers in scope, offered in the form and looked up by code."""
    scope = current_scope().unit_ids
    units = queries.list_units(scope)
    officers = list_linkable_officers(scope, keep)
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
        condition &= actor_condition(form.user.data)
    return condition
