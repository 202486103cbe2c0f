"""submit_response: the rules every channel shares, and exactly-once storage."""

import threading

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import Channel, SurveyResponse
from survey_app.queries.instruments import get_current_instrument
from survey_app.services.errors import InvalidSubmission
from survey_app.services.responses.submit import (
    DossierAlreadyRated,
    Submission,
    is_flagged,
    submit_response,
)
from tests.helpers.builders import full_answers, make_counter
from tests.helpers.kiosk_devices import paired_kiosk, rating, send, stored_responses
from tests.helpers.statements import (
    queued_response_ids,
    reads_of,
    recorded_statements,
    statements_compiled_anew,
    statements_with_transactions,
)


def submission(counter, **changes) -> Submission:
    fields = {
        "client_ref": "ref-1",
        "unit": counter.unit,
        "counter": counter,
        "instrument": get_current_instrument("sipas-2023"),
        "answers": full_answers(),
        "channel": Channel.PAPER,
    }
    return Submission(**(fields | changes))


def count_responses() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse))


def test_the_same_client_ref_is_stored_once(app):
    counter = make_counter()
    first = submit_response(submission(counter))
    second = submit_response(submission(counter, answers=full_answers(value=1)))
    assert (first.created, second.created) == (True, False)
    assert second.response.id == first.response.id
    assert count_responses() == 1


def test_a_repeat_returns_the_first_copy_with_its_first_answers(app):
    counter = make_counter()
    first_id = submit_response(submission(counter, answers=full_answers(value=5))).response.id
    again = submit_response(submission(counter, answers=full_answers(value=1)))
    assert (again.created, again.response.id) == (False, first_id)
    assert set(again.response.answer_values().values()) == {5}


def test_a_new_response_is_inserted_without_looking_for_a_copy_first(app):
    counter = make_counter()
    with recorded_statements() as statements:
        submit_response(submission(counter))
    assert reads_of(statements, "survey_responses") == []
    assert count_responses() == 1


def test_a_dossier_rated_under_another_id_is_refused(app):
    counter = make_counter()
    submit_response(submission(counter, client_ref="ref-1", dossier_code="HS-001"))
    with pytest.raises(DossierAlreadyRated):
        submit_response(submission(counter, client_ref="ref-2", dossier_code="HS-001"))
    assert count_responses() == 1


def test_a_repeat_of_a_rated_dossier_is_its_stored_copy_not_a_refusal(app):
    counter = make_counter()
    first = submit_response(submission(counter, dossier_code="HS-001"))
    again = submit_response(submission(counter, dossier_code="HS-001"))
    assert (again.created, again.response.id) == (False, first.response.id)


def test_a_race_between_two_copies_stores_one(app):
    counter = make_counter()
    unit_id, counter_id = counter.unit_id, counter.id
    barrier, results, failures = threading.Barrier(2), [], []

    def submit_copy():
        try:
            with app.app_context():
                barrier.wait()
                owner = db.session.get(type(counter), counter_id)
                result = submit_response(submission(owner, unit=owner.unit))
                results.append((result.created, result.response.id, result.response.unit_id))
        except Exception as error:  # surfaced below; a thread cannot fail the test itself
            failures.append(error)

    threads = [threading.Thread(target=submit_copy) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(created for created, _, _ in results) == [False, True]
    assert {response_id for _, response_id, _ in results} == {results[0][1]}
    assert {unit for _, _, unit in results} == {unit_id}
    assert count_responses() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"answers": {"TC1": 5}}, "CHUNG"),
        ({"answers": {"CHUNG": 6}}, "CHUNG"),
        ({"answers": {"CHUNG": 4, "XX1": 4}}, "XX1"),
        ({"comment": "x" * 2001}, "comment"),
        ({"client_ref": ""}, "client_ref"),
    ],
)
def test_broken_rules_are_named_by_field(app, changes, field):
    with pytest.raises(InvalidSubmission) as raised:
        submit_response(submission(make_counter(), **changes))
    assert list(raised.value.errors) == [field]
    assert count_responses() == 0


def test_unanswered_items_are_not_stored(app):
    answers = full_answers(TC1=None, PA2=None)
    new = submit_response(submission(make_counter(), answers=answers)).response
    stored = db.session.get(SurveyResponse, new.id)
    assert set(stored.answer_values()) == set(answers) - {"TC1", "PA2"}


@pytest.mark.parametrize(
    ("answers", "flagged"),
    [
        ({"CHUNG": 4, "TC1": 4}, False),
        ({"CHUNG": 4, "TC1": 3}, True),
        ({"CHUNG": 3}, True),
        ({"CHUNG": 5, "TC1": None}, False),
        ({"CHUNG": 1}, True),
    ],
)
def test_flagged_means_any_answer_at_neutral_or_below(answers, flagged):
    assert is_flagged(answers) is flagged


@pytest.fixture
def tablet(tree):
    return paired_kiosk(tree[1])[1]


def test_a_rating_that_is_all_its_request_writes_commits_by_itself(client, tablet):
    """PostgreSQL: one statement (the rating, its queue row and the repeat check), sent without
    BEGIN and COMMIT; atomic as any statement."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite: the rating and its queue row are two statements, one transaction")
    send(client, tablet, rating())  # reads the kiosk, writes its last contact
    with statements_with_transactions() as sent:
        assert send(client, tablet, rating()).status_code == 201
    assert sent == [("WITH kiosk_repeat", False)]
    assert len(queued_response_ids()) == len(stored_responses()) == 2


def test_a_rating_shares_its_transaction_with_what_else_the_request_writes(client, tablet):
    """A tablet that reports a new app version: the contact and the rating, both or neither."""
    send(client, tablet, rating())
    with statements_with_transactions() as sent:
        assert send(client, tablet, rating(), **{"X-Kiosk-Version": "2.0.1"}).status_code == 201
    assert sent[0][0] == "UPDATE kiosks" and all(in_transaction for _, in_transaction in sent)
    assert len(sent) == {"postgresql": 2, "sqlite": 3}[db.engine.dialect.name]


def test_a_kiosk_rating_compiles_no_statement_anew(client, tablet):
    send(client, tablet, rating())
    with statements_compiled_anew() as compiled:
        assert send(client, tablet, rating()).status_code == 201
    assert compiled == []
