"""The route walk: every URL rule with arguments that exist in a world of two communes, and a
signed-in client per role."""

import io
import uuid

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.routing import Rule

from kiosk.pairing import register_kiosk
from survey_app.core.extensions import db
from survey_app.models import ApiKey, CalendarOverride, Role, TicketChannel
from survey_app.services.org.photos import set_officer_photo
from survey_app.services.procedures import create_procedure
from survey_app.services.tickets.attachments import CheckedFile, attach_files
from survey_app.services.tickets.opening import TicketRequest, open_ticket
from tests.helpers.app import empty_tables
from tests.helpers.builders import make_counter, make_officer, make_response, make_unit, make_user

OBJECT_ARGUMENTS = (
    "ticket_code",
    "unit_code",
    "counter_code",
    "officer_code",
    "survey_code",
    "username",
    "key_prefix",
    "kiosk_code",
)


class World:
    """Province P with communes A and B; the signed-in users all belong to commune A."""

    def __init__(self):
        province = make_unit(code="P")
        self.inside = {"unit": make_unit(code="XA-A", parent=province)}
        self.outside = {"unit": make_unit(code="XA-B", parent=province)}
        for place in (self.inside, self.outside):
            self._furnish(place)
        self.users = {role: self._user(role) for role in Role}
        self.procedure = create_procedure(code="1.001", name="Đăng ký khai sinh", field="Hộ tịch")

    def _furnish(self, place: dict) -> None:
        unit = place["unit"]
        place["counter"] = make_counter(unit=unit, code=f"Q-{unit.code}")
        place["officer"] = make_officer(unit=unit, code=f"CB-{unit.code}")
        set_officer_photo(place["officer"], _png())
        place["response"] = make_response(counter=place["counter"])
        place["user"] = make_user(unit=unit, username=f"nv-{unit.code.lower()}")
        place["api_key"] = _api_key(unit)
        place["ticket"] = _ticket(unit)
        place["kiosk"] = register_kiosk(place["counter"], name="Máy")[0]

    def _user(self, role: Role):
        officer = self.inside["officer"] if role is Role.OFFICER else None
        return make_user(role=role, unit=self.inside["unit"], officer=officer)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "gray").save(buffer, "PNG")
    return buffer.getvalue()


def _ticket(unit):
    request = TicketRequest(
        client_ref=uuid.uuid4().hex,
        unit=unit,
        content="Chờ lâu mà không được hướng dẫn.",
        channel=TicketChannel.WEB,
    )
    ticket = open_ticket(request).ticket
    attach_files(ticket, [CheckedFile("don.pdf", "application/pdf", ".pdf", b"%PDF-1.7 x")])
    return ticket


def _api_key(unit) -> ApiKey:
    key = ApiKey(unit=unit, name="Phần mềm một cửa", prefix=uuid.uuid4().hex[:8], key_hash="x")
    db.session.add(key)
    db.session.commit()
    return key


def survey_code_of(place: dict) -> str:
    from tests.helpers.builders import survey_code_of as code_of

    return code_of(place["counter"])


def url_arguments(rule: Rule, place: dict, world: "World") -> dict:
    values = {
        "unit_code": place["unit"].code,
        "counter_code": place["counter"].code,
        "officer_code": place["officer"].code,
        "survey_code": survey_code_of(place),
        "username": place["user"].username,
        "key_prefix": place["api_key"].prefix,
        "kiosk_code": place["kiosk"].token_prefix,
        "code": survey_code_of(place),
        "ref": place["response"].client_ref,
        "client_ref": place["response"].client_ref,
        "month": "2026-10",  # a past month: closing it is allowed
        "key": f"{place['unit'].id}.0.0.1.1",  # a burst of held ratings (none: "decided")
        "year": 2027,
        "period": "2026-Q3",
        "format": "xlsx",
        "rest": place["unit"].code,  # an old /reports/<rest> URL
        "filename": "css/survey.css",
        "procedure_code": world.procedure.code,
        "ticket_code": place["ticket"].code,
        "attachment_id": place["ticket"].attachments[0].id,
        "day": place.get(
            "override_day", "2026-06-01"
        ),  # never a seeded day  # the catalogue is national: no outside
        "token": "not-a-valid-link",  # a one-time link's token: refused as no longer valid
    }
    return {name: values[name] for name in rule.arguments}


@pytest.fixture(scope="module")
def world(migrated_app):
    with migrated_app.app_context():
        yield World()
        db.session.remove()
        empty_tables()
        # The calendar is seeded data that tests keep; take back the days made up here.
        db.session.execute(
            sa.delete(CalendarOverride).where(CalendarOverride.source == MADE_UP_SOURCE)
        )
        db.session.commit()


@pytest.fixture(scope="module")
def clients(migrated_app, world):
    from tests.helpers.staff_pages import sign_in

    signed_in = {}
    for role, user in world.users.items():
        client = migrated_app.test_client()
        assert sign_in(client, user).status_code == 302
        signed_in[role] = client
    signed_in[None] = migrated_app.test_client()
    return signed_in


def rules(app) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint)


MADE_UP_SOURCE = "Kiểm thử quyền truy cập"
