"""Reading what a browser sent, one way for each kind of value.

An address or a script can carry anything: `?customer=²` (a digit to
`str.isdigit()`, not to `int()`), a 400-digit number, a NUL (which PostgreSQL
refuses in text), a lone surrogate from a JSON `\\ud800` (which no database can
store). Views read ids and search text from query strings, and JSON bodies,
through here; what cannot be right is refused with a clear 400 before it
reaches a query or a row.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest

from salesheart.forms import is_plausible_id

# No number the tracker sends (seconds, counts) comes near this; beyond it a float
# loses whole seconds, and far beyond it Python cannot make a float at all.
MAX_JSON_DIGITS = 15


class BadQuery(BadRequest):
    """A query string value that cannot be right; its message is shown on the 400 page."""


class UnreadableJson(ValueError):
    """A JSON body with a value no row can hold; its message is for the person."""


class NotJson(UnreadableJson):
    """A body that is not JSON at all."""


def has_unstorable_text(text: str) -> bool:
    """NUL (PostgreSQL refuses it) or a lone surrogate (not encodable as UTF-8)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def query_id(request: HttpRequest, name: str) -> int | None:
    """The id named by `?name=`, or None when it is absent or empty.

    Anything but a whole number a database id can be (`²`, `-1`, `1e3`, 400
    digits, text) answers 400: no page links like that."""
    text = request.GET.get(name, "")
    if text == "":
        return None
    if not is_plausible_id(text) or text != text.strip():
        raise BadQuery(f"The address asks for {name} “{text[:40]}”, which is not a valid id.")
    return int(text)


def query_text(request: HttpRequest, name: str, max_length: int) -> str:
    """Search text from `?name=`, cut to max_length; text no database can compare answers 400."""
    text = request.GET.get(name, "")[:max_length]
    if has_unstorable_text(text):
        raise BadQuery(f"The {name} in the address has characters a search cannot use.")
    return text


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_JSON_DIGITS:
        raise UnreadableJson(f"A number has more than {MAX_JSON_DIGITS} digits.")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or len(text.lstrip("-").split(".")[0]) > MAX_JSON_DIGITS:
        raise UnreadableJson(f"A number has more than {MAX_JSON_DIGITS} digits.")
    return value


def _no_constants(name: str) -> Any:
    raise UnreadableJson(f"{name} is not a number this can store.")


def read_json(body: bytes | str) -> Any:
    """The JSON document in body, refusing what no row can hold.

    Raises UnreadableJson (a ValueError) with a message for the person when the
    text is not JSON, nests too deep, or holds a number of more than
    MAX_JSON_DIGITS digits, NaN or Infinity, or text with NUL or a lone surrogate."""
    try:
        data = json.loads(
            body,
            parse_int=_bounded_int,
            parse_float=_finite_float,
            parse_constant=_no_constants,
        )
    except UnreadableJson:
        raise
    except (ValueError, RecursionError):
        # Malformed JSON, bytes that are not UTF-8, or nesting deep enough to
        # exhaust the parser's stack.
        raise NotJson("It is not JSON.") from None
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str) and has_unstorable_text(value):
            raise UnreadableJson("Some text holds characters that cannot be stored.")
    return data
