"""The database stopped under a running server (a private PostgreSQL cluster, the real app
under gunicorn): the citizen gets the form back with every answer and a Vietnamese "try again",
the tablet is told to keep the rating and retry; once the database is back, each is stored once.
"""

import uuid
from datetime import UTC, datetime

import pytest
import requests
from bs4 import BeautifulSoup

from tests.helpers.raters import KIOSK_ITEMS, serve
from tests.helpers.raters import stored_ref_counts as stored
from tests.helpers.survey_pages import checked_values, hidden_fields

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

BUSY_VI = "Hệ thống đang bận"
ANSWERS = {"TC1": "2", "CC2": "5", "KQ3": "", "CHUNG": "3"}
COMMENT = "Phải chờ gần một tiếng mới đến lượt"


@pytest.fixture(scope="module")
def server(deployment, tmp_path_factory):
    with serve(deployment, tmp_path_factory.mktemp("server"), workers=2) as server:
        yield server


@pytest.fixture
def stored_since(deployment):
    """The client ids stored during the test, with how many responses carry each."""
    before = stored(deployment.database_url)
    return lambda: stored(deployment.database_url) - before


def kiosk_rating() -> dict:
    return {
        "id": str(uuid.uuid4()),
        "instrument": "kiosk-5",
        "submitted_at": datetime.now(UTC).isoformat(),
        "answers": dict.fromkeys(KIOSK_ITEMS, 4),
    }


def open_form(server, deployment) -> tuple[requests.Session, str, dict]:
    session = requests.Session()
    url = f"{server.base_url}/s/{deployment.survey_code}"
    page = session.get(url, timeout=15)
    assert page.status_code == 200
    return session, url, hidden_fields(BeautifulSoup(page.text, "html.parser"))


def test_the_form_comes_back_with_every_answer_and_is_stored_once_later(
    deployment, server, cluster, stored_since
):
    session, url, hidden = open_form(server, deployment)
    cluster.stop()
    try:
        busy = session.post(url, data=hidden | ANSWERS | {"comment": COMMENT}, timeout=15)
    finally:
        cluster.start()
    assert busy.status_code == 503 and busy.headers["Retry-After"].isdigit()
    page = BeautifulSoup(busy.text, "html.parser")
    assert BUSY_VI in page.select_one("[role=alert]").get_text()
    assert checked_values(page) == ANSWERS
    assert page.select_one("textarea").get_text() == COMMENT
    assert hidden_fields(page)["submission_id"] == hidden["submission_id"]
    again = hidden_fields(page) | checked_values(page) | {"comment": COMMENT}
    for _ in range(2):  # sent again, then a double tap
        sent = session.post(url, data=again, allow_redirects=False, timeout=15)
        assert sent.status_code == 303
    assert stored_since() == {hidden["submission_id"]: 1}


def test_opening_the_form_while_the_database_is_down_says_to_try_again(deployment, server, cluster):
    cluster.stop()
    try:
        page = requests.get(f"{server.base_url}/s/{deployment.survey_code}", timeout=15)
    finally:
        cluster.start()
    assert page.status_code == 503 and page.headers["Retry-After"].isdigit()
    assert BUSY_VI in BeautifulSoup(page.text, "html.parser").h1.get_text()


def test_the_kiosk_is_told_to_retry_and_its_rating_is_stored_once_later(
    deployment, server, cluster, stored_since
):
    rating = kiosk_rating()
    auth = {"Authorization": f"Bearer {deployment.kiosk_token}"}
    url = f"{server.base_url}/api/v1/responses"
    cluster.stop()
    try:
        refused = requests.post(url, json=rating, headers=auth, timeout=15)
    finally:
        cluster.start()
    assert refused.status_code == 503 and refused.headers["Retry-After"].isdigit()
    body = refused.json()
    assert (body["error"], body["retry"]) == ("unavailable", True) and body["message"]
    statuses = [requests.post(url, json=rating, headers=auth, timeout=15).status_code]
    statuses.append(requests.post(url, json=rating, headers=auth, timeout=15).status_code)
    assert statuses == [201, 200]
    assert stored_since() == {rating["id"]: 1}
