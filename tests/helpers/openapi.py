"""The OpenAPI document and the JSON schema of an answer in it."""

import json

from survey_app.core.paths import PACKAGE_DIR


def openapi_document() -> dict:
    return json.loads((PACKAGE_DIR / "data" / "openapi.json").read_text(encoding="utf-8"))


def json_schema(document: dict, response: dict) -> dict:
    """The response's JSON Schema, with the document's components for its $refs."""
    schema = response["content"]["application/json"]["schema"]
    return schema | {"components": document["components"]}
