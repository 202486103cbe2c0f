"""The units a signed-in user may see: their own unit and every unit below it."""

from dataclasses import dataclass

from flask import g
from flask_login import current_user

from survey_app.queries.units import list_unit_subtree_ids


@dataclass(frozen=True)
class Scope:
    unit_ids: frozenset[int]

    def covers(self, unit_id: int | None) -> bool:
        return unit_id in self.unit_ids


def current_scope() -> Scope:
    """Computed once per request for the signed-in user."""
    if "scope" not in g:
        g.scope = Scope(frozenset(list_unit_subtree_ids(current_user.unit_id)))
    return g.scope
