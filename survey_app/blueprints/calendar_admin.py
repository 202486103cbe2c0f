"""The working-day calendar (administrators): a year's days off and make-up days, from the
holidays package and from the override table, and adding or removing overrides.

Overrides belong to no unit: the MANAGE_CALENDAR permission is the whole access rule, and an
override is named in URLs by its day.
"""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forms.calendar import ConfirmYearForm, OverrideForm, RemoveOverrideForm
from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs
from survey_app.models import utcnow
from survey_app.services import calendar as calendar_service
from survey_app.services.org.admin import InvalidChange
from survey_app.workdays import WorkCalendar

bp = Blueprint("calendar_admin", __name__, url_prefix="/quan-tri/lich-lam-viec")
guard_staff_blueprint(bp)


@bp.get("/")
@needs(Permission.MANAGE_CALENDAR)
def show_calendar():
    calendar = WorkCalendar()
    raw = request.args.get("nam", "")
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) == 4):
        abort(404)  # 2 ** 64 included, which no date can hold
    year = int(raw) if raw else _this_year(calendar)
    if not 1990 <= year <= 2100:
        abort(404)
    return _page(calendar, year, OverrideForm(formdata=None))


@bp.post("/")
@needs(Permission.MANAGE_CALENDAR)
def add_override():
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            override = calendar_service.add_override(
                day=form.day.data,
                is_working_day=form.kind.data == "working",
                name=form.name.data,
                source=form.source.data,
            )
        except InvalidChange as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            flash(_("The override of %(day)s was saved.", day=_show(override.day)), "success")
            return redirect(url_for(".show_calendar", nam=override.day.year), code=303)
    year = form.day.data.year if form.day.data else None
    calendar = WorkCalendar()
    return _page(calendar, year or _this_year(calendar), form), 422


@bp.post("/nam/<int:year>/xac-nhan")
@needs(Permission.MANAGE_CALENDAR)
def confirm_year(year: int):
    if not 1990 <= year <= 2100:
        abort(404)
    form = ConfirmYearForm()
    if form.validate_on_submit():
        try:
            calendar_service.confirm_year(year, form.document.data)
        except InvalidChange as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            flash(_("The schedule of %(year)d is confirmed.", year=year), "success")
            return redirect(url_for(".show_calendar", nam=year), code=303)
    return _page(WorkCalendar(), year, OverrideForm(formdata=None), form), 422


@bp.post("/<day>/xoa")
@needs(Permission.MANAGE_CALENDAR)
def remove_override(day: str):
    override = calendar_service.get_override(_parse_day(day))
    if override is None:
        abort(404)
    if not RemoveOverrideForm().validate_on_submit():
        abort(400)
    calendar_service.remove_override(override)
    flash(_("The override of %(day)s was removed.", day=_show(override.day)), "success")
    return redirect(url_for(".show_calendar", nam=override.day.year), code=303)


def _page(
    calendar: WorkCalendar, year: int, form: OverrideForm, confirm: ConfirmYearForm | None = None
) -> str:
    return render_template(
        "calendar/show.html",
        year=year,
        entries=calendar.year_entries(year),
        culture_day_off=calendar.culture_day_off,
        form=form,
        status=calendar.year_status(year),
        confirm_form=confirm or ConfirmYearForm(formdata=None),
    )


def _this_year(calendar: WorkCalendar) -> int:
    return calendar.local_day(utcnow()).year


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(404)


def _show(day: date) -> str:
    return day.strftime("%d/%m/%Y")
