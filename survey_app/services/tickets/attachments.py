"""A citizen's attachments: checked by what they contain, stored outside the database.

The name and the browser's content type are the sender's claims; only the bytes decide. Images
must open and verify with Pillow, a PDF must start with %PDF- and parse with pypdf."""

import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from survey_app.core.extensions import db
from survey_app.models import Ticket, TicketAttachment, TicketEvent, max_length, utcnow
from survey_app.services.tickets.file_names import clean_text

MAX_FILE_BYTES = 5 * 1024 * 1024


MAX_FILES = 3


# Phones save 12-16 MP photos unless set to a special high-resolution mode; 40 MP is well past
# that and keeps a decoded image under about 160 MB of memory.
MAX_PIXELS = 40_000_000


IMAGE_TYPES = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}


PDF = ("application/pdf", ".pdf")


ORIGINAL_NAME_MAX_LENGTH = max_length(TicketAttachment.original_name)


@dataclass(frozen=True)
class Upload:
    """A file as sent: the citizen's file name and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class CheckedFile:
    original_name: str
    content_type: str
    extension: str
    data: bytes


def check_uploads(uploads: list[Upload]) -> tuple[list[CheckedFile], str | None]:
    """The files that passed, or the first problem in words the citizen understands."""
    if len(uploads) > MAX_FILES:
        return [], str(_l("Attach at most %(count)d files.", count=MAX_FILES))
    checked = []
    for upload in uploads:
        name = _shown_name(upload.filename)
        if len(upload.data) > MAX_FILE_BYTES:
            return [], str(_l("%(name)s is larger than 5 MB.", name=name))
        if _too_many_pixels(upload.data):
            return [], str(_l("%(name)s has more than 40 megapixels.", name=name))
        kind = file_kind(upload.data)
        if kind is None:
            return [], str(_l("%(name)s is not a JPEG, PNG or WebP picture or a PDF.", name=name))
        checked.append(CheckedFile(name, *kind, upload.data))
    return checked, None


def file_kind(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of an image or PDF that really is one, else None."""
    if data.startswith(b"%PDF-"):
        return PDF if _parses_as_pdf(data) else None
    return _image_kind(data)


def _image_kind(data: bytes) -> tuple[str, str] | None:
    # Pillow and pypdf are imported when a file is checked: most web workers never check one.
    from PIL import Image

    try:
        with warnings.catch_warnings():
            # A decompression bomb is refused, not merely warned about.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image_format = image.format
                image.verify()
    except Exception:  # Pillow raises many kinds for broken or foreign data
        return None
    return IMAGE_TYPES.get(image_format)


def _too_many_pixels(data: bytes) -> bool:
    """Read from the header only, before anything is decoded."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.width * image.height > MAX_PIXELS
    except Exception:  # not an image: file_kind decides
        return False


def _parses_as_pdf(data: bytes) -> bool:
    from pypdf import PdfReader

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about mere oddities of real-world PDFs
            return len(PdfReader(io.BytesIO(data)).pages) > 0
    except Exception:  # pypdf raises many kinds for broken data
        return False


def attach_files(ticket: Ticket, files: list[CheckedFile]) -> None:
    """Add files to a stored ticket (one commit); nothing stays on failure."""
    staged = _StagedFiles(files)
    try:
        staged.attach(ticket)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        staged.discard()
        raise


def _write(folder: Path, checked: CheckedFile) -> Path:
    path = folder / f"{secrets.token_hex(16)}{checked.extension}"
    path.write_bytes(checked.data)
    return path


def _attachment(stored_name: str, checked: CheckedFile) -> TicketAttachment:
    return TicketAttachment(
        stored_name=stored_name,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=len(checked.data),
    )


def attachment_folder() -> Path:
    """<uploads>/tickets; uploads is SURVEY_UPLOADS_DIR, by default <instance>/uploads."""
    uploads = current_app.config.get("SURVEY_UPLOADS_DIR") or Path(
        current_app.instance_path, "uploads"
    )
    return Path(uploads, "tickets")


def attachment_path(attachment: TicketAttachment) -> Path:
    return attachment_folder() / attachment.stored_name


def _shown_name(filename: str) -> str:
    name = clean_text(Path(filename.replace("\\", "/")).name) or "file"
    return name[-ORIGINAL_NAME_MAX_LENGTH:]


class _StagedFiles:
    """Files written to disk for a ticket being filed; removed if the ticket is not stored."""

    def __init__(self, files: list[CheckedFile]):
        self.files, self.written = files, []

    def attach(self, ticket: Ticket) -> None:
        if not self.files:
            return
        folder = attachment_folder()
        folder.mkdir(parents=True, exist_ok=True)
        for checked in self.files:
            self.written.append(_write(folder, checked))
            ticket.attachments.append(_attachment(self.written[-1].name, checked))
        ticket.events.append(
            TicketEvent(at=utcnow(), kind="attached", details={"files": len(self.files)})
        )

    def discard(self) -> None:
        for path in self.written:
            path.unlink(missing_ok=True)
