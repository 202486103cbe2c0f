"""The README's first command as a newcomer runs it, in a venv where only the wheel and its
run-time dependencies are installed: `survey-app demo --port N` starts with nothing set,
/healthz answers, a printed /s/<code> form is fetched, one full rating is sent with the form's
CSRF token and cookie, the thank-you page shows and the rating is in the demo's database; then
the server is stopped with Ctrl+C (SIGINT) and must exit.

Standard library only (urllib, html.parser, sqlite3): it runs under the clean venv's python.
Usage: python .ci/smoke_demo.py PATH/TO/survey-app [PORT]   (default: a free port)
"""

import html.parser
import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

START_SECONDS = 180  # migrations and the demo's data on a slow, shared CI machine
SURVEY_LINK = re.compile(r"http://127\.0\.0\.1:\d+/s/[A-Z0-9]{8}")
THANKS = "Cảm ơn Ông/Bà đã đánh giá"
COMMENT = "Cán bộ hướng dẫn tận tình, thủ tục nhanh gọn."


class FormFields(html.parser.HTMLParser):
    """The survey form's fields: hidden values, and for each radio group its levels."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        kind, name = attrs.get("type"), attrs.get("name")
        if tag != "input" or not name:
            return
        if kind == "hidden":
            self.hidden[name] = attrs.get("value") or ""
        elif kind == "radio":
            self.radios.setdefault(name, []).append(attrs.get("value") or "")
        else:
            self.texts.append(name)  # the honeypot: a person leaves it empty


def main(survey_app: str, port: int) -> None:
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as home:
        server, output, seconds = start_demo(survey_app, port, home)
        try:
            print(f"demo: first /healthz answer {seconds:.1f} s after the command started")
            link = first_survey_link(output)
            submission_id = rate(link)
            print(f"rated {link} (submission {submission_id})")
            assert stored(submission_id) == 1, "the rating is not in the demo's database"
            print("the rating is stored once in the demo's database")
        except BaseException:
            print("".join(output), file=sys.stderr)
            raise
        finally:
            stop(server, output)
        assert not answers(f"{base}/healthz"), "the server still answers after Ctrl+C"
    print("smoke: ok")


def start_demo(survey_app: str, port: int, home: str):
    """Start the demo as a newcomer would: no SURVEY_* or FLASK_* setting, an empty home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SURVEY_", "FLASK_"))}
    env["HOME"] = home
    # A demo that hangs is ended with SIGABRT: Python then prints where each thread stood.
    env["PYTHONFAULTHANDLER"] = "1"
    started = time.monotonic()
    server = subprocess.Popen(
        [survey_app, "demo", "--port", str(port)],
        cwd=home,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_ctrl_c_as_in_a_terminal,  # noqa: PLW1509 (no threads started yet)
    )
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(server.stdout), daemon=True).start()
    healthz = f"http://127.0.0.1:{port}/healthz"
    while not answers(healthz):
        if server.poll() is not None or time.monotonic() - started > START_SECONDS:
            stop(server, output)
            sys.exit(f"the demo did not answer {healthz}:\n{''.join(output)}")
        time.sleep(0.2)
    return server, output, time.monotonic() - started


def _ctrl_c_as_in_a_terminal() -> None:
    """SIGINT as a terminal's shell hands it to a command it starts. A CI started as a
    background job of a non-interactive shell (`cmd &`) runs with SIGINT ignored, the demo
    inherits that, and Python then leaves Ctrl+C ignored: the smoke failed so, once."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def first_survey_link(output: list[str]) -> str:
    found = SURVEY_LINK.search("".join(output))
    assert found, "the demo printed no /s/<code> link"
    return found.group(0)


def rate(link: str) -> str:
    """Open the form, answer every question at 5 with a comment, send it; the submission id."""
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with browser.open(link, timeout=30) as page:
        assert page.status == 200
        fields = FormFields()
        fields.feed(page.read().decode("utf-8"))
    assert "csrf_token" in fields.hidden and fields.hidden.get("submission_id")
    assert fields.radios, "the form shows no question"
    answers = {name: max(levels, key=lambda level: level or "0")
               for name, levels in fields.radios.items()}  # fmt: skip
    form = fields.hidden | answers | dict.fromkeys(fields.texts, "") | {"comment": COMMENT}
    body = urllib.parse.urlencode(form).encode()
    with browser.open(urllib.request.Request(link, data=body), timeout=30) as thanks:
        text = thanks.read().decode("utf-8")
        assert thanks.status == 200 and THANKS in text, text[:2000]
    return fields.hidden["submission_id"]


def stored(submission_id: str) -> int:
    """Responses with this id in the demo's SQLite file, in the instance folder Flask gives an
    installed package: <venv>/var/survey_app-instance."""
    database = Path(sys.prefix) / "var" / "survey_app-instance" / "survey.db"
    assert database.exists(), f"no demo database at {database}"
    with sqlite3.connect(database) as connection:
        query = "SELECT count(*) FROM survey_responses WHERE client_ref = ? AND comment = ?"
        return connection.execute(query, (submission_id, COMMENT)).fetchone()[0]


def stop(server: subprocess.Popen, output: list[str]) -> None:
    """Ctrl+C, as the demo's own line says; a server that ignores it fails the smoke, and its
    output ends with the stack of each of its threads (faulthandler, on SIGABRT)."""
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.send_signal(signal.SIGABRT)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            time.sleep(0.5)  # the reader thread takes the last lines
            print("".join(output), file=sys.stderr)
            sys.exit("the demo did not stop on Ctrl+C")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else free_port())
