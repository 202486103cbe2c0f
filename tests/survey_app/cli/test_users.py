"""`survey-app create-user`: the first administrator's account, from a shell or a script."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from survey_app.cli import main
from survey_app.core.extensions import db
from survey_app.models import AuditEvent, Role, User
from tests.helpers.builders import make_officer, make_unit, make_user
from tests.helpers.staff_pages import sign_in

PASSWORD = "mật khẩu quản trị đủ dài"


@pytest.fixture
def create_user(runner, monkeypatch):
    """`survey-app create-user ARGS` in English, with what the operator types on stdin."""
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")

    def run(*args, input=None):
        with force_locale("en"):
            return runner.invoke(main, ["create-user", *args], input=input)

    return run


@pytest.fixture
def unit():
    return make_unit(code="LD-TTHCC", name="Trung tâm Phục vụ hành chính công tỉnh Lâm Đồng")


def admin_args(username="admin", *extra):
    names = ["--role", "administrator", "--unit", "LD-TTHCC", "--username", username]
    return [*names, "--full-name", "Nguyễn Văn Quản Trị", *extra]


def stored(username: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == username))


def test_the_password_is_asked_twice_without_echo(create_user, unit):
    result = create_user(*admin_args(), input=f"{PASSWORD}\n{PASSWORD}\n")

    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert "Password:" in result.output and "Repeat the password:" in result.output
    assert "Created the account admin (Nguyễn Văn Quản Trị): Administrator of " in result.output
    user = stored("admin")
    assert (user.role, user.unit_id) == (Role.ADMINISTRATOR, unit.id)
    assert not user.must_change_password  # the operator typed it themself


def test_the_account_signs_in_with_that_password(create_user, unit, client):
    create_user(*admin_args(), input=f"{PASSWORD}\n{PASSWORD}\n")
    response = sign_in(client, stored("admin"), password=PASSWORD)
    assert response.headers["Location"] == "/quan-tri/"


def test_the_creation_is_audited_as_made_from_the_command_line(create_user, unit):
    create_user(*admin_args(), input=f"{PASSWORD}\n{PASSWORD}\n")
    [event] = db.session.scalars(sa.select(AuditEvent)).all()
    assert (event.action, event.target_key, event.actor_id) == ("user.create", "admin", None)
    assert event.unit_id == unit.id


def test_two_different_passwords_are_asked_again(create_user, unit):
    typed = f"{PASSWORD}\nmột mật khẩu khác hẳn\n{PASSWORD}\n{PASSWORD}\n"
    result = create_user(*admin_args(), input=typed)
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output


def test_a_weak_password_is_refused_at_once_and_asked_again(create_user, unit):
    result = create_user(*admin_args(), input=f"ngắn\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Error: Use at least 10 characters." in result.output
    assert stored("admin") is not None


def test_a_script_gives_the_password_on_stdin(create_user, unit):
    result = create_user(*admin_args("robot", "--password-stdin"), input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Password:" not in result.output
    assert stored("robot") is not None


def test_a_weak_password_on_stdin_is_an_error(create_user, unit):
    result = create_user(*admin_args("robot", "--password-stdin"), input="ngắn\n")
    assert result.exit_code == 2
    assert "Use at least 10 characters." in result.output
    assert "Traceback" not in result.output
    assert stored("robot") is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "KHONG-CO"], "Invalid value for '--unit': No unit has the code KHONG-CO."),
        (["--username", "Quản Trị"], "Invalid value for '--username': Use 3 to 80 letters"),
        (["--role", "officer"], "Invalid value for '--officer': Choose the officer"),
        (["--officer", "KHONG-CO"], "Invalid value for '--officer': No officer has the code"),
        (["--role", "boss"], "Invalid value for '--role'"),
    ],
)
def test_wrong_options_are_explained_without_a_traceback(create_user, unit, args, message):
    result = create_user(*admin_args(), *args, "--password-stdin", input=f"{PASSWORD}\n")
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_a_taken_username_is_refused_before_the_password_is_asked(create_user, unit):
    make_user(unit=unit, username="admin")
    result = create_user(*admin_args())
    assert result.exit_code == 2
    assert "Invalid value for '--username': This username is already taken." in result.output
    assert "Password:" not in result.output


def test_an_officer_account_needs_an_officer_of_its_unit(create_user, unit):
    other = make_unit(code="XA-B", parent=unit)
    make_officer(unit=other, code="CB-B")
    make_officer(unit=unit, code="CB-T", full_name="Lê Văn Tâm")
    args = ["--role", "officer", "--unit", "LD-TTHCC", "--full-name", "Lê Văn Tâm"]

    wrong = create_user(
        *args, "--username", "tam", "--officer", "CB-B", "--password-stdin", input=f"{PASSWORD}\n"
    )
    right = create_user(
        *args, "--username", "tam", "--officer", "CB-T", "--password-stdin", input=f"{PASSWORD}\n"
    )

    assert "Choose an officer of the account's unit." in wrong.output
    assert right.exit_code == 0, right.output
    assert stored("tam").officer.code == "CB-T"
