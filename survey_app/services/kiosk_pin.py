"""The staff PIN of a counter tablet: a slow hash the tablet can check offline.

The tablet receives the hash in its configuration (anyone holding its device token can read
it), so a fast hash gave the PIN away in milliseconds. PBKDF2-HMAC-SHA256 with ITERATIONS
rounds is what Web Crypto derives on the tablet (about a second on a cheap one). A 4 to 8 digit
PIN still falls to a patient search of the stolen configuration (hours for 8 digits on a GPU):
the PIN only keeps citizens inside the kiosk screen, and the tablet locks out after a few wrong
tries (static/kiosk/staff.js). A hash kept from before (`<salt>$<sha256>`) is not sent at all:
a manager sets the PIN again.
"""

import hashlib
import secrets

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 600_000  # OWASP's figure for PBKDF2-HMAC-SHA256 (2023)


def hash_pin(pin: str, iterations: int = ITERATIONS) -> str:
    """`pbkdf2_sha256$<iterations>$<salt>$<hex digest>`."""
    salt = secrets.token_hex(16)
    return f"{ALGORITHM}${iterations}${salt}${pin_digest(pin, salt, iterations)}"


def pin_digest(pin: str, salt: str, iterations: int) -> str:
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), iterations).hex()


def pin_for_tablet(stored: str) -> dict | None:
    """What the tablet needs to check a PIN; None when no PIN, or only an old fast hash, is set."""
    algorithm, _, rest = stored.partition("$")
    if algorithm != ALGORITHM:
        return None
    iterations, salt, digest = rest.split("$")
    return {
        "algorithm": "PBKDF2-SHA256",
        "iterations": int(iterations),
        "salt": salt,
        "hash": digest,
    }
