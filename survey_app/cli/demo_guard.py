"""When `survey-app demo` refuses to run: the demo creates an administrator and other accounts
whose password is printed in the README, so it must never land in a real service's database.

The README's first command (nothing set: development, the demo's own SQLite file in the
instance folder) always runs. It refuses, unless ALLOW_FLAG is given, when SURVEY_ENV says
production, when the database is a server database (PostgreSQL), or when the database already
holds staff accounts other than the demo's.
"""

import json
import os

import sqlalchemy as sa

ALLOW_FLAG = "--allow-published-passwords"
ALLOW_HELP = (
    "Load the demo even into a production, PostgreSQL or existing database: it creates an "
    "administrator and other accounts whose password is published in the README."
)


def refusal(app) -> str | None:
    """Why the demo must not load into this app's database, or None."""
    if os.environ.get("SURVEY_ENV", "").strip().lower() == "production":
        return "SURVEY_ENV is production"
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        return f"the database is a {url.get_backend_name()} server database, not a demo file"
    if others := _accounts_not_of_the_demo(app):
        return f"the database already holds other staff accounts ({', '.join(others[:3])})"
    return None


def message(reason: str) -> str:
    return (
        f"The demo was not loaded: {reason}. It creates an administrator whose password is in "
        f"the README. To load it anyway, add {ALLOW_FLAG}."
    )


def _accounts_not_of_the_demo(app) -> list[str]:
    from survey_app.core.extensions import db
    from survey_app.demo.loader import DEMO_FILE

    demo_names = {spec["username"] for spec in json.loads(DEMO_FILE.read_text("utf-8"))["accounts"]}
    with app.app_context():
        if not sa.inspect(db.engine).has_table("users"):
            return []
        names = db.session.scalars(sa.text("SELECT username FROM users ORDER BY username"))
        found = [name for name in names if name not in demo_names]
        db.session.remove()
    return found
