"""Staff accounts in bulk on the users page: upload a CSV file, send the activation links.

When a link could not go by e-mail, it is shown on the answer to the upload, once: it is stored
nowhere, and the page says why it was not sent.
"""

import io

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.user_import import UserImportForm
from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs
from survey_app.services.accounts.importing import UserImportResult, apply_accounts, import_users
from survey_app.services.accounts.links import ACTIVATION, send_link
from survey_app.services.accounts.officers import officer_account_rows
from survey_app.services.errors import DomainError

bp = Blueprint("user_import", __name__, url_prefix="/quan-tri")
guard_staff_blueprint(bp)


@bp.route("/nguoi-dung/nhap", methods=["GET", "POST"])
@needs(Permission.MANAGE_USERS)
def import_users_page():
    form = UserImportForm()
    results: list[UserImportResult] = []
    if form.validate_on_submit():
        try:
            results = _import(form)
        except DomainError as error:
            form.file.errors = [*form.file.errors, str(error)]
    failed = form.is_submitted() and (not results or any(r.errors for r in results))
    deliveries = [] if failed else _send_links(results)
    context = {"form": form, "results": results, "failed": failed, "deliveries": deliveries}
    return render_template("users/import.html", **context), 422 if failed else 200


def _import(form: UserImportForm) -> list[UserImportResult]:
    actor = current_user._get_current_object()
    results = []
    if form.file.data:
        stream = io.TextIOWrapper(form.file.data.stream, encoding="utf-8-sig", newline="")
        results.append(import_users(stream, actor=actor))
        if results[-1].errors:
            return results
    if form.officers.data:
        results.append(apply_accounts(officer_account_rows(actor.unit, actor), actor))
    return results


def _send_links(results: list[UserImportResult]):
    return [
        (user, send_link(user, ACTIVATION)) for result in results for user in result.to_activate
    ]


def activation_sent(user):
    """After a new account on the users page: the link went by e-mail, or is shown once."""
    delivery = send_link(user, ACTIVATION)
    if delivery.sent:
        message = _(
            "Account %(username)s created. The activation link was sent to %(email)s.",
            username=user.username,
            email=user.email,
        )
        flash(message, "success")
        return redirect(url_for("users.list_users"))
    return render_template("users/activation_link.html", account=user, delivery=delivery)
