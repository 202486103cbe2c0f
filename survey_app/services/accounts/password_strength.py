"""Whether a password is strong enough, and why not, in the reader's words.

zxcvbn (Dropbox's estimator, Python port) scores a password from 0 to 4 against the 30,000 most
common passwords it ships, English words and names, keyboard rows, sequences, repeats and dates;
survey_app/data/common_passwords_vi.txt adds what Vietnamese users often choose, and the user's
own username and name count as guessable too. A staff password needs MIN_SCORE: "safely
unguessable" in zxcvbn's words (about 10^8 guesses or more).
"""

import re
import unicodedata
from functools import cache

from flask_babel import lazy_gettext as _l

from survey_app.core.paths import PACKAGE_DIR

MIN_SCORE = 3
# zxcvbn's time grows with the length; the forms allow 200 characters.
CHECKED_LENGTH = 100
COMMON_PASSWORDS_FILE = PACKAGE_DIR / "data" / "common_passwords_vi.txt"

REASONS = {
    "common": _l("This password is among the most used ones: it is the first an attacker tries."),
    "personal": _l("Do not use your username or your name in the password."),
    "repeat": _l('Do not repeat a character or a group of characters (like "aaa" or "abcabc").'),
    "sequence": _l('Do not use a run of letters or digits such as "abcd" or "1234".'),
    "spatial": _l('Do not use keys next to each other on the keyboard, such as "qwerty".'),
    "date": _l("Do not use a date or a year: they are easy to guess."),
    "weak": _l("This password is easy to guess: use a longer phrase of a few unrelated words."),
}


def weakness(password: str, *, username: str = "", full_name: str = "") -> str | None:
    """Why the password is too weak, or None if it is strong enough."""
    # Imported when a password is chosen: its word lists take 12 MB in every web worker.
    from zxcvbn import zxcvbn

    personal = personal_words(username, full_name)
    result = zxcvbn(password[:CHECKED_LENGTH], user_inputs=[*_common_vietnamese(), *personal])
    if result["score"] >= MIN_SCORE:
        return None
    return str(REASONS[_main_reason(result["sequence"], personal)])


def personal_words(username: str, full_name: str) -> set[str]:
    """The username and the name, whole and word by word, with and without accents."""
    words = {username, full_name.replace(" ", ""), *re.split(r"[\W_]+", f"{username} {full_name}")}
    lowered = {word.lower() for word in words if len(word) > 1}
    return lowered | {_unaccented(word) for word in lowered}


def _unaccented(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _main_reason(matches: list[dict], personal: set[str]) -> str:
    """The kind of the longest guessable part of the password."""
    guessable = [match for match in matches if match["pattern"] != "bruteforce"]
    if not guessable:
        return "weak"
    longest = max(guessable, key=lambda match: len(match["token"]))
    pattern = longest["pattern"]
    if pattern == "dictionary":
        return "personal" if longest["matched_word"] in personal else "common"
    if pattern == "regex":  # zxcvbn's only regex is a recent year
        return "date"
    return pattern if pattern in REASONS else "weak"


@cache
def _common_vietnamese() -> tuple[str, ...]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))
