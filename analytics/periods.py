"""Reporting periods longer than a month, as offices report them: a quarter ("2026-Q3"), the
first or second half-year ("2026-H1"), the first nine months ("2026-9M") and the year ("2026");
a month ("2026-03") is a period too, so that one code path serves them all."""

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from survey_app.months import Month

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
LABELS = {
    "month": _l("month %(month)s"),
    "Q": _l("quarter %(number)s of %(year)s"),
    "H1": _l("the first six months of %(year)s"),
    "H2": _l("the last six months of %(year)s"),
    "9M": _l("the first nine months of %(year)s"),
    "Y": _l("the year %(year)s"),
}
_PATTERN = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]|9M|\d{2}))?$")


@dataclass(frozen=True)
class Period:
    key: str  # as written on the command line and in URLs; the narrative is stored under it
    kind: str  # "month", "Q", "H1", "H2", "9M", "Y"
    months: tuple[Month, ...]

    @classmethod
    def parse(cls, text: str) -> "Period":
        found = _PATTERN.match(text.strip().upper())
        if found is None:
            raise ValueError(f"not a period: {text!r}")
        year, part = int(found[1]), found[2]
        if part is None:
            return cls(str(year), "Y", _months(year, 1, 12))
        if part.startswith("Q"):
            number = int(part[1])
            return cls(f"{year}-{part}", "Q", _months(year, 3 * number - 2, 3 * number))
        if part in ("H1", "H2", "9M"):
            first, last = {"H1": (1, 6), "H2": (7, 12), "9M": (1, 9)}[part]
            return cls(f"{year}-{part}", part, _months(year, first, last))
        month = Month.parse(f"{year}-{part}")
        return cls(str(month), "month", (month,))

    @classmethod
    def of_month(cls, month: Month) -> "Period":
        return cls(str(month), "month", (month,))

    @property
    def first(self) -> Month:
        return self.months[0]

    @property
    def last(self) -> Month:
        return self.months[-1]

    @property
    def year(self) -> int:
        return self.first.year

    def label(self) -> str:
        """ "tháng 3/2026", "quý III năm 2026", "6 tháng đầu năm 2026", "năm 2026"."""
        month = self.first.month
        month_text = f"{month:02d}" if month < 3 else str(month)
        return str(LABELS[self.kind]) % {
            "month": f"{month_text}/{self.year}",
            "number": ROMAN.get((month + 2) // 3, ""),
            "year": self.year,
        }

    def shifted_years(self, years: int) -> "Period":
        """The same period `years` later (earlier when negative)."""
        months = tuple(month.shifted(12 * years) for month in self.months)
        key = self.key.replace(str(self.year), str(self.year + years), 1)
        return Period(key, self.kind, months)

    def previous(self) -> "Period | None":
        """The period just before, for a month or a quarter; longer periods are compared with
        the same period of the year before only, as offices do."""
        if self.kind == "month":
            return Period.of_month(self.first.previous())
        if self.kind == "Q":
            last = self.first.previous()
            quarter = (last.month + 2) // 3
            return Period.parse(f"{last.year}-Q{quarter}")
        return None


def _months(year: int, first: int, last: int) -> tuple[Month, ...]:
    return tuple(Month(year, number) for number in range(first, last + 1))


def periods_containing(month: Month) -> list[Period]:
    """The quarter, half-year, nine months (when the month is in them) and year of a month:
    the dashboard's choice of longer reports."""
    keys = [
        f"{month.year}-Q{(month.month + 2) // 3}",
        f"{month.year}-H{1 if month.month <= 6 else 2}",
    ]
    if month.month <= 9:
        keys.append(f"{month.year}-9M")
    return [Period.parse(key) for key in [*keys, str(month.year)]]
