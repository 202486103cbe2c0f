"""Citizen satisfaction surveys for one-stop counters: the Flask application factory."""

import os

from flask import Flask
from flask_babel import get_locale
from flask_login import current_user

from survey_app import auth
from survey_app.auth.permissions import Permission, user_can
from survey_app.core.config import load_settings
from survey_app.core.extensions import babel, configure_engine, csrf, db, migrate
from survey_app.core.i18n import language_url, select_locale, select_timezone
from survey_app.core.paths import MIGRATIONS_DIR, resource_dir
from survey_app.display import history as history_text
from survey_app.display.labels import (
    ROLE_LABELS,
    TICKET_CHANNEL_LABELS,
    TICKET_EVENT_LABELS,
    TICKET_STATUS_LABELS,
)


def create_app(settings: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
        instance_path=os.environ.get("SURVEY_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    app.config.update(load_settings(app.instance_path, settings))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)
    _init_extensions(app)
    from survey_app.core import bounded

    bounded.init_app(app)  # before the blueprints: their routes use its `int` converter
    _register_blueprints(app)
    from survey_app.core import limits, security
    from survey_app.display import dates as date_text
    from survey_app.display import numbers as figures_text
    from survey_app.queries import code_cache

    date_text.init_app(app)
    figures_text.init_app(app)
    code_cache.init_app(app)
    security.init_app(app)
    limits.init_app(app)  # after the blueprints: its rules name them
    from survey_app.core import errors

    errors.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from survey_app import models  # noqa: F401  (registers the tables)

    db.init_app(app)
    configure_engine(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.jinja_env.globals["language_url"] = language_url
    csrf.init_app(app)
    auth.init_app(app)
    app.jinja_env.globals.update(
        can=_current_user_can,
        role_label=lambda role: ROLE_LABELS[role],
        channel_label=lambda channel: TICKET_CHANNEL_LABELS[channel],
        ticket_status_label=lambda status: TICKET_STATUS_LABELS[status],
        event_label=lambda kind: TICKET_EVENT_LABELS.get(kind, kind),
        **history_text.TEMPLATE_FUNCTIONS,
        # A deadline counted through a year without a confirmed schedule says "tạm tính".
        provisional_between=_provisional_between,
    )


def _provisional_between(start, end) -> bool:
    from survey_app.workdays import WorkCalendar  # reads the database: only once a page asks

    return WorkCalendar().is_provisional_between(start, end)


def _current_user_can(permission: str) -> bool:
    return current_user.is_authenticated and user_can(current_user, Permission(permission))


def _register_blueprints(app: Flask) -> None:
    from survey_app.blueprints import (
        account_links,
        api,
        api_keys,
        auth,
        calendar_admin,
        codes,
        complaints,
        health,
        main,
        officer,
        org,
        procedures,
        public,
        qr,
        reports,
        responses_admin,
        sso,
        staff,
        survey,
        tickets,
        user_import,
        users,
    )

    for module in (
        main,
        survey,
        qr,
        auth,
        account_links,
        sso,
        staff,
        org,
        procedures,
        codes,
        api_keys,
        api,
        officer,
        users,
        user_import,
        tickets,
        complaints,
        calendar_admin,
        health,
        reports,
        public,
        responses_admin,
    ):
        app.register_blueprint(module.bp)
    from survey_app.blueprints import contact_rights, follow_ups

    app.register_blueprint(contact_rights.bp)
    app.register_blueprint(follow_ups.bp)
    from kiosk import api as tablet_api
    from kiosk import pages as kiosk_pages
    from survey_app.blueprints import kiosks as kiosk_admin

    app.register_blueprint(tablet_api.bp)
    app.register_blueprint(kiosk_admin.bp)
    app.register_blueprint(kiosk_pages.bp)
