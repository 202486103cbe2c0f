"""The instrument files: a factor's items follow one another, as the tally run reads a factor's
answers as one span of a response's levels (survey_app.models.levels)."""

import json

import pytest

from survey_app.core.paths import INSTRUMENTS_DIR
from survey_app.services.instruments import read_instrument_files


def test_the_shipped_files_are_read():
    assert len(read_instrument_files()) == 4


def test_a_factor_split_in_two_is_refused(tmp_path):
    document = json.loads((INSTRUMENTS_DIR / "kiosk-5.json").read_text(encoding="utf-8"))
    items = document["items"]  # TC, TT, CC, KQ, PA, CHUNG
    items[2]["factor"] = "TC"  # TC, TT, TC: TC in two places
    (tmp_path / "split.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ValueError, match="follow one another"):
        read_instrument_files(tmp_path)
