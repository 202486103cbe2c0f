"""Posters and QR images point where citizens can reach: in production `survey-app qr` refuses
to encode an unset or loopback SURVEY_PUBLIC_URL; on the demo's database it encodes the address
the demo serves."""

import io

import pypdf
import pytest
import zxingcpp
from flask_babel import force_locale
from PIL import Image

from survey_app.cli import demo_address, main
from tests.helpers.builders import make_counter, make_unit, survey_code_of

DEMO_URL = "http://127.0.0.1:5123"
PUBLIC_URL = "https://khaosat.example.gov.vn"
UNSET_REFUSAL = (
    "SURVEY_PUBLIC_URL is not set, so the QR codes would open http://127.0.0.1:5000, which "
    "citizens' phones cannot reach. Set it to the service's public address, e.g. "
    "export SURVEY_PUBLIC_URL=https://khaosat.example.gov.vn"
)


@pytest.fixture
def instance(app, monkeypatch, tmp_path):
    """The app's instance folder (where the demo leaves its address) is the test's own."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    return tmp_path / "instance"


@pytest.fixture
def production(app, monkeypatch, instance):
    """Production with SURVEY_PUBLIC_URL unset."""
    monkeypatch.setitem(app.config, "SURVEY_ENV", "production")
    monkeypatch.setitem(app.config, "SURVEY_PUBLIC_URL", "http://127.0.0.1:5000")
    return monkeypatch


@pytest.fixture
def unit(app):
    unit = make_unit(code="LD-DEMO", name="Trung tâm Phục vụ hành chính công tỉnh Lâm Đồng")
    make_counter(unit=unit, name="Quầy 1 - Hộ tịch")
    return unit


def qr(runner, *args: str):
    with force_locale("en"):
        return runner.invoke(main, ["qr", *args])


def poster(runner, unit, output):
    return qr(runner, "poster", "--unit", unit.code, "--output", str(output))


def poster_urls(output) -> list[str]:
    texts = [page.extract_text() for page in pypdf.PdfReader(output).pages]
    return [line for text in texts for line in text.splitlines() if "/s/" in line]


def png_url(output) -> str:
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(output.read_bytes())).convert("L"))
    return found.text


@pytest.mark.usefixtures("production")
def test_production_refuses_a_poster_while_the_public_url_is_unset(runner, unit, tmp_path):
    output = tmp_path / "poster.pdf"
    result = poster(runner, unit, output)
    assert result.exit_code == 1
    assert UNSET_REFUSAL in " ".join(result.output.split())
    assert not output.exists()


@pytest.mark.usefixtures("production")
@pytest.mark.parametrize("kind", ["png", "svg"])
def test_production_refuses_a_qr_image_while_the_public_url_is_unset(runner, unit, tmp_path, kind):
    output = tmp_path / f"qr.{kind}"
    result = qr(runner, kind, "--code", survey_code_of(unit.counters[0]), "--output", str(output))
    assert result.exit_code == 1
    assert UNSET_REFUSAL in " ".join(result.output.split())
    assert not output.exists()


@pytest.mark.parametrize("url", ["http://localhost:8000", "http://127.0.0.1:5000/", "http://[::1]"])
def test_production_refuses_a_loopback_public_url(app, production, runner, unit, tmp_path, url):
    production.setitem(app.config, "SURVEY_PUBLIC_URL", url)
    result = poster(runner, unit, tmp_path / "poster.pdf")
    assert result.exit_code == 1
    assert "which citizens' phones cannot reach" in result.output
    assert "export SURVEY_PUBLIC_URL=https://khaosat.example.gov.vn" in result.output


def test_production_prints_the_public_url_it_is_given(app, production, runner, unit, tmp_path):
    production.setitem(app.config, "SURVEY_PUBLIC_URL", PUBLIC_URL)
    output = tmp_path / "poster.pdf"
    assert poster(runner, unit, output).exit_code == 0
    assert poster_urls(output) == [f"{PUBLIC_URL}/s/{survey_code_of(unit.counters[0])}"]


def test_a_developer_machine_may_print_the_default_address(
    app, monkeypatch, runner, unit, tmp_path, instance
):
    monkeypatch.setitem(app.config, "SURVEY_PUBLIC_URL", "http://127.0.0.1:5000")
    output = tmp_path / "poster.pdf"
    assert poster(runner, unit, output).exit_code == 0
    assert poster_urls(output) == [f"http://127.0.0.1:5000/s/{survey_code_of(unit.counters[0])}"]


@pytest.mark.usefixtures("production")
def test_on_the_demo_database_the_codes_open_the_demo_server(app, runner, unit, tmp_path):
    demo_address.remember(app, DEMO_URL, unit.code)
    code = survey_code_of(unit.counters[0])
    output = tmp_path / "poster.pdf"
    result = poster(runner, unit, output)
    assert result.exit_code == 0, result.output
    assert poster_urls(output) == [f"{DEMO_URL}/s/{code}"]
    assert f"Demo database: the QR codes open {DEMO_URL}, which only this computer" in (
        result.stderr
    )
    png = tmp_path / "qr.png"
    assert qr(runner, "png", "--code", code, "--output", str(png)).exit_code == 0
    assert png_url(png) == f"{DEMO_URL}/s/{code}"
    assert app.config["SURVEY_PUBLIC_URL"] == "http://127.0.0.1:5000"  # only for the command


def test_a_public_url_that_is_set_wins_over_the_demo_address(
    app, production, runner, unit, tmp_path
):
    demo_address.remember(app, DEMO_URL, unit.code)
    production.setitem(app.config, "SURVEY_PUBLIC_URL", PUBLIC_URL)
    output = tmp_path / "poster.pdf"
    result = poster(runner, unit, output)
    assert result.exit_code == 0 and "Demo database" not in result.output
    assert poster_urls(output) == [f"{PUBLIC_URL}/s/{survey_code_of(unit.counters[0])}"]


def test_the_demo_address_of_another_database_is_not_used(
    app, production, runner, unit, tmp_path, instance
):
    with production.context() as elsewhere:
        elsewhere.setitem(app.config, "SQLALCHEMY_DATABASE_URI", "sqlite:////elsewhere/demo.db")
        demo_address.remember(app, DEMO_URL, unit.code)
    assert (instance / demo_address.FILE_NAME).exists()
    result = poster(runner, unit, tmp_path / "poster.pdf")
    assert result.exit_code == 1 and "SURVEY_PUBLIC_URL is not set" in result.output


@pytest.mark.usefixtures("production")
def test_a_stale_demo_address_is_ignored_once_the_demo_units_are_gone(app, runner, unit, tmp_path):
    demo_address.remember(app, DEMO_URL, "LD-TTHCC")  # a demo unit this database does not hold
    result = poster(runner, unit, tmp_path / "poster.pdf")
    assert result.exit_code == 1 and "SURVEY_PUBLIC_URL is not set" in result.output
