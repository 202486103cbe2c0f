"""Text cells of a CSV file that a spreadsheet would run as a formula, made inert (OWASP's
"CSV injection" rule), and made back as they were when the interchange CSV is read again.

A spreadsheet takes a cell starting with = + - @, a tab or a carriage return as a formula:
an officer named `=HYPERLINK("http://evil.example";"Bấm")` or a citizen's comment `@SUM(...)`
would run on the office's computer. Such a cell is written with an apostrophe in front, which
spreadsheets show as text. So that the interchange CSV reads back exactly, a cell that starts
with an apostrophe gets one more: on reading, one leading apostrophe is always removed.
Numbers are never changed (a negative number is still a number).
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def neutralise(value):
    """`value` as it is safely written to a CSV cell."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, ESCAPE)):
        return ESCAPE + value
    return value


def restore(text: str) -> str:
    """A cell of an interchange CSV as it was before `neutralise`."""
    return text.removeprefix(ESCAPE)


def neutralise_frame(frame):
    """Every text cell of a pandas DataFrame neutralised, the header too."""
    safe = frame.map(neutralise)
    safe.columns = [neutralise(name) for name in frame.columns]
    return safe
