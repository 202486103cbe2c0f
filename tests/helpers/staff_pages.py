"""Helpers for the staff pages: sign in through the real form, post forms with their token."""

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import AuditEvent
from tests.helpers.builders import DEFAULT_PASSWORD
from tests.helpers.survey_pages import hidden_fields, parse


def sign_in(client, user, password: str = DEFAULT_PASSWORD):
    page = parse(client.get("/dang-nhap"))
    data = hidden_fields(page) | {"username": user.username, "password": password}
    return client.post("/dang-nhap", data=data)


def post_form(client, url: str, data: dict, form_selector: str = "main form"):
    """Open the page, take the hidden fields (CSRF) of its form, post `data` with them."""
    page = parse(client.get(url))
    form = page.select_one(form_selector)
    hidden = {f["name"]: f.get("value", "") for f in form.select("input[type=hidden]")}
    return client.post(form.get("action") or url, data=hidden | data)


def csrf(client) -> dict[str, str]:
    """A valid token of this session, to show that refusals come from the guard, not CSRF."""
    page = parse(client.get("/quan-tri/"))
    return {"csrf_token": page.select_one("input[name=csrf_token]")["value"]}


def text(page, selector: str) -> str:
    return page.select_one(selector).get_text(" ", strip=True)


def summary(response) -> str:
    return text(parse(response), ".summary")


def one(model, code: str):
    db.session.expire_all()
    return db.session.scalar(sa.select(model).where(model.code == code))


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def sign_out(client):
    """Press the sign-out button of the staff header."""
    token = hidden_fields(parse(client.get("/quan-tri/")).select_one(".who form"))["csrf_token"]
    return client.post("/dang-xuat", data={"csrf_token": token})
