from __future__ import annotations

import time

from django.http import HttpRequest


def server_clock(request: HttpRequest) -> dict[str, int]:
    """The server's time in milliseconds, so the browser can tell which copy of a form
    is newer: the one it kept, or the one the server last accepted."""
    return {"server_now_ms": int(time.time() * 1000)}
