"""What a person sent when their session had expired, kept until they sign in again.

The sign-in keeps the anonymous session's data (Django only rotates its key),
so the form they were filling can come back with every field they typed.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import resolve_url
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

SESSION_KEY = "pending_post"
MAX_KEPT_BYTES = 200_000
# Only our own forms of work are kept; account forms (passwords) never are.
KEEPING_APPS = {"conversations", "reflections"}


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def keep_post(request: HttpRequest) -> None:
    # Scripts (the live tracker) keep their own data; only a person's form is worth keeping.
    if not request.content_type.startswith(FORM_TYPES):
        return
    data = {
        key: values
        for key, values in request.POST.lists()
        if key != "csrfmiddlewaretoken" and "password" not in key.lower()
    }
    if sum(len(value) for values in data.values() for value in values) > MAX_KEPT_BYTES:
        return
    request.session[SESSION_KEY] = {
        "path": request.path,
        "data": data,
        "at": timezone.now().isoformat(),
    }


def take_pending_post(request: HttpRequest, path_prefix: str) -> tuple[str, QueryDict] | None:
    """The kept post for a path under path_prefix, removed from the session once taken."""
    pending = request.session.get(SESSION_KEY)
    if not pending or not pending.get("path", "").startswith(path_prefix):
        return None
    del request.session[SESSION_KEY]
    messages.warning(
        request,
        "You were signed out before that could be saved. Everything you typed is back "
        "in the form: check it and save again.",
    )
    data = QueryDict(mutable=True)
    for key, values in pending["data"].items():
        data.setlist(key, values)
    return pending["path"], data


def posted_or_kept(request: HttpRequest) -> QueryDict | None:
    """What was typed into the form of this page: posted now, or kept over an expired
    session and brought back on the GET after signing in again."""
    if request.method == "POST":
        return request.POST
    pending = take_pending_post(request, request.path)
    return pending[1] if pending else None


class LoginRequiredKeepingPostMiddleware(LoginRequiredMiddleware):
    def handle_no_permission(self, request: HttpRequest, view_func) -> HttpResponse:
        if request.method == "POST" and view_func.__module__.split(".")[0] in KEEPING_APPS:
            keep_post(request)
        if request.method == "POST" and getattr(request, "htmx", False):
            # Swapping the sign-in page into a fragment would make no sense:
            # send the whole window to sign in, then back to the page it was on.
            back_to = request.htmx.current_url_abs_path or "/"
            query = urlencode({"next": back_to})
            return HttpResponseClientRedirect(
                f"{resolve_url(self.get_login_url(view_func))}?{query}"
            )
        return super().handle_no_permission(request, view_func)
