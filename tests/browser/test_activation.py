"""A new officer's first day, in a real browser: the activation e-mail (through a real SMTP
server), their own password, and their own page with what it shows and what it masks.

The service runs under gunicorn on its own database; the account is opened by the same code as
`survey-app import-users --officers-of`, with the server's secret key and public address.
"""

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect

from survey_app import create_app
from survey_app.core.extensions import db
from survey_app.services.accounts.importing import apply_accounts
from survey_app.services.accounts.links import ACTIVATION, send_link
from survey_app.services.accounts.officers import officer_account_rows
from tests.helpers.builders import make_officer, make_unit
from tests.helpers.live_server import gunicorn
from tests.helpers.smtp_server import body_of, mail_server

pytestmark = pytest.mark.slow

SECRET = "browser-activation-test-secret-0123456789abcdef"
PASSWORD = "hoa sen nở giữa đầm sen xanh"


@pytest.fixture
def service(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'survey.db'}"
    app = create_app(
        {"SURVEY_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET}
    )
    with app.app_context():
        upgrade()
    env = {
        "SURVEY_ENV": "development",
        "SURVEY_DATABASE_URL": database_url,
        "SURVEY_SECRET_KEY": SECRET,
        "SURVEY_RATELIMIT_ENABLED": "false",
        "SURVEY_INSTANCE_PATH": str(tmp_path),
    }
    with gunicorn("survey_app:create_app()", env, tmp_path) as server:
        app.config["SURVEY_PUBLIC_URL"] = server.base_url
        yield app, server
    with app.app_context():
        db.engine.dispose()


def test_a_new_officer_activates_their_account_and_sees_their_page(service, tablet):
    app, server = service
    with app.app_context(), mail_server(app) as box:
        commune = make_unit(code="LD-DT", name="UBND xã Đức Trọng")
        officer = make_officer(unit=commune, code="DT-CB01", full_name="Trần Văn Bình")
        officer.email = "binh@ductrong.gov.vn"
        db.session.commit()
        (user,) = apply_accounts(officer_account_rows(commune, None), None).to_activate
        assert send_link(user, ACTIVATION).sent
        (mail,) = box.to("binh@ductrong.gov.vn")
        link = next(word for word in body_of(mail).split() if "/tai-khoan/kich-hoat/" in word)
        db.session.remove()

    tablet.goto(link)
    expect(tablet.get_by_role("heading", name="Kích hoạt tài khoản")).to_be_visible()
    tablet.get_by_label("Mật khẩu của anh/chị").fill(PASSWORD)
    tablet.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    tablet.get_by_role("button", name="Lưu mật khẩu").click()

    expect(tablet).to_have_url(f"{server.base_url}/cong-chuc/cua-toi")
    expect(tablet.locator("#first-visit")).to_contain_text("đây là trang của riêng anh/chị")
    expect(tablet.locator("#first-visit")).to_contain_text("che")
    expect(tablet.locator("main")).to_contain_text("Trần Văn Bình")
    tablet.reload()  # the explanation is for the first visit only
    expect(tablet.locator("#first-visit")).to_have_count(0)
    tablet.goto(link)  # the link worked once
    expect(tablet.get_by_role("heading", name="Đường dẫn không còn hiệu lực")).to_be_visible()
