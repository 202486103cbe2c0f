"""The follow-up of a unit's flagged responses of a month: the list with each low answer's
question, and one form to set state, handler, action and note for the ticked responses."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from analytics.follow_ups import count_follow_ups, list_follow_ups, response_id_of
from forms.follow_ups import FOLLOW_UP_STATE_LABELS, FollowUpForm
from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs
from survey_app.auth.scope import current_scope
from survey_app.blueprints.figure_parts import comment_masks
from survey_app.blueprints.reports.pages import url_month
from survey_app.core.bounded import id_or_none
from survey_app.display.labels import CHANNEL_LABELS
from survey_app.models import FollowUpState, SurveyResponse, Unit, User, utcnow
from survey_app.queries.org import get_by_id
from survey_app.queries.responses import list_responses
from survey_app.queries.users import list_handlers_in
from survey_app.services.errors import InvalidSubmission
from survey_app.services.follow_ups.handling import FollowUpChange, update_follow_ups

bp = Blueprint("follow_ups", __name__, url_prefix="/quan-tri/theo-doi")
guard_staff_blueprint(bp)


@bp.get("/<unit_code>/<month>")
@needs(Permission.HANDLE_COMPLAINTS)
def list_unit_follow_ups(unit: Unit, month: str):
    form = FollowUpForm(formdata=None)
    return _page(unit, month, form)


@bp.post("/<unit_code>/<month>")
@needs(Permission.HANDLE_COMPLAINTS)
def update_unit_follow_ups(unit: Unit, month: str):
    form = FollowUpForm()
    if form.validate():
        try:
            count = update_follow_ups(_ticked(form.responses.data), _change(form), actor=_me())
        except InvalidSubmission as error:
            for name, message in error.errors.items():
                (form[name].errors if name in form else form.form_errors).append(message)
        else:
            flash(_("%(num)d follow-ups saved.", num=count), "success")
            return redirect(url_for(".list_unit_follow_ups", unit_code=unit.code, month=month), 303)
    return _page(unit, month, form), 422


def _page(unit: Unit, month_text: str, form: FollowUpForm):
    month, now = url_month(month_text), utcnow()
    only_open = request.args.get("mo") == "1"
    form.handler.choices = _handler_choices(unit)
    rows = list_follow_ups(
        unit, month, now, only_open=only_open, masks=comment_masks(), locale=str(get_locale())
    )
    return render_template(
        "follow_ups/list.html",
        unit=unit,
        month=month,
        rows=rows,
        form=form,
        counts=count_follow_ups(unit, month, now),
        only_open=only_open,
        state_labels=FOLLOW_UP_STATE_LABELS,
        channel_labels=CHANNEL_LABELS,
        ticked=set(form.responses.data or []),
    )


def _ticked(tokens: list[str]) -> list[SurveyResponse]:
    """The responses named by the ticked tokens; one outside the user's units is left for the
    service to refuse, a forged token is simply not found."""
    ids = [found for found in map(response_id_of, tokens) if found is not None]
    if not ids:
        return []
    return list_responses(ids)


def _change(form: FollowUpForm) -> FollowUpChange:
    handler = _handler(form.handler.data)
    return FollowUpChange(
        state=FollowUpState(form.state.data),
        handler=handler,
        action=form.action.data or "",
        note=form.note.data or "",
    )


def _handler(raw: str | None) -> User | None:
    if (number := id_or_none(raw)) is None:  # a bounded whole number, or nothing
        return None
    person = get_by_id(User, number)
    return person if person is not None and current_scope().covers(person.unit_id) else None


def _handler_choices(unit: Unit) -> list[SelectChoice]:
    """The unit's people who handle feedback (and those of the units above it in scope)."""
    choices = [SelectChoice("", _("— Me —"))]
    return choices + [
        SelectChoice(str(p.id), f"{p.full_name} ({p.username})")
        for p in list_handlers_in(current_scope().unit_ids)
    ]


def _me() -> User:
    return current_user._get_current_object()
