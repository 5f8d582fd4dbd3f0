"""The views that need every app: where each person starts, and all their data."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from salesheart.compose.export import personal_data
from salesheart.downloads import as_attachment
from salesheart.http import AuthenticatedHttpRequest
from salesheart.models import User


def home_url(user: User) -> str:
    """Where this person's work starts: the first of their roles, managers first."""
    if user.is_manager:
        return reverse("conversations:team_dashboard")
    if user.is_trainer:
        return reverse("reflections:training_dashboard")
    if user.is_rep:
        return reverse("conversations:list")
    if user.is_staff:
        return reverse("admin:index")
    return reverse("no_role")


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect(home_url(request.user))


@require_GET
def no_role(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.roles:
        return redirect(home_url(request.user))
    return render(request, "no_role.html")


@never_cache
@require_GET
def my_data_export(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    filename = f"salesheart-{request.user.username}-{timezone.localdate():%Y-%m-%d}.json"
    response = StreamingHttpResponse(
        personal_data(request.user), content_type="application/json; charset=utf-8"
    )
    return as_attachment(response, filename)
