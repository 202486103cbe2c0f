"""Shapes of values that forms and services both check, written once."""

import re

# Deliberately loose: an address with one @ and a dot after it; the mail server decides the rest.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The id a form carries so that sending it twice stores one thing (uuid4 hex).
CLIENT_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")
