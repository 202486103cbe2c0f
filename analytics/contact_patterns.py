"""Contact data as citizens write it in a comment, including the ways people (or spammers) use
to slip it past a filter: any separators between the digits (0912/345/678, 0912_345_678), a
letter O for the digit 0 or l / I for 1 (O912345678), e-mail addresses written out in words
("nguyen at gmail dot com", "nguyen a còng gmail chấm com"), identity-card numbers (12 digits).

Numbers spelled out in words ("không chín một hai...") are not recognised: see docs/security.md.
"""

import re

# Between two digits: up to three characters that are neither letters nor digits (spaces, . - /
# _ ( ) and the like), never a line break.
_GAP = r"(?:[^\w\n]|_){0,3}"
# A digit, or a letter that stands for one.
_DIGIT = r"[\dOoIl]"
_NOT_AFTER = r"(?<![\w+])"
_NOT_BEFORE = r"(?!\w)"

# A trunk 0 or the country code 84 (with or without +, maybe in brackets), then 8 to 10 more
# digits: 0912 345 678 · +84 912 345 678 · (+84) 912-345-678 · 024 3825 1234 · O912345678.
PHONE = re.compile(
    _NOT_AFTER
    + r"(?:\(\s*\+?\s*84\s*\)|\+?\s*84|\(?\s*[0Oo])"
    + rf"(?:{_GAP}{_DIGIT}){{8,10}}"
    + _NOT_BEFORE
)
# A citizen identity card (CCCD) number: 12 digits, the first being 0.
IDENTITY_NUMBER = re.compile(_NOT_AFTER + rf"[0Oo](?:{_GAP}{_DIGIT}){{11}}" + _NOT_BEFORE)
# A day written as a date, maybe with its time (05/03/2025 10:30), is not a phone number. Only
# when the whole match is one, and of a plausible year: "03.2.0222 022" is a number that starts
# like a date.
# The match may end inside the time ("01/02/2026 10" of "01/02/2026 10:30").
DATE = re.compile(r"\d{1,2}([/.\-])\d{1,2}\1(?:19|20)\d{2}(?:\s+\d{1,2}(?:[:h]\d{0,2})?)?")

_AT_WORDS = r"(?:at|a\s*còng|a\s*cong)"
_DOT_WORDS = r"(?:dot|chấm|cham)"
_AT = rf"(?:\s*@\s*|\s*[(\[{{]\s*{_AT_WORDS}\s*[)\]}}]\s*|\s+{_AT_WORDS}\s+)"
_DOT = rf"(?:\.|\s+\.\s+|\s*[(\[{{]\s*{_DOT_WORDS}\s*[)\]}}]\s*|\s+{_DOT_WORDS}\s+)"
EMAIL = re.compile(
    rf"[\w.+\-]+{_AT}[\w\-]+(?:{_DOT}[\w\-]+)+",
    re.IGNORECASE,
)


def _unless_date(replacement: str):
    def replace(found: re.Match) -> str:
        return found.group() if DATE.fullmatch(found.group().strip()) else replacement

    return replace


def mask_contacts(text: str, *, phone: str, email: str, identity_number: str) -> str:
    # E-mail first: its local part may hold digits that look like a phone number; identity
    # numbers before phones, which would take their first 11 digits.
    text = EMAIL.sub(email, text)
    text = IDENTITY_NUMBER.sub(_unless_date(identity_number), text)
    return PHONE.sub(_unless_date(phone), text)
