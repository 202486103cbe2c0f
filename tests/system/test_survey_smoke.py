from tests.helpers.builders import full_answers, make_counter, survey_code_of
from tests.helpers.survey_pages import open_survey, send_survey


def test_survey_round_trip(client):
    counter = make_counter()
    code = survey_code_of(counter)
    response, page = open_survey(client, code)
    assert response.status_code == 200
    posted, _ = send_survey(client, code, full_answers())
    assert posted.status_code == 303, posted.get_data(as_text=True)[:3000]
