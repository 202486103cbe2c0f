"""The name a downloaded attachment is saved under: the citizen's name, cleaned, with the
extension of the type the server checked (never the one the citizen wrote: `evil.html` that is
a PNG downloads as `evil.png`)."""

import unicodedata

# Control characters (BEL, CR, LF...), format characters (the bidi overrides such as U+202E
# that show `abgnp.exe` as `abexe.png`), line and paragraph separators.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}
_REPLACED = str.maketrans({'"': "'", "/": "-", "\\": "-", ":": "-", ";": "-", ".": "_"})
STEM_MAX_LENGTH = 100
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}


def clean_text(text: str) -> str:
    """`text` without control, format or unassigned characters, spaces collapsed."""
    kept = "".join(
        char
        for char in unicodedata.normalize("NFC", text)
        if unicodedata.category(char) not in _DROPPED_CATEGORIES
    )
    return " ".join(kept.split())


def download_name(original_name: str, content_type: str) -> str:
    """A safe name to save the file under, e.g. `don-khieu-nai.png`."""
    base = original_name.replace("\\", "/").rpartition("/")[2]
    stem, dot, _ = base.rpartition(".")
    stem = clean_text(stem if dot else base).translate(_REPLACED).strip(" _-")
    return f"{stem[:STEM_MAX_LENGTH] or 'tep'}{EXTENSIONS.get(content_type, '')}"
