"""A friendly 503 page instead of a 500 when the database cannot be reached.

Two paths lead here. A view that fails on the database raises into
`process_exception`. But most requests touch the database before any view
runs (loading the session for `request.user`), and Django turns an error
raised inside another middleware into a 500 response right there, so this
middleware never sees the exception itself. For those, a `got_request_exception`
receiver (which runs while the exception is being handled) marks the request,
and `__call__` swaps the finished 500 for the 503 page.

Nothing here queries the database, and the page is rendered without a request
so no context processor (the auth one loads the session) gets a chance to.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

UNAVAILABLE = (OperationalError, InterfaceError)
MARK = "_salesheart_database_unavailable"
# Asks browsers and proxies to try again soon rather than hammer a recovering database.
RETRY_AFTER_SECONDS = 30
STATIC_PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'; object-src 'none'"
)
# Headers that describe the body of the 500 and must not carry over to the new page.
BODY_HEADERS = {"content-type", "content-length", "content-encoding", "etag", "last-modified"}


def database_unavailable_response() -> HttpResponse:
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # When the session middleware fails a second time on the way out, the 500 it builds
    # skips the CSP and clickjacking middleware; this page has no script, so it carries
    # its own strict policy rather than depend on which layer failed.
    response["Content-Security-Policy"] = STATIC_PAGE_CSP
    response["X-Frame-Options"] = "DENY"
    return response


def _remember_database_failure(
    sender: Any, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if request is not None and isinstance(sys.exception(), UNAVAILABLE):
        setattr(request, MARK, True)


got_request_exception.connect(_remember_database_failure, dispatch_uid="salesheart-db-unavailable")


class DatabaseUnavailableMiddleware:
    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, MARK, False):
            friendly = database_unavailable_response()
            # Keep what the inner middleware added (CSP, X-Frame-Options, Vary...).
            for name, value in response.headers.items():
                if name.lower() not in BODY_HEADERS and name not in friendly.headers:
                    friendly[name] = value
            return friendly
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, UNAVAILABLE):
            return None
        # Returning a response stops Django from logging the error, so log it here.
        logger.error(
            "Database unavailable: %s %s",
            request.method,
            request.path,
            exc_info=exception,
        )
        return database_unavailable_response()
