"""The citizen's QR survey: what the page shows, what is stored, and how bad input is handled."""

from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import Channel, SurveyCode, SurveyResponse, utcnow
from tests.helpers.builders import (
    full_answers,
    make_counter,
    make_officer,
    make_unit,
    survey_code_of,
)
from tests.helpers.statements import recorded_statements, statements_compiled_anew
from tests.helpers.survey_pages import (
    FACTOR_TITLES_VI,
    SCALE_VI,
    checked_values,
    error_texts,
    hidden_fields,
    open_survey,
    parse,
    send_survey,
)


def stored_responses() -> list[SurveyResponse]:
    return list(db.session.scalars(sa.select(SurveyResponse)))


def test_form_is_vietnamese_with_factor_sections_and_worded_scale(client):
    code = survey_code_of(make_counter(name="Quầy số 1 - Đất đai"))
    response, page = open_survey(client, code)
    assert response.status_code == 200
    assert page.html["lang"] == "vi"
    assert "Quầy số 1 - Đất đai" in page.get_text()
    titles = [h2.get_text(strip=True) for h2 in page.select("form section h2")]
    assert [title.split(". ", 1)[1] for title in titles[:5]] == FACTOR_TITLES_VI
    scale = [span.get_text(strip=True)[1:] for span in page.select("#q-TC1 .scale span")]
    assert scale == SCALE_VI


def test_field_names_are_item_codes_and_only_overall_lacks_no_opinion(client):
    _, page = open_survey(client, survey_code_of(make_counter()))
    names = {radio["name"] for radio in page.select("input[type=radio]")}
    assert names == set(full_answers()) and len(names) == 20
    assert page.select_one("textarea")["name"] == "comment"
    no_opinion = {radio["name"] for radio in page.select("input[type=radio][value='']")}
    assert no_opinion == names - {"CHUNG"}


def test_a_counter_code_stores_an_attributed_response(client):
    counter = make_counter()
    answers = full_answers(value=4, TC2=None, PA3=None)
    posted, _ = send_survey(client, survey_code_of(counter), answers, comment="Cán bộ nhiệt tình")
    assert posted.status_code == 303
    [stored] = stored_responses()
    assert (stored.unit_id, stored.counter_id, stored.officer_id) == (
        counter.unit_id,
        counter.id,
        None,
    )
    assert stored.channel is Channel.QR
    assert (stored.instrument.code, stored.instrument.version) == ("sipas-2023", 1)
    assert stored.answer_values() == {k: v for k, v in answers.items() if v is not None}
    assert stored.comment == "Cán bộ nhiệt tình"
    assert stored.flagged is False
    assert abs((utcnow() - stored.submitted_at).total_seconds()) < 60


def test_an_officer_code_attributes_the_officer(client):
    officer = make_officer(full_name="Trần Văn Bình")
    _, page = open_survey(client, survey_code_of(officer))
    assert "Trần Văn Bình" in page.get_text()
    send_survey(client, survey_code_of(officer), full_answers())
    [stored] = stored_responses()
    assert (stored.officer_id, stored.counter_id) == (officer.id, None)


def test_the_thank_you_page_follows_a_submission(client):
    posted, _ = send_survey(client, survey_code_of(make_counter()), full_answers())
    page = parse(client.get(posted.headers["Location"]))
    assert page.h1.get_text(strip=True) == "Cảm ơn Ông/Bà đã đánh giá"
    assert "sẽ xử lý" not in page.get_text()


def test_a_low_rating_is_flagged_and_promised_a_follow_up(client):
    posted, _ = send_survey(client, survey_code_of(make_counter()), full_answers(CC2=2))
    assert stored_responses()[0].flagged is True
    page = parse(client.get(posted.headers["Location"]))
    assert "“Bình thường” trở xuống" in page.select_one(".notice").get_text()


def test_neutral_overall_alone_is_flagged(client):
    send_survey(client, survey_code_of(make_counter()), {"CHUNG": 3})
    [stored] = stored_responses()
    assert stored.flagged is True and stored.answer_values() == {"CHUNG": 3}


def test_missing_overall_is_explained_next_to_it_and_keeps_every_answer(client):
    code = survey_code_of(make_counter())
    answers = full_answers(CHUNG=None, TC1=2, KQ3=None)
    posted, _ = send_survey(client, code, answers, comment="Chờ lâu quá")
    assert posted.status_code == 422
    page = parse(posted)
    assert error_texts(page) == {"CHUNG": "Vui lòng chọn mức độ hài lòng chung."}
    assert page.select_one(".summary a")["href"] == "#q-CHUNG"
    kept = {code: str(value) for code, value in answers.items() if value is not None}
    assert checked_values(page) == kept | {"KQ3": ""}
    assert page.select_one("textarea").get_text() == "Chờ lâu quá"
    assert stored_responses() == []


def test_an_out_of_range_value_is_refused_next_to_its_question(client):
    posted, _ = send_survey(client, survey_code_of(make_counter()), full_answers(TT2=7))
    assert posted.status_code == 422
    assert error_texts(parse(posted)) == {"TT2": "Vui lòng chọn một trong năm mức."}
    assert stored_responses() == []


def test_a_non_numeric_value_is_refused(client):
    posted, _ = send_survey(client, survey_code_of(make_counter()), full_answers(CC1="abc"))
    assert error_texts(parse(posted)) == {"CC1": "Vui lòng chọn một trong năm mức."}


def test_an_unknown_field_is_refused_and_named(client):
    code = survey_code_of(make_counter())
    posted, _ = send_survey(client, code, full_answers(), extra={"TC9": "5"})
    assert posted.status_code == 422
    summary = parse(posted).select_one(".summary").get_text()
    assert "Phiếu có trường không hợp lệ: TC9." in summary
    assert stored_responses() == []


def test_an_overlong_comment_is_refused_and_kept(client):
    comment = "Rất tốt. " * 300
    posted, _ = send_survey(client, survey_code_of(make_counter()), full_answers(), comment=comment)
    page = parse(posted)
    assert error_texts(page) == {"comment": "Ý kiến quá dài (tối đa 2000 ký tự)."}
    assert page.select_one("textarea").get_text() == comment.strip()
    assert stored_responses() == []


def test_a_double_submit_stores_one_response(client):
    code = survey_code_of(make_counter())
    first, data = send_survey(client, code, full_answers())
    second = client.post(f"/s/{code}", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(stored_responses()) == 1


def test_an_expired_form_keeps_the_answers_and_asks_to_send_again(client):
    code = survey_code_of(make_counter())
    posted, _ = send_survey(client, code, full_answers(TC3=1), extra={"csrf_token": "expired"})
    assert posted.status_code == 422
    page = parse(posted)
    assert "Trang đã mở quá lâu" in page.select_one(".summary").get_text()
    assert checked_values(page)["TC3"] == "1"
    assert stored_responses() == []


def test_unknown_and_revoked_codes_get_a_friendly_page(client):
    counter = make_counter()
    code = survey_code_of(counter)
    db.session.get(SurveyCode, code).revoked_at = utcnow()
    db.session.commit()
    for url in ("/s/NOSUCH23", f"/s/{code}"):
        response = client.get(url)
        assert response.status_code == 404
        assert parse(response).h1.get_text(strip=True) == "Mã khảo sát này không còn được sử dụng"


def test_an_inactive_counter_no_longer_collects_ratings(client):
    counter = make_counter()
    counter.active = False
    db.session.commit()
    assert client.get(f"/s/{survey_code_of(counter)}").status_code == 404


def test_english_is_one_visible_switch_away_and_remembered(client):
    code = survey_code_of(make_counter())
    _, page = open_survey(client, code)
    switch = page.select_one("nav.lang a[hreflang=en]")
    english = parse(client.get(switch["href"]))
    assert english.html["lang"] == "en"
    assert "Very satisfied" in english.select_one("#q-TC1 .scale").get_text()
    assert "Access to the service" in english.select_one("form section h2").get_text()
    _, again = open_survey(client, code)
    assert again.html["lang"] == "en"


def test_the_thank_you_time_is_local_and_formatted_per_language(client):
    posted, _ = send_survey(client, survey_code_of(make_counter()), full_answers())
    local = stored_responses()[0].submitted_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    vi_text = parse(client.get(posted.headers["Location"])).get_text()
    # The administration's form: two-digit day and month, "năm" before a four-digit year.
    vi_when = f"lúc {local:%H:%M} ngày {local:%d} tháng {local:%m} năm {local:%Y}."
    assert vi_when in vi_text  # lúc 05:01 ngày 03 tháng 11 năm 2026.
    en_text = parse(client.get(posted.headers["Location"] + "?lang=en")).get_text()
    assert f"at {local:%H:%M} on {local.day} {local:%B %Y}." in en_text  # 05:01 on 3 November 2026


def test_a_unit_on_sipas_2017_gets_its_own_questions(client):
    unit = make_unit(instrument_code="sipas-2017")
    code = survey_code_of(make_counter(unit=unit))
    _, page = open_survey(client, code)
    assert {"TT5", "CC6", "PA4"} <= {radio["name"] for radio in page.select("input[type=radio]")}
    send_survey(client, code, full_answers("sipas-2017"))
    assert stored_responses()[0].instrument.code == "sipas-2017"


def test_the_page_is_light_enough_for_a_cheap_phone(client):
    response, page = open_survey(client, survey_code_of(make_counter()))
    with client.get(page.select_one("link[rel=stylesheet]")["href"]) as css:
        assert len(response.get_data()) + len(css.get_data()) < 50 * 1024
    assert page.select("script, img") == []


def test_going_back_and_sending_again_keeps_the_first_rating(client):
    code = survey_code_of(make_counter())
    first, _ = send_survey(client, code, full_answers(value=5))
    again, page = open_survey(client, code)
    assert "phiếu đầu tiên được giữ nguyên" in page.select_one(".notice").get_text()
    resent, _ = send_survey(client, code, full_answers(value=1))
    assert resent.headers["Location"] == first.headers["Location"]
    [stored] = stored_responses()
    assert stored.answer_values()["CHUNG"] == 5


def test_a_rating_is_remembered_for_the_resend_window_without_a_new_session(client):
    """The session cookie is left as the form set it (signing it again cost every rating CPU);
    the phone's memory of its rating is a cookie of the survey's pages that expires with the
    window, and is read for its own code only."""
    code = survey_code_of(make_counter())
    sent, data = send_survey(client, code, full_answers())
    [cookie] = sent.headers.getlist("Set-Cookie")
    assert cookie.startswith(f"sipas_sent={code}:{data['submission_id']};")
    assert "Max-Age=1800" in cookie and "Path=/s/" in cookie and "HttpOnly" in cookie
    _, other_page = open_survey(client, survey_code_of(make_counter()))
    assert other_page.select_one(".notice") is None
    # The window is over: the browser dropped the cookie.
    client.delete_cookie("sipas_sent", domain="survey.test", path="/s/")
    _, page = open_survey(client, code)
    assert page.select_one(".notice") is None
    assert hidden_fields(page)["submission_id"] != data["submission_id"]


def test_another_phone_is_a_new_rating(app, client):
    code = survey_code_of(make_counter())
    send_survey(client, code, full_answers())
    _, page = open_survey(app.test_client(), code)
    assert page.select_one(".notice") is None
    send_survey(app.test_client(), code, full_answers())
    assert len(stored_responses()) == 2


def test_a_rating_compiles_no_statement_anew(app, client):
    """Each statement of a QR rating comes from SQLAlchemy's cache from the second rating on
    (the hold rules, the lock with the unit's rules, the insert)."""
    code = survey_code_of(make_counter())
    send_survey(client, code, full_answers())
    with statements_compiled_anew() as compiled:  # another phone: the form, then the rating
        send_survey(app.test_client(), code, full_answers(value=4))
    assert compiled == []
    assert len(stored_responses()) == 2


def test_a_rating_reads_its_code_with_the_lock_and_then_inserts(app, client):
    """PostgreSQL: a rating sent from the form is two statements, the code with its target's
    lock and its unit's rules, then the insert that counts and decides (BEGIN and COMMIT
    aside). SQLite reads the copy the form renewed, then the rules kept, then inserts."""
    code = survey_code_of(make_counter())
    _, page = open_survey(client, code)
    data = hidden_fields(page) | {k: str(v) for k, v in full_answers().items()}
    with recorded_statements() as sent:
        posted = client.post(f"/s/{code}", data=data)
    assert posted.status_code == 303
    if db.engine.dialect.name == "postgresql":
        assert len(sent) == 2
        assert "pg_advisory_xact_lock" in sent[0] and "FROM survey_codes" in sent[0]
        assert sent[1].startswith("WITH qr_hold AS")
    assert len(stored_responses()) == 1


def test_a_code_revoked_elsewhere_takes_no_rating_from_a_form_opened_before(app, client):
    """Another worker revokes the code after this one renewed its copy (opening the form): on
    PostgreSQL the rating reads the code anew and is refused at once."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite (development) uses the copy for a few seconds")
    code = survey_code_of(make_counter())
    _, page = open_survey(client, code)
    with db.engine.begin() as other_worker:
        other_worker.execute(
            sa.update(SurveyCode).where(SurveyCode.code == code).values(revoked_at=utcnow())
        )
    data = hidden_fields(page) | {k: str(v) for k, v in full_answers().items()}
    assert client.post(f"/s/{code}", data=data).status_code == 404
    assert stored_responses() == []
