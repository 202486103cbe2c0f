"""Checks shared by the JSON APIs (integrations and kiosks)."""


def text_field(value, limit: int, multiline: bool = False) -> tuple[str | None, str | None]:
    """(value, None) or (None, what is wrong); an empty string counts as absent."""
    if value is None:
        return None, None
    if not isinstance(value, str):
        return None, "Must be a string."
    value = value.strip()
    if len(value) > limit:
        return None, f"At most {limit} characters."
    shown = "".join(" " if c in "\r\n\t" else c for c in value) if multiline else value
    if not shown.isprintable():
        return None, "Must not contain control characters."
    return value or None, None
