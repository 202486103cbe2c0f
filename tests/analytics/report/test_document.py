"""The report an office signs (Nghị định 30/2020/NĐ-CP): document settings, the DOCX and the
PDF read back for each element of the format, the narrative's figures, the manager's edit, and
the text frozen with a closed month."""

import io
import re
from datetime import date, datetime

import pytest
from docx import Document
from docx.shared import Pt
from openpyxl import load_workbook
from pypdf import PdfReader

from analytics.report import docx as report_docx
from analytics.report.contents import build_monthly_report
from analytics.report.document import administrative_date, header_lines
from survey_app.core.extensions import db
from survey_app.models import ReportNarrative, Role
from survey_app.months import Month
from survey_app.services.month_close import close_month
from survey_app.services.unit_documents import save_document_settings
from tests.helpers.builders import full_answers, make_response, make_user
from tests.helpers.report_data import HANOI, MARCH, make_small_month, march
from tests.helpers.staff_pages import post_form, sign_in
from tests.helpers.survey_pages import parse

SETTINGS = {
    "governing_body": "Ủy ban nhân dân huyện Thử Nghiệm",
    "issuing_body": "Ủy ban nhân dân xã An Bình",
    "symbol": "BC-UBND",
    "place": "An Bình",
    "signer_authority": "TM. Ủy ban nhân dân",
    "signer_title": "Chủ tịch",
    "signer_name": "Lê Văn Ký",
    "recipients": "UBND tỉnh Thử Nghiệm (để báo cáo)\nThường trực Đảng ủy xã",
}
TEXT_URL = "/quan-tri/bao-cao/XA-A/2026-03/van-ban"


@pytest.fixture
def month(app, tree):
    found = make_small_month(tree)
    save_document_settings(found.commune, SETTINGS)
    return found


@pytest.fixture
def export(invoke, tmp_path):
    def run(file_format: str, *options):
        path = tmp_path / f"report.{file_format}"
        result = invoke(
            "report", "monthly", "--unit", "XA-A", "--month", "2026-03", "--format",
            file_format, "--output", path, *options,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        return path

    return run


def pdf_text(path) -> str:
    reader = PdfReader(path)
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def docx_texts(path) -> list[str]:
    document = Document(str(path))
    cells = [
        paragraph.text
        for table in document.tables
        for cell in table._cells
        for paragraph in cell.paragraphs
    ]
    return [paragraph.text for paragraph in document.paragraphs] + cells


@pytest.mark.parametrize(
    ("day", "written"),
    [
        (date(2026, 2, 5), ("05", "02", "2026")),
        (date(2026, 1, 31), ("31", "01", "2026")),
        (date(2026, 3, 15), ("15", "3", "2026")),
        (date(2026, 12, 1), ("01", "12", "2026")),
    ],
)
def test_dates_have_leading_zeros_only_where_nd30_puts_them(day, written):
    assert administrative_date(day) == written


def test_a_body_written_in_full_breaks_before_its_locality():
    assert header_lines("Ủy ban nhân dân xã Đức Trọng") == ["ỦY BAN NHÂN DÂN", "XÃ ĐỨC TRỌNG"]
    assert header_lines("UBND xã An Bình") == ["UBND XÃ AN BÌNH"]
    assert header_lines("Trung tâm Phục vụ hành chính công") == [
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
    ]


def test_docx_has_each_element_of_the_format(month, export):
    path = export("docx")
    texts = docx_texts(path)
    for expected in (
        "ỦY BAN NHÂN DÂN", "HUYỆN THỬ NGHIỆM", "XÃ AN BÌNH", "Số: …/BC-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
        "I. ĐÁNH GIÁ CHUNG", "II. HẠN CHẾ, NGUYÊN NHÂN", "III. ĐỀ XUẤT, KIẾN NGHỊ",
        "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn Ký", "Nơi nhận:",
        "- UBND tỉnh Thử Nghiệm (để báo cáo);", "- Thường trực Đảng ủy xã;", "- Lưu: VT.",
        "PHỤ LỤC",
    ):  # fmt: skip
        assert expected in texts, expected
    assert any(re.fullmatch(r"An Bình, ngày \d\d tháng (0[12]|[3-9]|1[0-2]) năm \d{4}", text)
               for text in texts)  # fmt: skip
    assert any(text.endswith("tháng 3/2026") for text in texts)
    assert any(text.startswith("(Kèm theo Báo cáo số …/BC-UBND ngày ") for text in texts)


def test_docx_says_its_flagged_list_is_capped(month, export, monkeypatch):
    """As the PDF: under the newest flagged responses, how many of how many are listed and
    which file lists them all."""
    monkeypatch.setattr(report_docx, "FLAGGED_LISTED", 1)
    document = Document(str(export("docx")))
    note = "Liệt kê 1 phiếu gần nhất trong tổng số 2 phiếu; báo cáo XLSX liệt kê đầy đủ."
    found = [p for p in document.paragraphs if p.text == note]
    assert found and found[0].style.name == "Table Text"
    flagged = next(
        table
        for table in document.tables
        if table.cell(0, 0).text == "Câu hỏi đánh giá từ 3 trở xuống"
    )
    assert len(flagged.rows) == 2 and flagged.cell(1, 0).text == "CHUNG (3)"  # the newest


def test_docx_says_when_nothing_was_flagged(month, invoke, tmp_path):
    path = tmp_path / "april.docx"
    result = invoke(
        "report", "monthly", "--unit", "XA-A", "--month", "2026-04", "--format", "docx",
        "--output", path,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = Document(str(path))
    texts = [p.text for p in document.paragraphs]
    assert "Không có phiếu nào đánh giá mức trung bình trở xuống." in texts
    assert not any(
        table.cell(0, 0).text.startswith("Câu hỏi đánh giá") for table in document.tables
    )


def test_docx_is_written_through_styles_in_times_new_roman(month, export):
    document = Document(str(export("docx")))
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(14)
    assert document.styles["Place And Date"].font.italic
    assert document.styles["Issuing Body"].font.bold
    body = [p for p in document.paragraphs if p.text.startswith("Trong tháng 3/2026")]
    assert body and body[0].style.name == "Normal"
    runs = [run for p in document.paragraphs for run in p.runs]
    # Editable: nothing is hand-set on a run, so changing a style in Word changes the text.
    assert all(run.font.size is None and run.font.name is None for run in runs)
    headings = [p for p in document.paragraphs if p.text == "II. HẠN CHẾ, NGUYÊN NHÂN"]
    assert headings[0].style.name == "Body Heading"


def test_pdf_has_each_element_in_liberation_serif_at_13_pt(month, export):
    path = export("pdf")
    text = pdf_text(path)
    for expected in (
        "ỦY BAN NHÂN DÂN HUYỆN THỬ NGHIỆM ỦY BAN NHÂN DÂN XÃ AN BÌNH Số: …/BC-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO Kết quả khảo sát", "I. ĐÁNH GIÁ CHUNG", "II. HẠN CHẾ, NGUYÊN NHÂN",
        "III. ĐỀ XUẤT, KIẾN NGHỊ", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn Ký",
        "Nơi nhận: - UBND tỉnh Thử Nghiệm (để báo cáo); - Thường trực Đảng ủy xã; - Lưu: VT.",
        "PHỤ LỤC",
    ):  # fmt: skip
        assert expected in text, expected
    sizes = {}

    def visit(found, matrix, text_matrix, font, size):
        if found.strip() and font is not None:
            sizes.setdefault(found.strip()[:20], (font["/BaseFont"], size * text_matrix[0]))

    PdfReader(path).pages[0].extract_text(visitor_text=visit)
    body = next(value for key, value in sizes.items() if key.startswith("Trong tháng 3/2026"))
    assert "LiberationSerif" in body[0]
    assert body[1] == pytest.approx(13, abs=0.01)
    fonts = {font for font, _ in sizes.values()}
    assert all("LiberationSerif" in font for font in fonts)


def test_narrative_writes_the_months_figures(month):
    narrative = build_monthly_report(month.commune, MARCH).narrative
    text = narrative.assessment
    assert "Trong tháng 3/2026, UBND xã An Bình nhận được 8 phiếu đánh giá" in text
    assert "Tỷ lệ hài lòng chung đạt 87,50% (chưa có số liệu tháng 2/2026 để so sánh" in text
    assert "Chỉ số hài lòng (SIPAS) đạt 99,50 điểm." in text
    assert "thấp nhất là “Sự phục vụ của công chức” (97,50 điểm)" in text
    assert "; thấp nhất: CC1 – " in text and "(87,50 điểm)." in text
    assert "Có 1 công chức có Chỉ số hài lòng thấp hơn mức bình quân của đơn vị " in text
    assert "(99,50 điểm): Nguyễn Văn An (99,20 điểm)." in text
    assert "Có 2 phiếu (25,00% số phiếu)" in text
    assert (
        "Đơn vị tiếp nhận 2 phản ánh, kiến nghị; đã trả lời 1, trong đó đúng hạn 1, quá hạn 0; "
        "tỷ lệ trả lời đúng hạn đạt 100,00%. Còn 1 phản ánh, kiến nghị đang xử lý." in text
    )
    assert "- Yếu tố “Sự phục vụ của công chức” đạt thấp nhất (97,50 điểm)." in (
        narrative.shortcomings
    )
    assert "Chấn chỉnh tác phong, thái độ phục vụ" in narrative.proposals


def test_narrative_compares_with_the_previous_month(month):
    february = datetime(2026, 2, 10, 9, tzinfo=HANOI)
    make_response(unit=month.commune, submitted_at=february, answers=full_answers(CHUNG=2))
    text = build_monthly_report(month.commune, MARCH).narrative.assessment
    assert "(tăng 87,50 điểm phần trăm so với tháng 2/2026" in text


def test_the_managers_edit_is_used_by_every_format(client, month, export):
    sign_in(client, make_user(role=Role.MANAGER, unit=month.commune))
    page = parse(client.get(TEXT_URL))
    draft = page.select_one("textarea[name=assessment]").get_text()
    assert "nhận được 8 phiếu" in draft
    edited = "Kết quả khảo sát tháng 3 đạt yêu cầu do Chủ tịch UBND xã giao."
    response = post_form(
        client,
        TEXT_URL,
        {"assessment": edited, "shortcomings": "Không có.", "proposals": "- Giữ vững kết quả."},
    )
    assert response.status_code == 302
    assert edited in pdf_text(export("pdf"))
    assert "nhận được 8 phiếu" not in pdf_text(export("pdf"))
    assert edited in docx_texts(export("docx"))
    sheet = load_workbook(export("xlsx"))["Nội dung báo cáo"]
    assert edited in [row[0] for row in sheet.iter_rows(values_only=True)]


def test_a_closed_month_keeps_its_text(client, month):
    close_month(month.commune, MARCH, by=None)
    stored = db.session.query(ReportNarrative).one()
    assert stored.frozen and "nhận được 8 phiếu" in stored.assessment
    sign_in(client, make_user(role=Role.MANAGER, unit=month.commune))
    page = parse(client.get(TEXT_URL))
    assert page.select_one("textarea") is None
    assert "Tháng đã khóa sổ" in page.get_text()
    client.post(TEXT_URL, data={"assessment": "Sửa sau khi khóa sổ"})
    make_response(unit=month.commune, submitted_at=march(20), answers=full_answers(value=1))
    assert "nhận được 8 phiếu" in build_monthly_report(month.commune, MARCH).narrative.assessment


def test_document_settings_page_keeps_what_was_typed_and_explains_a_bad_symbol(client, tree):
    sign_in(client, make_user(role=Role.MANAGER, unit=tree[1]))
    url = "/quan-tri/don-vi/XA-A/van-ban"
    values = SETTINGS | {"symbol": "BC/UBND"}
    page = parse(post_form(client, url, values))
    assert "Viết ký hiệu bằng các chữ nối với nhau bởi dấu gạch ngang" in page.get_text()
    assert page.select_one("input[name=signer_name]")["value"] == "Lê Văn Ký"
    assert post_form(client, url, SETTINGS).status_code == 302
    report = build_monthly_report(tree[1], Month(2026, 3))
    assert report.title.document.symbol == "BC-UBND"
    assert report.title.document.recipients[0] == "UBND tỉnh Thử Nghiệm (để báo cáo)"


def test_an_officer_can_neither_edit_the_text_nor_the_settings(client, tree):
    sign_in(client, make_user(role=Role.OFFICER, unit=tree[1]))
    assert client.get(TEXT_URL).status_code == 403
    assert client.get("/quan-tri/don-vi/XA-A/van-ban").status_code == 403


def test_a_manager_of_another_commune_cannot_reach_ours(client, tree):
    sign_in(client, make_user(role=Role.MANAGER, unit=tree[2]))
    assert client.get(TEXT_URL).status_code == 404
    assert client.get("/quan-tri/don-vi/XA-A/van-ban").status_code == 404


def test_the_organisation_csv_sets_document_settings(app, tree):
    from survey_app.services.org.importing import import_organisation

    table = (
        "kind,code,name,parent_code,signer_title,symbol,recipients\n"
        "unit,XA-A,UBND xã An Bình,TINH,Chủ tịch,BC-UBND,UBND tỉnh (để báo cáo) | Lưu hồ sơ\n"
        "counter,Q-1,Quầy 1,XA-A,Chủ tịch,,\n"
    )
    result = import_organisation(io.StringIO(table))
    assert [(error.row, error.column) for error in result.errors] == [(3, "signer_title")]
    result = import_organisation(io.StringIO(table.rsplit("counter", 1)[0]))
    assert result.errors == []
    document = build_monthly_report(tree[1], MARCH).title.document
    assert (document.signer_title, document.symbol) == ("Chủ tịch", "BC-UBND")
    assert document.recipients == ("UBND tỉnh (để báo cáo)", "Lưu hồ sơ")
