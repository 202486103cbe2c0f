"""The document settings a signed report is written with (Nghị định 30/2020/NĐ-CP): a unit's
stored settings, or defaults drawn from its name where it has none.

Defaults are deliberately plain: no governing body (the unit tree's parent is often not the
unit's governing body: a commune centre's parent in the tree is the provincial centre, its
governing body the commune People's Committee), the symbol "BC", the head of the unit signing.
"""

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from survey_app.models import Unit
from survey_app.queries.org import get_unit_document

DEFAULT_SYMBOL = "BC"
DEFAULT_TITLE = _l("HEAD OF THE UNIT")
RECORDS_RECIPIENT = _l("Archive: VT.")  # "Lưu: VT." — the office's own copy, always last
NUMBER_LINE = _l("No.: …/%(symbol)s")
# Where a body's name turns to its locality ("Ủy ban nhân dân | xã Đức Trọng").
_LOCALITY = re.compile(
    r"\s(?=(?:tỉnh|thành phố|xã|phường|đặc khu|thị trấn|thị xã|quận|huyện)\s)", re.IGNORECASE
)


@dataclass(frozen=True)
class DocumentSettings:
    governing_body: str  # empty: the issuing body stands alone
    issuing_body: str
    symbol: str
    place: str
    signer_authority: str  # "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"; may be empty
    signer_title: str
    signer_name: str  # empty: left for the signer to write
    recipients: tuple[str, ...]  # without the archive line

    @property
    def number_line(self) -> str:
        """ "Số: …/BC-UBND": the number is left blank for the clerk who registers it."""
        return str(NUMBER_LINE) % {"symbol": self.symbol}

    @property
    def recipient_lines(self) -> list[str]:
        """The "Nơi nhận" block's lines, each with its dash, the archive copy last."""
        lines = [f"- {name.rstrip(';.')};" for name in self.recipients]
        return [*lines, f"- {RECORDS_RECIPIENT}"]


def document_settings(unit: Unit, place: str) -> DocumentSettings:
    """`place`: the one written before the date when the unit's settings name none."""
    stored = get_unit_document(unit.id)
    if stored is None:
        return DocumentSettings(
            "", unit.name, DEFAULT_SYMBOL, place, "", str(DEFAULT_TITLE), "", ()
        )
    return DocumentSettings(
        governing_body=stored.governing_body,
        issuing_body=stored.issuing_body or unit.name,
        symbol=stored.symbol or DEFAULT_SYMBOL,
        place=stored.place or place,
        signer_authority=stored.signer_authority,
        signer_title=stored.signer_title or str(DEFAULT_TITLE),
        signer_name=stored.signer_name,
        recipients=tuple(line.strip() for line in stored.recipients.splitlines() if line.strip()),
    )


def header_lines(body: str) -> list[str]:
    """A body's name in capitals as a header writes it: "ỦY BAN NHÂN DÂN" over "XÃ ĐỨC TRỌNG",
    the locality on its own line."""
    parts = _LOCALITY.split(body.strip(), maxsplit=1)
    # "UBND xã An Bình" stays on one line: only a body's name written in full is broken.
    whole = len(parts) < 2 or len(parts[0].split()) < 2
    lines = [body.strip()] if whole else parts
    return [line.strip().upper() for line in lines if line.strip()]


def administrative_date(day: date) -> tuple[str, str, str]:
    """Day, month and year as NĐ 30/2020 writes them: a leading zero only for days below 10
    and for the months January and February ("ngày 05 tháng 02", "ngày 15 tháng 3")."""
    day_text = f"{day.day:02d}"
    month_text = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return day_text, month_text, str(day.year)
