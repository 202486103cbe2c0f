"""Every page of the service, as every role and as an anonymous visitor, keeps to the Content
Security Policy: no inline script, no on*="" handler, no style="" attribute or <style> element.
The route walk of tests/survey_app/auth/test_route_access.py is reused read-only; its module-wide
world of two
communes is why this test lives alone."""

import pytest
from bs4 import BeautifulSoup

from survey_app.core.security import CONTENT_SECURITY_POLICY
from survey_app.models import Role
from tests.helpers import route_walk
from tests.helpers.html_policy import inline_code
from tests.helpers.route_walk import rules, url_arguments

# The route walk's fixtures: a province with two communes and a signed-in client per role.
world = route_walk.world
clients = route_walk.clients


def html_pages(app, world, client):
    """(url, response) for every GET page this client may open that answers HTML."""
    for rule in rules(app):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        try:
            url = rule.build(url_arguments(rule, world.inside, world), append_unknown=False)[1]
        except KeyError:  # an argument the route walk does not know yet (a newer area)
            continue
        response = client.get(url)
        response.close()
        if response.mimetype == "text/html" and response.status_code not in (301, 302, 303):
            yield url, response


@pytest.mark.parametrize("role", [None, *Role], ids=lambda role: str(role or "anonymous"))
def test_no_page_has_inline_script_or_style(migrated_app, world, clients, role):
    seen = set()
    for url, response in html_pages(migrated_app, world, clients[role]):
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert inline_code(page) == [], url
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        seen.add(url)
    assert len(seen) >= 5, seen  # the walk reached pages at all
