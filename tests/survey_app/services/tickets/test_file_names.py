"""Attachments: the name a handler's browser saves a file under is cleaned and carries the
extension of the type the server checked; pictures past 40 megapixels are refused; officer
photos are cached privately only."""

import io

import pytest
from PIL import Image
from werkzeug.http import parse_options_header

from survey_app.models import Role, TicketChannel
from survey_app.services.org.photos import set_officer_photo
from survey_app.services.tickets.attachments import CheckedFile, Upload, attach_files, check_uploads
from survey_app.services.tickets.file_names import download_name
from survey_app.services.tickets.opening import TicketRequest, open_ticket
from tests.helpers.builders import make_officer, make_user
from tests.helpers.staff_pages import sign_in


def png(size=(8, 8), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def saved_name(response) -> str:
    _, options = parse_options_header(response.headers["Content-Disposition"])
    return options["filename"]


def attached_as(tree, name: str, content_type="image/png", extension=".png"):
    ticket = open_ticket(
        TicketRequest(
            client_ref=name[:30], unit=tree[1], content="Chờ lâu.", channel=TicketChannel.WEB
        )
    ).ticket
    attach_files(ticket, [CheckedFile(name, content_type, extension, png())])
    return ticket, ticket.attachments[0]


def download(client, ticket, attachment):
    with client.get(f"/quan-tri/phan-anh/{ticket.code}/tep/{attachment.id}") as response:
        response.get_data()
    return response


@pytest.mark.parametrize(
    ("stored", "saved"),
    [
        ("../../../tmp/evil.html", "evil.png"),
        ("evil.html", "evil.png"),
        ("ab\u202egnp.exe", "abgnp.png"),
        ("chuông\a.png", "chuông.png"),
        ("a\r\nX-Injected: 1.png", "aX-Injected- 1.png"),
        ("Đơn khiếu nại.PNG", "Đơn khiếu nại.png"),
        (".htaccess", "tep.png"),
    ],
)
def test_the_download_name_is_clean_with_the_checked_extension(client, tree, stored, saved):
    sign_in(client, make_user(role=Role.COMPLAINT_HANDLER, unit=tree[1]))
    response = download(client, *attached_as(tree, stored))
    assert response.status_code == 200
    assert saved_name(response) == saved
    assert "\r" not in response.headers["Content-Disposition"]


def test_a_pdf_keeps_pdf_whatever_it_was_called():
    assert download_name("báo cáo.exe", "application/pdf") == "báo cáo.pdf"


def test_the_name_shown_to_staff_is_cleaned_at_upload():
    [checked], problem = check_uploads([Upload("../x/ab\u202egnp.png", png())])
    assert problem is None
    assert checked.original_name == "abgnp.png"


def test_a_picture_past_40_megapixels_is_refused_with_the_reason():
    big = png(size=(9000, 9000), mode="1")  # 81 MP, a few KB compressed
    files, problem = check_uploads([Upload("anh.png", big)])
    assert files == []
    assert "40" in problem and "anh.png" in problem


def test_a_phone_sized_picture_is_taken():
    files, problem = check_uploads([Upload("anh.png", png(size=(4000, 3000), mode="1"))])
    assert problem is None and len(files) == 1


def test_an_officer_photo_is_cached_privately_only(client, tree, manager):
    officer = make_officer(unit=tree[1], code="CB-ANH")
    set_officer_photo(officer, png(size=(300, 300)))
    response = client.get("/quan-tri/cong-chuc/CB-ANH/anh")
    assert response.status_code == 200
    directives = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert "private" in directives and "public" not in directives
