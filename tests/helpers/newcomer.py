"""A newcomer's view of the README: its command table read as templates a command line must match,
and a person running the installed survey-app with nothing set."""

import re
import shlex
import socket
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
# The installed command of this venv, as a newcomer types it.
SURVEY_APP = Path(sys.executable).parent / "survey-app"


# A placeholder of the README: CODE, FILE.csv, YYYY-MM, ISO, N, "FULL NAME".
PLACEHOLDER = re.compile(r"[A-Z][A-Z -]*(\.[a-z]+)?|YYYY-MM")


def readme_commands() -> list[str]:
    """The command cells of the table under '## Commands'."""
    section = README.read_text(encoding="utf-8").split("## Commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(survey-app [^`]+)` \|", section, flags=re.MULTILINE)


def matches(template: str, argv: list[str]) -> bool:
    """Whether argv is the README's command with its placeholders filled in: literal words as
    written, `[...]` optional, `a|b` and `a/b` alternatives."""
    return _match(_tokens(template), argv)


def _tokens(template: str) -> list:
    """Words of the template; an optional group `[--days N]` becomes a list of its words."""
    tokens, group = [], None
    for word in shlex.split(template.replace("\\|", "|")):
        if word.startswith("["):
            group, word = [], word[1:]
        closing = word.endswith("]")
        word = word.removesuffix("]")
        (group if group is not None else tokens).append(word)
        if closing:
            tokens.append(group)
            group = None
    return tokens


def _match(tokens: list, argv: list[str]) -> bool:
    if not tokens:
        return not argv
    first, rest = tokens[0], tokens[1:]
    if isinstance(first, list):
        return _match(first + rest, argv) or _match(rest, argv)
    return bool(argv) and _word_matches(first, argv[0]) and _match(rest, argv[1:])


def _word_matches(word: str, arg: str) -> bool:
    if placeholder := PLACEHOLDER.fullmatch(word):
        return arg.endswith(placeholder.group(1) or "")
    if "|" in word or ("/" in word and not word.startswith("-")):  # xlsx|pdf, png/svg
        return arg in re.split(r"[|/]", word)
    return arg == word


@dataclass
class Newcomer:
    home: Path
    env: dict[str, str]
    port: int  # a free one: the machine may be shared
    demo_output: str

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, template: str, *args: str, stdin: str | None = None) -> str:
        argv = ["survey-app", *args]
        assert matches(template, argv), f"{shlex.join(argv)} is not what the README shows"
        done = subprocess.run(
            [str(SURVEY_APP), *args],
            env=self.env,
            cwd=self.home,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"{shlex.join(argv)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def count(self, table: str, where: str = "1=1", *params) -> int:
        database = self.home / "instance" / "survey.db"
        with sqlite3.connect(database) as connection:
            query = f"SELECT count(*) FROM {table} WHERE {where}"  # noqa: S608 (test's own names)
            return connection.execute(query, params).fetchone()[0]

    def file(self, name: str) -> Path:
        return self.home / name


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
