from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods

from salesheart.forms import TimeZoneForm
from salesheart.http import AuthenticatedHttpRequest
from salesheart.untrusted import BadQuery

logger = logging.getLogger(__name__)


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


@login_not_required
@cache_control(max_age=86400, public=True)
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Pages we write name their icon; the admin's do not, so browsers ask for /favicon.ico."""
    return redirect(staticfiles_storage.url("favicon.ico"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


@require_GET
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "account/my_data.html")


@require_http_methods(["GET", "POST"])
def time_zone(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TimeZoneForm(
        request.POST if request.method == "POST" else None,
        initial={"time_zone": request.user.time_zone},
        organisation_zone=settings.TIME_ZONE,
    )
    if request.method == "POST" and form.is_valid():
        request.user.time_zone = form.cleaned_data["time_zone"]
        request.user.save(update_fields=["time_zone"])
        zone = request.user.time_zone or settings.TIME_ZONE
        messages.success(request, f"Times are now shown in {zone.replace('_', ' ')}.")
        return redirect("time_zone")
    zone = request.user.zone
    context = {
        "form": form,
        "now": timezone.localtime(timezone.now(), zone),
        "zone_label": zone.key.replace("_", " "),
        "team_zone_label": request.user.team.zone.key.replace("_", " ")
        if request.user.team
        else "",
    }
    return render(request, "account/time_zone.html", context)
