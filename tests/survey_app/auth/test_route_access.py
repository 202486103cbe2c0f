"""Every route of the service, tried as every role and as an anonymous visitor.

A new route fails `test_every_route_is_classified` until it is added to one of the tables below,
so nobody can add a page without deciding who may reach it. Objects named in URLs come in two
kinds: inside the signed-in user's unit (commune A) and outside it (commune B): outside is 404
for everyone, whatever the role.
"""

import itertools
import re
from datetime import date, timedelta

import pytest
from werkzeug.routing import Rule

from kiosk.pairing import register_kiosk
from survey_app.auth.permissions import NATIONAL_PERMISSIONS
from survey_app.models import Role
from survey_app.services.calendar import add_override
from survey_app.services.org.photos import set_officer_photo
from tests.helpers import route_walk
from tests.helpers.builders import make_counter, make_officer, make_response, make_unit, make_user
from tests.helpers.route_walk import (
    MADE_UP_SOURCE,
    OBJECT_ARGUMENTS,
    World,
    _api_key,
    _png,
    _ticket,
    rules,
    url_arguments,
)
from tests.helpers.survey_pages import parse

# The route walk's fixtures: a province with two communes and a signed-in client per role.
world = route_walk.world
clients = route_walk.clients

ADMIN, MANAGER, HANDLER, OFFICER = (
    Role.ADMINISTRATOR,
    Role.MANAGER,
    Role.COMPLAINT_HANDLER,
    Role.OFFICER,
)
EVERY_ROLE = frozenset(Role)

# Pages anonymous visitors may reach: the citizen's survey, public files and sign-in.
PUBLIC = {
    "main.show_home",
    "reports_old_url",
    "main.show_favicon",
    "static",
    "survey.answer_survey",
    "survey.thank_you",
    "qr.download_png",
    "qr.download_svg",
    "auth.sign_in",
    "auth.sign_out",
    # "Quên mật khẩu?" and the one-time links; single sign-on (404 without a provider).
    "account_links.forgot_password",
    "account_links.activate",
    "account_links.reset",
    "sso.start",
    "sso.callback",
    "api.show_openapi",
    "complaints.file_form",
    "complaints.filed",
    "complaints.show_status",
    "complaints.find_ticket",
    "complaints.find_unit_to_complain_to",
    "contact_rights.show_my_data",
    "contact_rights.correct_my_data",
    "contact_rights.withdraw_my_consent",
    "tablet_api.pair_device",
    "health.show_health",
    "health.show_readiness",
    "public.show_unit",
    "public.find_unit",
    "tablet.show_app",
    "tablet.service_worker",
    "tablet.show_manifest",
}
# JSON endpoints authenticated by an API key: anonymous gets 401 (public documentation excepted).
API = {
    "api.create_survey_link",
    "api.create_ticket",
    "tablet_api.show_config",
    "tablet_api.submit_rating",
}
# Staff pages: the roles that may use them. Everyone else gets 403; anonymous goes to sign-in.
STAFF = {
    "staff.show_home": EVERY_ROLE,
    "auth.change_password": EVERY_ROLE,
    "officer.show_my_feedback": {OFFICER},
    "org.list_units": {ADMIN, MANAGER},
    "org.show_unit": {ADMIN, MANAGER},
    "org.create_counter": {ADMIN, MANAGER},
    "org.show_counter": {ADMIN, MANAGER},
    "org.update_counter": {ADMIN, MANAGER},
    "org.set_counter_status": {ADMIN, MANAGER},
    "org.create_officer": {ADMIN, MANAGER},
    "org.show_officer": {ADMIN, MANAGER},
    "org.update_officer": {ADMIN, MANAGER},
    "org.set_officer_status": {ADMIN, MANAGER},
    "org.show_officer_photo": {ADMIN, MANAGER},
    "org.upload_officer_photo": {ADMIN, MANAGER},
    "org.remove_officer_photo": {ADMIN, MANAGER},
    "org.create_unit": {ADMIN},
    "org.edit_unit": {ADMIN},
    "org.edit_document_settings": {ADMIN, MANAGER},
    "org.set_unit_status": {ADMIN},
    "org.import_org": {ADMIN},
    "procedures.list_procedures": {ADMIN},
    "procedures.create_procedure": {ADMIN},
    "procedures.edit_procedure": {ADMIN},
    "procedures.import_procedures": {ADMIN},
    "api_keys.list_api_keys": {ADMIN, MANAGER},
    "api_keys.create_api_key": {ADMIN, MANAGER},
    "api_keys.revoke_api_key": {ADMIN, MANAGER},
    "codes.list_unit_codes": {ADMIN, MANAGER},
    "codes.show_code": {ADMIN, MANAGER},
    "codes.rotate_code": {ADMIN, MANAGER},
    "codes.download_posters": {ADMIN, MANAGER},
    "users.list_users": {ADMIN},
    "users.new_user": {ADMIN},
    "user_import.import_users_page": {ADMIN},
    "users.edit_user": {ADMIN},
    "users.reset_password": {ADMIN},
    "users.deactivate_user": {ADMIN},
    "users.reactivate_user": {ADMIN},
    "users.show_audit_log": {ADMIN},
    "tickets.list_tickets": {ADMIN, MANAGER, HANDLER},
    "follow_ups.list_unit_follow_ups": {ADMIN, MANAGER, HANDLER},
    "follow_ups.update_unit_follow_ups": {ADMIN, MANAGER, HANDLER},
    "tickets.new_ticket": {ADMIN, MANAGER, HANDLER},
    "tickets.show_ticket": {ADMIN, MANAGER, HANDLER},
    "tickets.assign_ticket": {ADMIN, MANAGER, HANDLER},
    "tickets.answer_ticket": {ADMIN, MANAGER, HANDLER},
    "tickets.reject_ticket": {ADMIN, MANAGER, HANDLER},
    "tickets.close_ticket": {ADMIN, MANAGER, HANDLER},
    "tickets.transfer_ticket": {ADMIN, MANAGER, HANDLER},
    "tickets.extend_ticket": {ADMIN, MANAGER},
    "tickets.download_attachment": {ADMIN, MANAGER, HANDLER},
    "calendar_admin.show_calendar": {ADMIN},
    "calendar_admin.add_override": {ADMIN},
    "calendar_admin.confirm_year": {ADMIN},
    "calendar_admin.remove_override": {ADMIN},
    "kiosk_admin.list_kiosks": {ADMIN, MANAGER},
    "kiosk_admin.create_kiosk": {ADMIN, MANAGER},
    "kiosk_admin.edit_kiosk": {ADMIN, MANAGER},
    "kiosk_admin.new_pairing_code": {ADMIN, MANAGER},
    "kiosk_admin.revoke_kiosk": {ADMIN, MANAGER},
    "responses_admin.mark_spam": {ADMIN, MANAGER},
    "reports.show_own_dashboard": {ADMIN, MANAGER},
    "reports.show_dashboard": {ADMIN, MANAGER},
    "reports.close_report": {ADMIN, MANAGER},
    "reports.show_unit_ranking": {ADMIN, MANAGER},
    "reports.list_flagged": {ADMIN, MANAGER},
    "reports.decide_burst": {ADMIN, MANAGER},
    "reports.edit_rating_rules": {ADMIN, MANAGER},
    "reports.download_monthly": {ADMIN, MANAGER},
    "reports.download_officers": {ADMIN, MANAGER},
    "reports.download_officers_for_excel": {ADMIN, MANAGER},
    "reports.edit_report_text": {ADMIN, MANAGER},
    "reports.download_period": {ADMIN, MANAGER},
}


def request(client, rule: Rule, arguments: dict, token: str | None = None):
    url = rule.build(arguments, append_unknown=False)[1]
    if "GET" in rule.methods:
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": token} if token else {})
    response.close()  # files are streamed; only the status and headers matter here
    return response


def fresh_arguments(rule: Rule, world: World) -> dict:
    """New objects inside commune A for a POST that is allowed: its changes (a removed photo,
    a revoked key, a deactivated officer) must not leak into the other checks."""
    commune = world.inside["unit"]
    place = {"unit": make_unit(parent=commune)}
    place["response"] = make_response(unit=place["unit"])
    place["counter"] = make_counter(unit=commune)
    place["officer"] = make_officer(unit=commune)
    set_officer_photo(place["officer"], _png())
    needs_user = "username" in rule.arguments
    place["user"] = make_user(unit=commune) if needs_user else world.inside["user"]
    place["api_key"] = _api_key(commune)
    place["ticket"] = _ticket(commune)
    place["kiosk"] = register_kiosk(place["counter"], name="Máy")[0]
    if "day" in rule.arguments:
        place["override_day"] = _override_day()
    return url_arguments(rule, place, world)


_made_up_days = itertools.count()


def _override_day() -> str:
    """A made-up day off far from any real one, for a removal to act on."""
    day = date(2031, 6, 2) + timedelta(days=next(_made_up_days))
    add_override(day=day, is_working_day=False, name="Nghỉ thử", source=MADE_UP_SOURCE)
    return day.isoformat()


def token_of(client) -> str:
    page = client.get("/quan-tri/", follow_redirects=True)
    field = parse(page).select_one("input[name=csrf_token]")
    return field["value"]


def is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and re.match(r"^/dang-nhap", response.headers["Location"])


def test_every_route_is_classified(migrated_app):
    known = PUBLIC | API | set(STAFF)
    assert sorted({rule.endpoint for rule in rules(migrated_app)} - known) == []


def test_anonymous_visitors_reach_only_public_pages(migrated_app, world, clients):
    anonymous = clients[None]
    token = parse(anonymous.get("/dang-nhap")).select_one("input[name=csrf_token]")["value"]
    for rule in rules(migrated_app):
        response = request(anonymous, rule, url_arguments(rule, world.inside, world), token)
        if rule.endpoint in PUBLIC:
            assert response.status_code < 500 and response.status_code not in (401, 403), rule
            # Signing out ends on the sign-in page; every other public page is reached directly.
            assert rule.endpoint == "auth.sign_out" or not is_sign_in_redirect(response), rule
        elif rule.endpoint in API:
            assert response.status_code == 401, rule
        else:
            assert is_sign_in_redirect(response), (rule, response.status_code)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_exactly_its_pages(migrated_app, world, clients, role):
    client, token = clients[role], token_of(clients[role])
    for rule in rules(migrated_app):
        if rule.endpoint not in STAFF:
            continue
        # These users belong to a commune: national data is for a top unit's administrators.
        national = _permission(migrated_app, rule) in NATIONAL_PERMISSIONS
        allowed = role in STAFF[rule.endpoint] and not national
        if allowed and "GET" not in rule.methods:
            arguments = fresh_arguments(rule, world)
        else:
            arguments = url_arguments(rule, world.inside, world)
        response = request(client, rule, arguments, token)
        if allowed:
            assert response.status_code not in (403, 404) and response.status_code < 500, (
                rule,
                response.status_code,
            )
            assert not is_sign_in_redirect(response), rule
        else:
            assert response.status_code == 403, (rule, response.status_code)


def _permission(app, rule: Rule):
    return getattr(app.view_functions[rule.endpoint], "required_permission", None)


@pytest.mark.parametrize("role", list(Role))
def test_objects_of_another_commune_are_404_whatever_the_url(migrated_app, world, clients, role):
    client, token = clients[role], token_of(clients[role])
    for rule in rules(migrated_app):
        if rule.endpoint not in STAFF or not set(OBJECT_ARGUMENTS) & rule.arguments:
            continue
        response = request(client, rule, url_arguments(rule, world.outside, world), token)
        expected = 404 if role in STAFF[rule.endpoint] else 403
        assert response.status_code == expected, (rule, response.status_code)
