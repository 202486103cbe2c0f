"""SURVEY_PUBLIC_URL is what every QR code, poster and e-mailed link names: in production it must
be an address the citizens' phones can reach, never this machine's loopback."""

import ipaddress
from urllib.parse import urlsplit

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
EXAMPLE_PUBLIC_URL = "https://khaosat.example.gov.vn"


def unreachable_reason(url: str) -> str | None:
    """Why citizens could not open links under `url`, or None when they can."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "is not an http(s) address"
    if _is_this_machine(parts.hostname):
        return "points at this machine (a loopback address)"
    return None


def _is_this_machine(host: str) -> bool:
    host = host.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def is_default(url: str) -> bool:
    """Not set (or set to what not setting it gives)."""
    return url.rstrip("/") == DEFAULT_PUBLIC_URL


def production_problem(url: str) -> str | None:
    """The one-line refusal for production, telling what to set; None when the URL is fine."""
    reason = unreachable_reason(url)
    if reason is None:
        return None
    what = f"is {url!r}, which {reason}"
    if is_default(url):
        what = f"is not set (so {DEFAULT_PUBLIC_URL})"
    return (
        f"SURVEY_PUBLIC_URL {what}: QR codes and links would not open on citizens' phones. "
        f"Set it to the address they reach, e.g. SURVEY_PUBLIC_URL={EXAMPLE_PUBLIC_URL}"
    )
