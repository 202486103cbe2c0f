"""Helpers that use the survey the way a phone does: open the page, pick answers, send."""

from bs4 import BeautifulSoup

# What a Vietnamese citizen must read: the SIPAS factor names and the five levels (domain.md §2).
FACTOR_TITLES_VI = [
    "Tiếp cận dịch vụ",
    "Thủ tục hành chính",
    "Sự phục vụ của công chức",
    "Kết quả giải quyết thủ tục hành chính",
    "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị",
]
SCALE_VI = ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"]


def parse(response) -> BeautifulSoup:
    assert response.mimetype == "text/html"
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.title and page.title.string.strip(), "every page has a title"
    return page


def hidden_fields(page: BeautifulSoup) -> dict[str, str]:
    return {field["name"]: field.get("value", "") for field in page.select("input[type=hidden]")}


def open_survey(client, code: str, **query):
    response = client.get(f"/s/{code}", query_string=query)
    return response, parse(response)


def send_survey(client, code: str, answers: dict, comment: str = "", extra: dict | None = None):
    """Open the form, then post the answers with the form's own hidden fields (CSRF, id)."""
    _, page = open_survey(client, code)
    data = hidden_fields(page) | {k: "" if v is None else str(v) for k, v in answers.items()}
    data |= {"comment": comment} | (extra or {})
    return client.post(f"/s/{code}", data=data), data


def error_texts(page: BeautifulSoup) -> dict[str, str]:
    """The message shown next to each field, keyed by item code (or 'comment')."""
    return {
        error["id"].removeprefix("e-"): error.get_text(strip=True) for error in page.select(".err")
    }


def checked_values(page: BeautifulSoup) -> dict[str, str]:
    return {radio["name"]: radio["value"] for radio in page.select("input[type=radio][checked]")}


def phone_at(app, address: str = "198.51.100.7", headers: dict | None = None):
    """A phone of its own (own cookies), reaching the service from `address`; `headers` such
    as X-Forwarded-For are sent with every request."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    client.environ_base.update(
        {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
    )
    return client


def survey_form_data(client, code: str, answers: dict) -> dict[str, str]:
    """Open the form once: its hidden fields (CSRF token, submission id) with the answers."""
    _, page = open_survey(client, code)
    return hidden_fields(page) | {k: "" if v is None else str(v) for k, v in answers.items()}
