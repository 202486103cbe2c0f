"""The different comments of a span, read through the units' index or by a pass over the
table: the same texts, counts and order either way; the pass only where it is cheaper."""

from datetime import datetime

import pytest

from analytics import comment_texts
from analytics.comment_texts import different_comments, pass_is_cheaper
from analytics.indices import ResponseFilter
from survey_app.core.extensions import db
from tests.helpers.builders import make_officer, make_response
from tests.helpers.report_data import HANOI

START, END = datetime(2026, 1, 1, tzinfo=HANOI), datetime(2026, 4, 1, tzinfo=HANOI)


@pytest.fixture
def written(tree):
    """Comments of the province's communes; one outside the span, one of commune B."""
    _, commune_a, commune_b = tree
    for at, unit, comment in [
        (datetime(2026, 1, 5, 9, tzinfo=HANOI), commune_a, "Chờ lâu quá"),
        (datetime(2026, 1, 6, 9, tzinfo=HANOI), commune_a, ""),
        (datetime(2026, 2, 6, 9, tzinfo=HANOI), commune_a, "  cảm ơn  "),
        (datetime(2026, 2, 7, 9, tzinfo=HANOI), commune_b, "Chờ lâu quá"),
        (datetime(2026, 3, 8, 9, tzinfo=HANOI), commune_a, "cảm ơn"),
        (datetime(2026, 3, 9, 9, tzinfo=HANOI), commune_b, "Bình thường"),
        (datetime(2026, 4, 1, 9, tzinfo=HANOI), commune_a, "ngoài kỳ"),
    ]:
        make_response(unit=unit, comment=comment, submitted_at=at)
    return tree


@pytest.mark.parametrize("share", [0.0, 2.0], ids=["pass", "index"])
def test_the_same_comments_whichever_way_the_table_is_read(written, monkeypatch, share):
    province, commune_a, commune_b = written
    monkeypatch.setattr(comment_texts, "PASS_FROM_SHARE", share)
    units = ResponseFilter(unit_ids=frozenset({province.id, commune_a.id, commune_b.id}))
    assert list(different_comments(units, START, END)) == [
        ("Chờ lâu quá", 2), ("cảm ơn", 1), ("cảm ơn", 1), ("Bình thường", 1),
    ]  # fmt: skip
    only_a = ResponseFilter(unit_ids=frozenset({commune_a.id}))
    assert list(different_comments(only_a, START, END)) == [
        ("Chờ lâu quá", 1), ("cảm ơn", 1), ("cảm ơn", 1),
    ]  # fmt: skip


def test_the_pass_only_on_sqlite_and_for_a_large_share_of_the_table(written):
    province, commune_a, commune_b = written
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    whole = ResponseFilter(unit_ids=frozenset({province.id, commune_a.id, commune_b.id}))
    assert pass_is_cheaper(whole, START, END) is sqlite
    for _ in range(20):  # commune B's span becomes a sliver of the table
        make_response(unit=commune_a, submitted_at=datetime(2026, 2, 1, 9, tzinfo=HANOI))
    assert pass_is_cheaper(ResponseFilter(unit_ids=frozenset({commune_b.id})), START, END) is False
    # A person's responses are found through their own index.
    officer = make_officer(unit=commune_a)
    by_officer = ResponseFilter(unit_ids=whole.unit_ids, officer_id=officer.id)
    assert pass_is_cheaper(by_officer, START, END) is False
