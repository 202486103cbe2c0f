"""Citizen satisfaction surveys for one-stop counters: the Flask application factory."""

import os

from flask import Flask
from flask_babel import get_locale

from survey_app.config import load_settings
from survey_app.extensions import babel, configure_sqlite, csrf, db, migrate
from survey_app.i18n import select_locale, select_timezone
from survey_app.paths import MIGRATIONS_DIR, resource_dir


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
    _register_blueprints(app)
    from survey_app import errors

    errors.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from survey_app import models  # noqa: F401  (registers the tables)

    db.init_app(app)
    configure_sqlite(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    csrf.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from survey_app.blueprints.main import bp as main_bp
    from survey_app.blueprints.qr import bp as qr_bp
    from survey_app.blueprints.survey import bp as survey_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(survey_bp)
    app.register_blueprint(qr_bp)
