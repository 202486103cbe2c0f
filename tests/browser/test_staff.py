"""Staff at work in a real browser on a 1024 × 768 tablet, against `survey-app demo`: signing in
and out, a manager adding a counter and printing its QR poster, an officer reading their page.

The accounts are made in the demo's database by the `staff_accounts` fixture.
"""

import io
import re
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import Page, expect

from tests.helpers.browser import TABLET, fits_width, in_english, sign_in

pytestmark = pytest.mark.slow

NEW_COUNTER = {"code": "DT-Q9", "name": "Quầy số 9 - Đất đai", "field": "Đất đai"}
RENDER_DPI = 100


def fits_the_screen(page: Page) -> bool:
    return fits_width(page, TABLET["viewport"]["width"])


def test_sign_in_and_sign_out_on_a_tablet(tablet, demo, staff_accounts):
    manager = staff_accounts["manager"]

    sign_in(tablet, demo.base_url, manager, password="không phải mật khẩu")

    expect(tablet.locator(".summary")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    expect(tablet.get_by_label("Tên đăng nhập")).to_have_value(manager.username)
    sign_in(tablet, demo.base_url, manager)
    expect(tablet).to_have_url(f"{demo.base_url}/quan-tri/")
    expect(tablet.locator("h1")).to_have_text(f"Xin chào, {manager.full_name}")
    assert fits_the_screen(tablet)

    tablet.get_by_role("button", name="Đăng xuất").click()

    expect(tablet).to_have_url(f"{demo.base_url}/dang-nhap")
    expect(tablet.locator(".flash")).to_have_text("Bạn đã đăng xuất.")
    tablet.goto(f"{demo.base_url}/quan-tri/")
    expect(tablet).to_have_url(re.compile(r"/dang-nhap\?next="))


def test_a_manager_adds_a_counter_and_prints_its_qr_poster(tablet, demo, staff_accounts):
    manager = staff_accounts["manager"]
    unit_url = f"{demo.base_url}/quan-tri/don-vi/{manager.unit_code}"
    sign_in(tablet, demo.base_url, manager)
    tablet.goto(unit_url)
    in_english(tablet)

    tablet.get_by_role("link", name="Add a counter").click()
    tablet.get_by_label("Code").fill(NEW_COUNTER["code"])
    tablet.get_by_label("Name").fill(NEW_COUNTER["name"])
    tablet.get_by_label("Field of procedures").fill(NEW_COUNTER["field"])
    tablet.get_by_role("button", name="Add the counter").click()

    expect(tablet).to_have_url(unit_url)
    expect(tablet.locator(f"tr[data-code='{NEW_COUNTER['code']}']")).to_contain_text(
        NEW_COUNTER["name"]
    )
    tablet.goto(f"{unit_url}/ma-qr")
    row = tablet.locator("tr", has_text=NEW_COUNTER["name"])
    picture = row.locator("img")
    picture.scroll_into_view_if_needed()  # the pictures load lazily
    tablet.wait_for_function("image => image.naturalWidth > 0", arg=picture.element_handle())
    code = row.locator("td a strong").inner_text()
    assert fits_the_screen(tablet)

    with tablet.expect_download() as download:
        tablet.get_by_role("link", name="Print the posters (PDF)").click()

    poster = poster_page_of(Path(download.value.path()).read_bytes(), code)
    assert decoded_qr(poster) == [f"{demo.base_url}/s/{code}"]
    tablet.goto(f"{demo.base_url}/s/{code}")  # what a citizen's phone opens from the poster
    expect(tablet.locator(".who")).to_contain_text(NEW_COUNTER["name"])


def poster_page_of(pdf: bytes, code: str) -> int:
    """The page of the poster PDF that carries this survey code, rendered as a picture."""
    texts = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    [number] = [index for index, text in enumerate(texts) if f"Mã khảo sát: {code}" in text]
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[number].render(scale=RENDER_DPI / 72).to_pil()
    finally:
        document.close()


def decoded_qr(image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]


def test_an_officer_signs_in_to_their_own_feedback_page(tablet, demo, staff_accounts):
    officer = staff_accounts["officer"]

    sign_in(tablet, demo.base_url, officer)

    expect(tablet).to_have_url(f"{demo.base_url}/cong-chuc/cua-toi")
    in_english(tablet)
    expect(tablet.locator("h1")).to_have_text("My feedback")
    expect(tablet.locator("main .muted").first).to_contain_text(officer.full_name)
    assert fits_the_screen(tablet)

    tablet.locator("a[rel=prev]").click()

    expect(tablet).to_have_url(re.compile(r"/cong-chuc/cua-toi\?thang=\d{4}-\d{2}$"))
    shown = tablet.url.rsplit("=", 1)[1]
    year, month = shown.split("-")
    expect(tablet.locator(".month-title")).to_contain_text(f"{month}/{year}")
    response = tablet.goto(f"{demo.base_url}/quan-tri/don-vi/{officer.unit_code}")
    assert response.status == 403  # the unit's pages are not an officer's
