"""Property-based tests of the JSON API (survey links, complaints, kiosk ratings): whatever an
integration or a tablet sends, the answer is a stored row that makes sense or a JSON refusal
naming what is wrong with nothing stored; never a server error."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from kiosk.pairing import register_kiosk
from survey_app.core.extensions import db
from survey_app.models import (
    OVERALL_ITEM,
    SCALE,
    Channel,
    SurveyCode,
    SurveyResponse,
    Ticket,
)
from survey_app.models.response import COMMENT_MAX_LENGTH
from tests.helpers.api_links import new_key
from tests.helpers.builders import make_counter, make_officer
from tests.helpers.fuzzing import api_refusal_problem, row_counts

KIOSK_ITEMS = ("TC", "TT", "CC", "KQ", "PA", "CHUNG")
REFUSALS = frozenset({400, 401, 403, 404, 413, 415, 422})
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
TEXT = st.text(max_size=30) | st.sampled_from(["", " ", "x" * 2100, "a\x00b", "Ý kiến"])


@pytest.fixture
def setting(app, tree):
    """Commune A with a counter, an officer, an integration's key and a paired tablet."""
    counter = make_counter(unit=tree[1], code="XA-A-Q1")
    officer = make_officer(unit=tree[1], code="XA-A-CB1", counters=[counter])
    _, token = register_kiosk(counter, name="Máy tính bảng quầy 1")
    return {
        "counter": counter.code,
        "officer": officer.code,
        "key": {"Authorization": f"Bearer {new_key(tree[1])}"},
        "device": {"Authorization": f"Bearer {token}"},
    }


def check_refusal(response, counts: dict) -> None:
    assert response.status_code in REFUSALS, response.get_data(as_text=True)[:500]
    assert api_refusal_problem(response) is None, api_refusal_problem(response)
    assert row_counts() == counts


def moments():
    now = datetime.now(UTC)
    times = st.sampled_from(
        [now, now - timedelta(days=3), now + timedelta(hours=1), now - timedelta(days=200)]
    )
    shapes = st.sampled_from(
        [
            lambda t: t.isoformat(),
            lambda t: t.astimezone().isoformat(),
            lambda t: t.replace(tzinfo=None).isoformat(),
            lambda t: t.strftime("%d/%m/%Y"),
        ]
    )
    return st.builds(lambda moment, shape: shape(moment), times, shapes) | TEXT


@st.composite
def kiosk_ratings(draw, officer_code: str) -> dict:
    codes = st.sampled_from([*KIOSK_ITEMS, "TC1", "XX"])
    levels = st.integers(-1, 7) | st.none() | st.booleans() | st.text(max_size=2)
    answers = draw(st.dictionaries(codes, levels, max_size=8))
    if draw(st.booleans()):
        answers[OVERALL_ITEM] = draw(st.sampled_from(SCALE))
    body = {
        "id": draw(st.uuids().map(str) | TEXT),
        "instrument": draw(st.sampled_from(["kiosk-5", "sipas-2023"]) | TEXT),
        "submitted_at": draw(moments()),
        "answers": answers,
    }
    optional = {
        "officer_code": st.sampled_from([officer_code, "XA-B-CB9"]) | TEXT,
        "comment": TEXT,
        "locale": st.sampled_from(["vi", "en", "fr"]),
        "callback": st.fixed_dictionaries(
            {"phone": st.sampled_from(["0912 345 678", "12"]), "consent_text": TEXT}
        ),
        "extra": JSON,
    }
    for name, strategy in optional.items():
        if draw(st.integers(0, 3)) == 0:
            body[name] = draw(strategy)
    return body


def check_stored_rating(body: dict) -> None:
    stored = db.session.scalars(
        sa.select(SurveyResponse).where(SurveyResponse.client_ref == body["id"].lower())
    ).one()
    values = stored.answer_values()
    assert stored.channel is Channel.KIOSK and stored.kiosk_id is not None
    assert set(values) <= set(KIOSK_ITEMS) and values[OVERALL_ITEM] in SCALE
    assert all(value in SCALE for value in values.values())
    assert values == {k: v for k, v in body["answers"].items() if v is not None}
    assert len(stored.comment) <= COMMENT_MAX_LENGTH and "\x00" not in stored.comment
    assert abs(stored.submitted_at - datetime.fromisoformat(body["submitted_at"])) < timedelta(1)


def test_any_kiosk_rating_is_stored_sensibly_or_refused_readably(client, setting):
    @given(body=kiosk_ratings(setting["officer"]))
    def send(body):
        counts = row_counts()
        response = client.post("/api/v1/responses", json=body, headers=setting["device"])
        db.session.expire_all()
        if response.status_code == 201:
            assert row_counts()["survey_responses"] == counts["survey_responses"] + 1
            check_stored_rating(body)
        elif response.status_code == 200:  # this id was stored by an earlier example
            assert row_counts() == counts
        else:
            check_refusal(response, counts)

    send()


@st.composite
def link_requests(draw, counter: str, officer: str) -> dict:
    fields = {
        "dossier_code": st.sampled_from(["000.00.12.H29-250415-0001", "HS-2"]) | TEXT | JSON,
        "unit_code": st.sampled_from(["XA-A", "XA-B", "TINH", "xa-a"]) | TEXT,
        "counter_code": st.sampled_from([counter, "XA-B-Q9"]) | TEXT,
        "officer_code": st.sampled_from([officer, "CB-KHAC"]) | TEXT,
        "extra": JSON,
    }
    return {name: draw(s) for name, s in fields.items() if draw(st.integers(0, 2)) > 0}


def test_any_survey_link_request_makes_a_link_or_is_refused_readably(client, setting):
    @given(body=link_requests(setting["counter"], setting["officer"]))
    def send(body):
        counts = row_counts()
        response = client.post("/api/v1/survey-links", json=body, headers=setting["key"])
        db.session.expire_all()
        if response.status_code in (200, 201):
            link = db.session.scalars(
                sa.select(SurveyCode).where(SurveyCode.code == response.get_json()["code"])
            ).one()
            assert link.single_use and link.dossier_code == body["dossier_code"].strip()
            added = row_counts()["survey_codes"] - counts["survey_codes"]
            assert added == (1 if response.status_code == 201 else 0)
        else:
            check_refusal(response, counts)

    send()


@st.composite
def complaint_requests(draw, counter: str) -> dict:
    fields = {
        "unit_code": st.sampled_from(["XA-A", "XA-B", "NOWHERE"]) | TEXT,
        "content": st.sampled_from(["Phải chờ hơn hai giờ.", "   "]) | TEXT | JSON,
        "client_ref": st.uuids().map(str) | TEXT,
        "counter_code": st.sampled_from([counter, "XA-B-Q9"]) | TEXT,
        "contact": st.fixed_dictionaries(
            {},
            optional={
                "name": TEXT,
                "phone": st.sampled_from(["0912 345 678", "abc"]),
                "email": st.sampled_from(["an@example.vn", "an@"]),
                "consent_text": TEXT,
            },
        )
        | JSON,
    }
    return {name: draw(s) for name, s in fields.items() if draw(st.integers(0, 3)) > 0}


def test_any_complaint_request_files_a_ticket_or_is_refused_readably(client, setting):
    @given(body=complaint_requests(setting["counter"]))
    def send(body):
        counts = row_counts()
        response = client.post("/api/v1/complaints", json=body, headers=setting["key"])
        db.session.expire_all()
        if response.status_code in (200, 201):
            ticket = db.session.scalars(
                sa.select(Ticket).where(Ticket.code == response.get_json()["code"])
            ).one()
            assert ticket.content == body["content"].strip() and ticket.content
            contact = body.get("contact") or {}
            assert not (contact.get("phone") or contact.get("email")) or ticket.consent_text
        else:
            check_refusal(response, counts)

    send()


@pytest.mark.parametrize(
    ("path", "credentials"),
    [
        ("/api/v1/responses", "device"),
        ("/api/v1/survey-links", "key"),
        ("/api/v1/complaints", "key"),
        ("/api/v1/kiosk/pair", None),
    ],
)
def test_any_json_or_garbage_is_refused_readably(client, setting, path, credentials):
    headers = setting[credentials] if credentials else {}

    @given(body=JSON | st.binary(max_size=40), as_json=st.booleans())
    def send(body, as_json):
        counts = row_counts()
        if isinstance(body, bytes):
            kind = "application/json" if as_json else "application/x-www-form-urlencoded"
            response = client.post(path, data=body, headers=headers, content_type=kind)
        else:
            response = client.post(path, json=body, headers=headers)
        check_refusal(response, counts)

    send()


def test_a_missing_or_made_up_token_is_refused_readably(client, setting):
    header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)

    @given(token=st.sampled_from(["", "Bearer ", "Bearer kt_x_y", "Basic abc"]) | header_text)
    def send(token):
        for path in ("/api/v1/responses", "/api/v1/survey-links", "/api/v1/complaints"):
            counts = row_counts()
            response = client.post(path, json={}, headers={"Authorization": token})
            assert response.status_code == 401
            check_refusal(response, counts)

    send()
