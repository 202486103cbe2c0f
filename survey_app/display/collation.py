"""Vietnamese alphabetical order, for every list of people, units, procedures and fields that is
shown or exported.

Python compares strings by code point, which puts "Nguyễn" before "Ngô" (u < ô) and "Đặng"
after "Z". PyICU has the CLDR Vietnamese collation but ships no wheels (it needs the ICU C
library and a compiler), so this module writes the same order down once:

- Letters in the order of the Vietnamese alphabet, the foreign f j w z at their Latin places:
  a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z. The vowel letters with a
  breve, circumflex or horn and đ are letters of their own (primary difference).
- Tones only decide between words equal letter by letter (secondary difference), in the
  dictionary order also used by CLDR: ngang (none), huyền `, hỏi ?, ngã ~, sắc ´, nặng ·.
- Then lower case before upper case; anything else (digits, punctuation) by code point, digits
  and the space before letters, so "Tổ 1" < "Tổ 2" < "Tổ A" and "An" < "An Bình" < "Anh".

People are listed by given name, as Vietnamese lists are (decision): the last word of the full
name first, then the family and middle names, so "Trần Thị An" comes before "Nguyễn Văn Bình".
"""

import functools
import unicodedata

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Combining marks that make a letter of its own (NFD splits "ơ" into "o" + horn).
LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_MARKED = {
    ("a", "breve"): "ă",
    ("a", "circumflex"): "â",
    ("e", "circumflex"): "ê",
    ("o", "circumflex"): "ô",
    ("o", "horn"): "ơ",
    ("u", "horn"): "ư",
}
# Tone marks in dictionary order; 0 is the level tone (no mark).
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_WEIGHT = {letter: 100 + index for index, letter in enumerate(ALPHABET)}
_SPACE_WEIGHT = 1
_DIGIT_BASE = 10  # digits weigh 10-19: after the space, before every letter
_OTHER_BASE = 1000  # any other character: after the letters, by code point

SortKey = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]


@functools.lru_cache(maxsize=8192)
def vi_key(text: str) -> SortKey:
    """The sort key of `text` in Vietnamese order: letters, then tones, then case. Kept per
    process for the names met last: a province's dashboard sorts some 1,800 officers, counters
    and units (0.12 s), the same ones at each visit."""
    letters, tones, cases = [], [], []
    for base, marks in _clusters(unicodedata.normalize("NFD", text.strip())):
        lower = base.lower()
        for mark in marks:
            lower = _MARKED.get((lower, LETTER_MARKS.get(mark, "")), lower)
        letters.append(_weight(lower))
        tones.append(max((TONES.get(mark, 0) for mark in marks), default=0))
        cases.append(0 if base == base.lower() else 1)
    return tuple(letters), tuple(tones), tuple(cases)


def person_key(full_name: str) -> tuple[SortKey, SortKey]:
    """A person's name: given name (the last word) first, then family and middle names."""
    words = full_name.split()
    if not words:
        return vi_key(""), vi_key("")
    return vi_key(words[-1]), vi_key(" ".join(words[:-1]))


def sorted_vi(items, key=lambda item: item):
    """`items` sorted by the Vietnamese order of `key(item)` (a string)."""
    return sorted(items, key=lambda item: vi_key(key(item)))


def _clusters(decomposed: str):
    """(base character, its combining marks) for each character of an NFD string."""
    base, marks = None, []
    for char in decomposed:
        if unicodedata.combining(char) and base is not None:
            marks.append(char)
            continue
        if base is not None:
            yield base, marks
        base, marks = char, []
    if base is not None:
        yield base, marks


def _weight(char: str) -> int:
    if char in _LETTER_WEIGHT:
        return _LETTER_WEIGHT[char]
    if char.isspace():
        return _SPACE_WEIGHT
    if "0" <= char <= "9":
        return _DIGIT_BASE + int(char)
    return _OTHER_BASE + ord(char)
