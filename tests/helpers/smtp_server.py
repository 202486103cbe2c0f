"""A real SMTP server on 127.0.0.1 for the tests: it keeps what it receives, or refuses it."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller
from flask_babel import force_locale

from survey_app.cli.tickets import tickets_group


@dataclass
class MailBox:
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: bool = False  # answer every message with a permanent error

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.refuse:
            return "554 Transaction failed"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if address in message["To"]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def mail_server(app) -> Iterator[MailBox]:
    """Point the app's SMTP settings at a server started for one test (use it in a fixture)."""
    box = MailBox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings = {
        "SURVEY_SMTP_HOST": "127.0.0.1",
        "SURVEY_SMTP_PORT": controller.port,
        "SURVEY_MAIL_FROM": "phan-anh@survey.test",
    }
    saved = {name: app.config.get(name) for name in settings}
    app.config.update(settings)
    try:
        yield box
    finally:
        controller.stop()
        app.config.update(saved)


def body_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def run_tickets_command(runner, *args):
    """`survey-app tickets ...` in English on the test app."""
    with force_locale("en"):
        return runner.invoke(tickets_group, [str(arg) for arg in args])


def link_path_in(message: EmailMessage, marker: str = "/tai-khoan/") -> str:
    """The path of the one link of the mail that contains `marker` (for the test client)."""
    (url,) = [word for word in body_of(message).split() if marker in word]
    return urlsplit(url).path
