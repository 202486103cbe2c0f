"""Property-based tests of the citizen forms (the QR survey, the complaint form): whatever a
phone posts, the answer is a stored response or ticket that makes sense, or a page saying in
Vietnamese what to correct with nothing stored; never a server error."""

import unicodedata

import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from survey_app.core.extensions import db
from survey_app.core.patterns import CLIENT_ID_PATTERN
from survey_app.models import (
    CONTENT_MAX_LENGTH,
    OVERALL_ITEM,
    SCALE,
    SurveyResponse,
    Ticket,
)
from survey_app.models.response import COMMENT_MAX_LENGTH
from survey_app.services.tickets.opening import PHONE_PATTERN
from tests.helpers.builders import make_counter, make_officer, survey_code_of
from tests.helpers.fuzzing import page_messages, row_counts
from tests.helpers.survey_pages import hidden_fields, parse

# Strings a phone, a bot or a broken browser may send for one answer.
LEVELS = st.one_of(
    st.sampled_from(["1", "2", "3", "4", "5", ""]),
    st.sampled_from(["0", "6", "-1", " 4 ", "3.5", "+2", "４", "abc", "5" * 30]),
    st.text(max_size=8),
)
TEXTS = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", "   ", "Cán bộ nhiệt tình.", "<script>alert(1)</script>", "a\x00b\x1b"]),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1990, max_size=2010),
)


SUBMISSION_IDS = st.one_of(st.none(), st.uuids().map(lambda u: u.hex), st.text(max_size=70))


def cleaned(text: str) -> str:
    """What may be stored of a typed text: no control characters but line breaks and tabs."""
    kept = (c for c in text if c in "\t\n\r" or unicodedata.category(c) != "Cc")
    return "".join(kept).strip()


def cleaned_complaint(text: str) -> str:
    """A complaint's text counts a line break (CR LF from a browser) as one character."""
    return cleaned(text.replace("\r\n", "\n"))


def as_level(value: str) -> int | None | str:
    """What the survey makes of an answer: None for "No opinion", else an int on the scale."""
    if value == "":
        return None
    try:
        level = int(value)
    except ValueError:
        return "invalid"
    return level if level in SCALE else "invalid"


@st.composite
def survey_posts(draw, item_codes: list[str]) -> dict:
    chosen = draw(st.lists(st.sampled_from(item_codes), unique=True))
    post = {code: draw(LEVELS) for code in chosen}
    if draw(st.booleans()):
        post[OVERALL_ITEM] = draw(st.sampled_from(["1", "2", "3", "4", "5"]))
    post["comment"] = draw(TEXTS)
    post |= draw(st.dictionaries(st.sampled_from(["TC9", "x", "CHUNG2"]), st.text(max_size=3)))
    return post


def survey_accepts(post: dict, known: set[str]) -> bool:
    levels = [as_level(value) for code, value in post.items() if code in known]
    unknown = set(post) - known - {"comment", "csrf_token", "submission_id", "instrument"}
    return (
        "invalid" not in levels
        and as_level(post.get(OVERALL_ITEM, "")) not in (None, "invalid")
        and len(cleaned(post["comment"])) <= COMMENT_MAX_LENGTH
        and not unknown
    )


def new_responses(before_ids: set[int]) -> list[SurveyResponse]:
    stored = db.session.scalars(sa.select(SurveyResponse).order_by(SurveyResponse.id))
    return [response for response in stored if response.id not in before_ids]


def check_stored_response(stored: SurveyResponse, post: dict, known: set, sent_id: str) -> None:
    levels = {code: as_level(value) for code, value in post.items() if code in known}
    assert stored.answer_values() == {code: v for code, v in levels.items() if v is not None}
    assert stored.answer_values()[OVERALL_ITEM] in SCALE
    assert stored.comment == cleaned(post["comment"])
    assert CLIENT_ID_PATTERN.match(stored.client_ref)
    assert stored.client_ref == sent_id or not CLIENT_ID_PATTERN.match(sent_id)
    assert stored.flagged == any(value <= 3 for value in stored.answer_values().values())


def test_any_survey_post_is_stored_sensibly_or_refused_readably(client):
    counter = make_counter()
    code = survey_code_of(counter)
    page = parse(client.get(f"/s/{code}"))
    known = {radio["name"] for radio in page.select("input[type=radio]")}
    hidden = hidden_fields(page)

    @given(post=survey_posts(sorted(known)), submission_id=SUBMISSION_IDS)
    def post_anything(post, submission_id):
        # None: the same page sent again (a repeat stores nothing new); else a new visit.
        sent = hidden | post | ({"submission_id": submission_id} if submission_id else {})
        before = {r.id for r in db.session.scalars(sa.select(SurveyResponse))}
        counts = row_counts()
        response = client.post(f"/s/{code}", data=sent)
        db.session.expire_all()
        if survey_accepts(post, known):
            assert response.status_code == 303, page_messages(response)
            added = new_responses(before)
            assert len(added) <= 1  # none when this id was stored by an earlier example
            if added:
                check_stored_response(added[0], post, known, sent["submission_id"])
        else:
            assert response.status_code == 422
            assert parse(response).html["lang"] == "vi"
            assert page_messages(response) and all(page_messages(response))
            assert row_counts() == counts

    post_anything()


@st.composite
def complaint_posts(draw, choices: dict[str, list[str]]) -> dict:
    post = {"content": draw(TEXTS | st.text(min_size=1, max_size=CONTENT_MAX_LENGTH + 5))}
    for name in ("counter", "officer", "procedure"):
        post[name] = draw(st.sampled_from(choices[name]) | st.text(max_size=10))
    post["contact_name"] = draw(st.sampled_from(["", "Nguyễn Văn An"]) | st.text(max_size=210))
    post["contact_phone"] = draw(st.sampled_from(["", "0912 345 678", "+84912345678", "12ab"]))
    post["contact_email"] = draw(st.sampled_from(["", "an@example.vn", "an@", "a" * 300]))
    if draw(st.booleans()):
        post["consent"] = draw(st.sampled_from(["y", "on", ""]))
    return post


def check_stored_ticket(ticket: Ticket, post: dict) -> None:
    assert ticket.content == cleaned_complaint(post["content"])
    assert 0 < len(ticket.content) <= CONTENT_MAX_LENGTH
    contact = (ticket.contact_name, ticket.contact_phone, ticket.contact_email)
    assert not any(contact) or ticket.consent_text
    assert ticket.contact_phone is None or PHONE_PATTERN.match(ticket.contact_phone)
    assert ticket.contact_email is None or "@" in ticket.contact_email


def test_any_complaint_post_is_filed_sensibly_or_refused_readably(client):
    unit = make_officer(unit=make_counter().unit).unit
    page = parse(client.get(f"/phan-anh/{unit.code}"))
    choices = {
        select["name"]: [option["value"] for option in select.select("option")]
        for select in page.select("select")
    }
    hidden = hidden_fields(page)

    @given(
        post=complaint_posts(choices | {"procedure": choices.get("procedure", [""])}),
        client_ref=st.uuids().map(lambda u: u.hex),
    )
    def post_anything(post, client_ref):
        counts = row_counts()
        sent = hidden | post | {"client_ref": client_ref}
        response = client.post(f"/phan-anh/{unit.code}", data=sent)
        db.session.expire_all()
        if response.status_code == 303:
            # The ticket the citizen is sent to: a form id already used for another text
            # files a new ticket with a new id, a repeat of the same text shows the first.
            code = response.location.removeprefix("/t/").split("/")[0].split("?")[0]
            ticket = db.session.scalars(sa.select(Ticket).filter_by(code=code)).one()
            if row_counts() != counts:  # not a repeat of an earlier example's ticket
                check_stored_ticket(ticket, post)
            else:
                assert ticket.content == cleaned_complaint(post["content"])
        elif response.status_code == 400:  # a value no database can hold, such as a NUL code
            assert parse(response).h1.get_text(strip=True) == "Không thể xử lý yêu cầu"
            assert row_counts() == counts
        else:
            assert response.status_code == 422
            assert page_messages(response) and all(page_messages(response))
            assert row_counts() == counts

    post_anything()
