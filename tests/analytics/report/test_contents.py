"""What the monthly report gathers beyond the figures: the place it is written from, the
response rate where dossiers are known, responses by channel."""

import uuid
from datetime import datetime

import pytest

from analytics.report.contents import build_monthly_report, report_place
from survey_app.core.extensions import db
from survey_app.models import Channel, SurveyCode
from survey_app.queries.instruments import get_current_instrument
from survey_app.services.responses.submit import Submission, submit_response
from tests.helpers.builders import full_answers
from tests.helpers.report_data import HANOI, MARCH, make_small_month, march


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("UBND xã An Bình", "An Bình"),
        ("Ủy ban nhân dân phường Bến Thành", "Bến Thành"),
        ("Trung tâm Phục vụ hành chính công tỉnh Lâm Đồng", "Lâm Đồng"),
        ("Trung tâm Phục vụ hành chính công phường Xuân Hương - Đà Lạt", "Xuân Hương - Đà Lạt"),
        ("Đặc khu Phú Quốc", "Phú Quốc"),
        ("Bộ phận Một cửa", "Bộ phận Một cửa"),
    ],
)
def test_place_is_the_locality_of_the_unit(name, place):
    assert report_place(name) == place


def test_place_can_be_set(app, tree, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_REPORT_PLACE", "Thị trấn Đông Anh")
    make_small_month(tree)
    assert build_monthly_report(tree[1], MARCH).title.place == "Thị trấn Đông Anh"


def test_title_block_and_channels(app, tree):
    month = make_small_month(tree)
    report = build_monthly_report(month.commune, MARCH)
    # Without document settings the tree's parent is not printed as the governing body.
    assert (report.title.unit_name, report.title.parent_name) == ("UBND xã An Bình", None)
    assert report.title.document.issuing_body == "UBND xã An Bình"
    assert report.participation.by_channel == {
        Channel.QR: 4,
        Channel.KIOSK: 0,
        Channel.WEB: 2,
        Channel.PAPER: 2,
    }
    assert report.participation.rate is None  # no dossier is known


def link(unit, dossier: str, created_at) -> SurveyCode:
    code = SurveyCode(
        code=uuid.uuid4().hex[:8].upper(),
        unit=unit,
        dossier_code=dossier,
        single_use=True,
        created_at=created_at,
    )
    db.session.add(code)
    db.session.commit()
    return code


def test_response_rate_over_the_dossiers_given_a_link(app, tree):
    month = make_small_month(tree)
    commune = month.commune
    for number in range(1, 5):
        link(commune, f"HS-{number}", march(number + 1))
    # 31 March 17:30 UTC is already 1 April in Hà Nội: another month.
    link(commune, "HS-APRIL", datetime(2026, 4, 1, 0, 30, tzinfo=HANOI))
    submit_response(
        Submission(
            client_ref="rated-by-link",
            unit=commune,
            instrument=get_current_instrument("sipas-2023"),
            answers=full_answers(),
            channel=Channel.QR,
            dossier_code="HS-2",
            submitted_at=march(20),
        )
    )
    known = build_monthly_report(commune, MARCH).participation
    assert (known.dossier_links, known.rated_links) == (4, 1)
    assert known.rate == pytest.approx(25.0)
    assert known.by_channel[Channel.QR] == 5
