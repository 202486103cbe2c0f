"""The staff home page: where each role starts after signing in."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs
from survey_app.models import Role

bp = Blueprint("staff", __name__, url_prefix="/quan-tri")
guard_staff_blueprint(bp)


@bp.get("/")
@needs(Permission.USE_STAFF_PAGES)
def show_home():
    if current_user.role is Role.OFFICER:
        return redirect(url_for("officer.show_my_feedback"))
    return render_template("staff/home.html")
