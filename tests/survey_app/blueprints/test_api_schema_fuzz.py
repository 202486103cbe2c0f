"""Schemathesis against the published OpenAPI document (survey_app/data/openapi.json), in-process
through WSGI: for every operation, requests that follow the document and requests that break it.
Every answer must match the document, none may be a server error, every refusal is JSON that
says what is wrong, and a refused request stores nothing."""

import contextvars
import json

import pytest
import schemathesis
from hypothesis import given, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import negative_data_rejection

from kiosk.pairing import register_kiosk
from survey_app.blueprints.api import OPENAPI_FILE
from tests.helpers.api_links import new_key
from tests.helpers.builders import make_counter
from tests.helpers.fuzzing import json_refusal_problem, row_counts

DOCUMENT = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
OPERATIONS = [
    (method.upper(), path)
    for path, operations in DOCUMENT["paths"].items()
    for method in operations
    if method in {"get", "post", "put", "patch", "delete"}
]
# A request that follows the document may still break a rule no schema can say (a counter of
# another unit, a time too far in the past): the document answers those with 422.
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", 401, 404, 422]}}}
)
# Headers the document says are ignored when malformed (the tablet's version and queue length):
# breaking only these is not a request the server must refuse.
IGNORED_WHEN_MALFORMED = frozenset({"X-Kiosk-Version", "X-Kiosk-Queue"})
# Which credentials an operation takes, by its security scheme.
SCHEME_CREDENTIALS = {"bearerKey": "key", "headerKey": "key", "deviceToken": "device"}


def credentials_of(method: str, path: str) -> str | None:
    operation = DOCUMENT["paths"][path][method.lower()]
    for requirement in operation.get("security", DOCUMENT.get("security", [])):
        for scheme in requirement:
            return SCHEME_CREDENTIALS[scheme]
    return None


def breaks_only_ignored_headers(case, document: dict) -> bool:
    broken = {
        location
        for location, component in (case.meta.components if case.meta else {}).items()
        if component.mode is GenerationMode.NEGATIVE
    }
    headers = {p["name"] for p in document.get("parameters", []) if p["in"] == "header"}
    return broken == {ParameterLocation.HEADER} and headers <= IGNORED_WHEN_MALFORMED


def in_fresh_context(app):
    """Each call gets its own app context, as in production (see FreshContextClient)."""

    def wsgi(environ, start_response):
        return contextvars.Context().run(app, environ, start_response)

    return wsgi


@pytest.fixture
def api(app, tree):
    _, token = register_kiosk(make_counter(unit=tree[1]), name="Máy tính bảng quầy 1")
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", in_fresh_context(app), config=CONFIG
    )
    headers = {
        "key": {"Authorization": f"Bearer {new_key(tree[1])}"},
        "device": {"Authorization": f"Bearer {token}"},
        None: {},
    }
    return schema, headers


def examples() -> int:
    """A quarter of the profile's examples per operation and mode: twelve cases in all."""
    return max(5, settings.default.max_examples // 4)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_operation_keeps_its_document(api, method, path, mode):
    schema, headers = api
    operation = schema[path][method]
    document = DOCUMENT["paths"][path][method.lower()]
    if mode is GenerationMode.NEGATIVE and not ({"requestBody", "parameters"} & set(document)):
        pytest.skip("no parameters and no body: nothing to break")
    sent = headers[credentials_of(method, path)]

    @settings(max_examples=examples())
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case):
        counts = row_counts()
        response = case.call(headers=sent)
        lenient = breaks_only_ignored_headers(case, document)
        excluded = [negative_data_rejection] if lenient else None
        case.validate_response(response, headers=sent, excluded_checks=excluded)
        assert response.status_code < 500
        if response.status_code >= 400:
            assert response.headers["content-type"][0].startswith("application/json")
            assert json_refusal_problem(response.json()) is None, response.text
            assert row_counts() == counts

    call()
