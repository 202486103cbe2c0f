"""Officer photos: re-encoded from what was sent, stored outside the database."""

import io
import secrets
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _

from survey_app.core.extensions import db
from survey_app.models import Officer
from survey_app.services.audit import record_change
from survey_app.services.org.admin import InvalidChange

if TYPE_CHECKING:
    from PIL import Image

MAX_PHOTO_BYTES = 2 * 1024 * 1024


PHOTO_SIDE = 512


PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")


# A small file can still claim a huge canvas (a "decompression bomb"): refuse it unread.
MAX_PHOTO_PIXELS = 40_000_000


def photo_folder() -> Path:
    """<instance>/uploads/officers, outside the database; SURVEY_UPLOADS_DIR moves uploads/."""
    uploads = current_app.config.get("SURVEY_UPLOADS_DIR") or Path(
        current_app.instance_path, "uploads"
    )
    return Path(uploads, "officers")


def photo_file(officer: Officer) -> Path | None:
    return photo_folder() / officer.photo_path if officer.photo_path else None


def set_officer_photo(officer: Officer, data: bytes) -> None:
    """Store a re-encoded copy (no metadata, at most 512 px); the previous file is deleted."""
    picture = reencoded_photo(data)
    folder = photo_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.jpg"
    (folder / name).write_bytes(picture)
    old = officer.photo_path
    officer.photo_path = name
    record_change("officer.photo", officer, {"replaced": old is not None})
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        (folder / name).unlink(missing_ok=True)
        raise
    _delete_photo(old)


def remove_officer_photo(officer: Officer) -> None:
    old = officer.photo_path
    if old is None:
        return
    officer.photo_path = None
    record_change("officer.photo_remove", officer)
    db.session.commit()
    _delete_photo(old)


def reencoded_photo(data: bytes) -> bytes:
    from PIL import Image  # when a photo is uploaded: not by every web worker at start

    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidChange("photo", _("The photo is larger than 2 MB."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _reencoded(data)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as error:
        raise InvalidChange("photo", _("This file is not a JPEG, PNG or WebP picture.")) from error


def _reencoded(data: bytes) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data), formats=PHOTO_FORMATS) as probe:
        if probe.width * probe.height > MAX_PHOTO_PIXELS:
            raise ValueError("too many pixels")
        probe.verify()  # checks the whole file; the image must then be opened again
    with Image.open(io.BytesIO(data), formats=PHOTO_FORMATS) as image:
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
        output = io.BytesIO()
        _on_white(upright).save(output, "JPEG", quality=85, optimize=True)
    return output.getvalue()


def _on_white(image: "Image.Image") -> "Image.Image":
    """JPEG has no transparency: lay a transparent picture on white, not on black."""
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _delete_photo(name: str | None) -> None:
    if name:
        (photo_folder() / name).unlink(missing_ok=True)
