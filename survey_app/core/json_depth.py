"""A JSON body nested deeper than any request of ours is refused before it is parsed: Python's
json module recurses once per level and fails with RecursionError (a 500) on a body such as
'[' * 100000, well within the size a request may have."""

import operator
import re
from itertools import accumulate, count

from werkzeug.exceptions import BadRequest

# The deepest request of the API (a kiosk rating with its answers) has 3 levels.
MAX_JSON_DEPTH = 32
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
# Openings count 2, closings 0, anything else is deleted: the running sum minus the number of
# brackets read is the depth at each bracket, all computed in C.
_BRACKETS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


class TooDeep(BadRequest):
    description = f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in `body`, brackets inside strings left out."""
    brackets = _STRING.sub(b"", body).translate(_BRACKETS, _NOT_BRACKETS)
    return max(map(operator.sub, accumulate(brackets), count(1)), default=0)


def refuse_deep_json(body: bytes) -> None:
    if json_depth(body) > MAX_JSON_DEPTH:
        raise TooDeep()
