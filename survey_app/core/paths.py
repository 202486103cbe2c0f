"""Where templates, static files and migrations live, in a checkout and in an installed wheel."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def resource_dir(name: str) -> Path:
    """A wheel has templates/ and static/ inside the package; a checkout keeps them at the top."""
    packaged = PACKAGE_DIR / name
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / name


MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
INSTRUMENTS_DIR = PACKAGE_DIR / "data" / "instruments"
FONTS_DIR = resource_dir("static") / "fonts"
