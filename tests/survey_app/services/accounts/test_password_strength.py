"""Staff passwords: common, repetitive and personal ones are refused with the reason in
Vietnamese, and what was typed is kept (survey_app/services/accounts/password_strength.py)."""

import pytest

from survey_app.models import Role
from survey_app.services.accounts.staff import InvalidAccount, create_user
from tests.helpers.builders import DEFAULT_PASSWORD, make_user
from tests.helpers.staff_pages import post_form, sign_in
from tests.helpers.survey_pages import parse


def new_account(password: str) -> dict:
    return {
        "username": "tranvanbinh",
        "full_name": "Trần Văn Bình",
        "email": "",
        "role": "manager",
        "unit": "XA-A",
        "officer": "",
        "active": "y",
        "password": password,
        "confirm": password,
    }


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaaaa", "Không lặp lại một ký tự"),
        ("1234567890", "được dùng nhiều nhất"),
        ("matkhau123456", "được dùng nhiều nhất"),
        ("anhyeuem2024", "được dùng nhiều nhất"),
        ("qwertyuiop", "được dùng nhiều nhất"),
        ("abcdefghijkl", "dãy chữ hoặc số liên tiếp"),
        ("tranvanbinh1990", "tên đăng nhập hoặc họ tên"),
    ],
)
def test_a_weak_password_is_refused_with_the_reason_in_vietnamese(client, tree, password, reason):
    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=tree[1]))
    response = post_form(client, "/quan-tri/nguoi-dung/moi", new_account(password))
    assert response.status_code == 422
    page = parse(response)
    assert reason in page.select_one(".summary").get_text()
    assert page.select_one("#full_name")["value"] == "Trần Văn Bình"


def test_a_long_phrase_is_taken(client, tree):
    sign_in(client, make_user(role=Role.ADMINISTRATOR, unit=tree[1]))
    response = post_form(client, "/quan-tri/nguoi-dung/moi", new_account("mây trắng bay qua đèo"))
    assert response.status_code == 302


def test_the_own_change_of_password_refuses_a_weak_one(client, tree):
    user = make_user(role=Role.MANAGER, unit=tree[1])
    sign_in(client, user)
    data = {"current_password": DEFAULT_PASSWORD, "new_password": "aaaaaaaaaaaa"}
    response = post_form(client, "/tai-khoan/mat-khau", data | {"confirm": "aaaaaaaaaaaa"})
    assert response.status_code == 422
    assert "Không lặp lại" in parse(response).get_text()


def test_the_service_refuses_a_common_password_whoever_calls_it(tree):
    with pytest.raises(InvalidAccount) as refused:
        create_user(
            username="quanly2",
            full_name="Lê Văn Hai",
            password="password123456",
            role=Role.MANAGER,
            unit=tree[1],
        )
    assert refused.value.field == "password"
