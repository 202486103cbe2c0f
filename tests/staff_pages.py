"""Helpers for the staff pages: sign in through the real form, post forms with their token."""

from tests.builders import DEFAULT_PASSWORD
from tests.survey_pages import hidden_fields, parse


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
