from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from salesheart.export import personal_data
from salesheart.http import AuthenticatedHttpRequest
from salesheart.untrusted import BadQuery

logger = logging.getLogger(__name__)


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect(request.user.home_url())


@require_GET
def no_role(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.roles:
        return redirect(request.user.home_url())
    return render(request, "no_role.html")


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("healthz: database unreachable")
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 400, saying what was wrong when we know it in words (salesheart.untrusted).

    Rendered without the request, as Django's own: the request is the thing that
    could not be read, so nothing more is read from it."""
    reason = str(exception) if isinstance(exception, BadQuery) else ""
    return HttpResponseBadRequest(loader.render_to_string("400.html", {"reason": reason}))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


@require_GET
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "account/my_data.html", {"nav": "my_data"})


@never_cache
@require_GET
def my_data_export(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    filename = f"salesheart-{request.user.username}-{timezone.localdate():%Y-%m-%d}.json"
    response = StreamingHttpResponse(
        personal_data(request.user), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
