"""What the fuzz suites (tests/test_fuzz_*.py) share: Hypothesis settings and the checks that
every refusal can be read and that a refusal stores nothing.

Profiles: "ci" (when CI is set) runs the same examples on every run, so a red build is
reproducible; "dev" draws new ones each time. HYPOTHESIS_PROFILE picks one by hand, e.g.
HYPOTHESIS_PROFILE=dev-long for a longer local hunt.
"""

import os

import sqlalchemy as sa
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, settings

from survey_app.core.extensions import db
from survey_app.models import SurveyCode, SurveyResponse, Ticket

# The examples share one test's database (fixtures are not rebuilt per example); assertions
# compare what each example added.
_COMMON = {
    "deadline": None,  # requests hit a real database on a shared, busy machine
    "database": None,  # no .hypothesis/ folder in the checkout
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}
settings.register_profile("ci", max_examples=30, derandomize=True, **_COMMON)
settings.register_profile("dev", max_examples=30, **_COMMON)
settings.register_profile("dev-long", max_examples=500, **_COMMON)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

STORED_TABLES = (SurveyResponse, Ticket, SurveyCode)


def row_counts() -> dict[str, int]:
    """Rows in every table a public form or API call may write."""
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in STORED_TABLES
    }


def api_refusal_problem(response) -> str | None:
    """Why a 4xx answer (a Flask test response) of the JSON API is not readable, or None."""
    if response.mimetype != "application/json":
        return f"not JSON but {response.mimetype}"
    return json_refusal_problem(response.get_json())


def json_refusal_problem(body) -> str | None:
    """Why a JSON refusal's body does not say what is wrong, or None when it does."""
    if isinstance(body, dict) and isinstance(body.get("errors"), dict) and body["errors"]:
        if all(isinstance(m, str) and m.strip() for m in body["errors"].values()):
            return None
        return f"an empty or non-text message in {body['errors']}"
    if isinstance(body, dict) and body.get("error") and str(body.get("message", "")).strip():
        return None
    return f"neither error + message nor errors: {body!r}"


def page_messages(response) -> list[str]:
    """The messages of a refused form's summary box, in the page's language."""
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    summary = page.select_one(".summary[role=alert]")
    if summary is None:
        return []
    return [item.get_text(" ", strip=True) for item in summary.select("li")]
