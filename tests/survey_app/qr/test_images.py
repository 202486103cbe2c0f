import io
import unicodedata
import xml.etree.ElementTree as ET

import pypdf
import pytest
import zxingcpp
from flask_babel import force_locale
from PIL import Image

from survey_app.cli import main
from survey_app.core.extensions import db
from survey_app.models import SurveyCode
from survey_app.models.types import utcnow
from survey_app.qr.images import survey_url
from tests.helpers.builders import make_counter, make_officer, make_unit, survey_code_of
from tests.helpers.qr import RENDER_DPI, decoded, rendered_pages, svg_as_image
from tests.helpers.survey_pages import parse

PUBLIC_URL = "https://khaosat.example.vn"


@pytest.fixture(autouse=True)
def public_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_PUBLIC_URL", PUBLIC_URL)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def revoke(code: str) -> None:
    db.session.get(SurveyCode, code).revoked_at = utcnow()
    db.session.commit()


def run(runner, *args: str):
    # English messages, whatever the Vietnamese catalogue says.
    with force_locale("en"):
        return runner.invoke(main, ["qr", *args])


def make_poster(runner, tmp_path, unit_code: str, *options: str):
    output = tmp_path / "poster.pdf"
    return run(runner, "poster", "--unit", unit_code, "--output", str(output), *options), output


def test_survey_url_joins_public_url_and_code(app, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_PUBLIC_URL", "https://dichvucong.example.vn/")
    assert survey_url("AB23CD45") == "https://dichvucong.example.vn/s/AB23CD45"


def test_png_download_decodes_to_the_survey_url(client):
    code = survey_code_of(make_counter())
    response = client.get(f"/s/{code}/qr.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert decoded(Image.open(io.BytesIO(response.data))) == [f"{PUBLIC_URL}/s/{code}"]


def test_svg_download_is_a_path_drawing_of_the_survey_url(client):
    code = survey_code_of(make_officer())
    response = client.get(f"/s/{code}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    assert root.find("{http://www.w3.org/2000/svg}path") is not None
    assert decoded(svg_as_image(response.data)) == [f"{PUBLIC_URL}/s/{code}"]


@pytest.mark.parametrize("extension", ["png", "svg"])
def test_download_is_an_attachment_cached_for_a_day(client, extension):
    code = survey_code_of(make_counter())
    response = client.get(f"/s/{code.lower()}/qr.{extension}")
    assert response.headers["Content-Disposition"] == f"attachment; filename=qr-{code}.{extension}"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    etag = response.headers["ETag"]
    again = client.get(f"/s/{code}/qr.{extension}", headers={"If-None-Match": etag})
    assert again.status_code == 304


@pytest.mark.parametrize("extension", ["png", "svg"])
def test_unknown_code_has_no_qr(client, extension):
    response = client.get(f"/s/ZZZZ9999/qr.{extension}")
    assert response.status_code == 404
    parse(response)


@pytest.mark.parametrize("extension", ["png", "svg"])
def test_revoked_code_has_no_qr(client, extension):
    code = survey_code_of(make_counter())
    revoke(code)
    response = client.get(f"/s/{code}/qr.{extension}")
    assert response.status_code == 404
    parse(response)


def test_poster_has_a_page_per_counter_then_per_officer(runner, tmp_path):
    unit = make_unit(code="PHULA", name="UBND phường Phú La")
    lan = make_officer(unit=unit, full_name="Nguyễn Thị Lan")
    hotich = make_counter(unit=unit, name="Quầy Tư pháp - Hộ tịch", field="Tư pháp - Hộ tịch")
    make_officer(unit=unit, full_name="Trần Văn Đức", counters=[hotich])
    result, output = make_poster(runner, tmp_path, "PHULA")
    assert result.output == f"Wrote 3 pages to {output}.\n"
    texts = page_texts(output.read_bytes())
    assert len(texts) == 3
    assert all("UBND phường Phú La" in text for text in texts)
    assert "Quầy Tư pháp - Hộ tịch" in texts[0] and "Quầy: Quầy" not in texts[0]
    assert "Lĩnh vực: Tư pháp - Hộ tịch" in texts[0]
    assert f"{PUBLIC_URL}/s/{survey_code_of(hotich)}" in texts[0]
    officers = {text.split("Công chức: ")[1].split("\n")[0]: text for text in texts[1:]}
    assert set(officers) == {"Nguyễn Thị Lan", "Trần Văn Đức"}
    assert "Quầy: Quầy Tư pháp - Hộ tịch" in officers["Trần Văn Đức"]
    assert f"Mã khảo sát: {survey_code_of(lan)}" in officers["Nguyễn Thị Lan"]


def test_poster_qr_decodes_and_is_about_12_cm(runner, tmp_path):
    counter = make_counter(unit=make_unit(code="BGM"))
    result, output = make_poster(runner, tmp_path, "BGM")
    assert result.exit_code == 0, result.output
    [page] = rendered_pages(output.read_bytes())
    [found] = zxingcpp.read_barcodes(page.convert("L"))
    assert found.text == f"{PUBLIC_URL}/s/{survey_code_of(counter)}"
    width_mm = (found.position.top_right.x - found.position.top_left.x) / RENDER_DPI * 25.4
    assert 110 <= width_mm <= 125


def test_poster_writes_names_in_composed_unicode(runner, tmp_path):
    decomposed = unicodedata.normalize("NFD", "Lê Thị Hằng")
    make_officer(unit=make_unit(code="HD"), full_name=decomposed)
    result, output = make_poster(runner, tmp_path, "HD")
    assert result.exit_code == 0, result.output
    assert "Công chức: Lê Thị Hằng" in page_texts(output.read_bytes())[0]


@pytest.mark.parametrize(("options", "pages"), [((), 1), (("--include-children",), 3)])
def test_poster_includes_child_units_on_request(runner, tmp_path, options, pages):
    parent = make_unit(code="HADONG", name="Trung tâm Phục vụ hành chính công Hà Đông")
    make_counter(unit=parent)
    child = make_unit(code="VANQUAN", name="UBND phường Văn Quán", parent=parent)
    make_counter(unit=child, name="Quầy Đất đai", field="Đất đai")
    make_officer(unit=child, full_name="Phạm Quốc Việt")
    result, output = make_poster(runner, tmp_path, "HADONG", *options)
    assert result.exit_code == 0, result.output
    texts = page_texts(output.read_bytes())
    assert len(texts) == pages
    assert sum("UBND phường Văn Quán" in text for text in texts) == pages - 1


def test_poster_leaves_out_revoked_and_inactive_codes(runner, tmp_path):
    unit = make_unit(code="DONGXOAI")
    revoke(survey_code_of(make_counter(unit=unit, name="Quầy cũ")))
    make_officer(unit=unit, full_name="Đỗ Văn Nghỉ").active = False
    db.session.commit()
    make_counter(unit=unit, name="Quầy Một cửa")
    result, output = make_poster(runner, tmp_path, "DONGXOAI")
    assert result.exit_code == 0, result.output
    [text] = page_texts(output.read_bytes())
    assert "Quầy Một cửa" in text and "Quầy cũ" not in text


def test_poster_of_unknown_unit_is_a_clear_error(runner, tmp_path):
    result, output = make_poster(runner, tmp_path, "NOWHERE")
    assert result.exit_code == 2
    assert "No unit has the code NOWHERE." in result.output
    assert not output.exists()


def test_poster_of_unit_without_counters_or_officers_writes_nothing(runner, tmp_path):
    make_unit(code="EMPTY", name="UBND xã Trống")
    result, output = make_poster(runner, tmp_path, "EMPTY")
    assert result.exit_code == 1
    assert "UBND xã Trống has no active counter or officer: no poster written." in result.output
    assert not output.exists()


def test_png_command_writes_the_qr_of_a_code(runner, tmp_path):
    code = survey_code_of(make_counter())
    output = tmp_path / "qr.png"
    result = run(runner, "png", "--code", code.lower(), "--output", str(output))
    assert result.exit_code == 0, result.output
    assert decoded(Image.open(output)) == [f"{PUBLIC_URL}/s/{code}"]


def test_svg_command_writes_the_qr_of_a_code(runner, tmp_path):
    code = survey_code_of(make_officer())
    output = tmp_path / "qr.svg"
    result = run(runner, "svg", "--code", code, "--output", str(output))
    assert result.exit_code == 0, result.output
    assert decoded(svg_as_image(output.read_bytes())) == [f"{PUBLIC_URL}/s/{code}"]


@pytest.mark.parametrize("command", ["png", "svg"])
def test_single_code_command_refuses_a_revoked_code(runner, tmp_path, command):
    code = survey_code_of(make_counter())
    revoke(code)
    output = tmp_path / f"qr.{command}"
    result = run(runner, command, "--code", code, "--output", str(output))
    assert result.exit_code == 2
    assert f"{code} is not a survey code in use (unknown or revoked)." in result.output
    assert not output.exists()
