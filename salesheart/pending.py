"""What a person sent when their session had expired, kept until they sign in again.

The sign-in keeps the anonymous session's data (Django only rotates its key),
so the form they were filling can come back with every field they typed.

Only to them: on a shared computer the next person may be the one who signs in.
Every form carries whose page it was (OWNER_FIELD, signed, written by our
`{% csrf_token %}`); a post is kept only with that stamp, and a sign-in by
anyone else throws it away unseen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core import signing
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import resolve_url
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

if TYPE_CHECKING:
    from salesheart.models import User

SESSION_KEY = "pending_post"
MAX_KEPT_BYTES = 200_000
# Only our own forms of work are kept; account forms (passwords) never are.
KEEPING_APPS = {"conversations", "reflections"}


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

OWNER_FIELD = "form_owner"
OWNER_SALT = "salesheart.pending.owner"
NOT_KEPT = {"csrfmiddlewaretoken", OWNER_FIELD}


def owner_stamp(user: User) -> str:
    """The hidden value that says a form's page was shown to this user."""
    return signing.Signer(salt=OWNER_SALT).sign(str(user.pk))


def owner_of(stamp: Any) -> int | None:
    """The user id a stamp was made for; None for a missing, forged or mangled one."""
    if not isinstance(stamp, str):
        return None
    try:
        text = signing.Signer(salt=OWNER_SALT).unsign(stamp)
    except signing.BadSignature:
        return None
    return int(text) if text.isascii() and text.isdigit() else None


def keep_post(request: HttpRequest) -> None:
    # Scripts (the live tracker) keep their own data; only a person's form is worth keeping.
    if not request.content_type.startswith(FORM_TYPES):
        return
    owner = owner_of(request.POST.get(OWNER_FIELD))
    if owner is None:
        # Nobody to give it back to: shown to whoever signs in next, it could be
        # someone else's words. (A page always stamps its forms; a bare button,
        # such as a delete, carries nothing typed.)
        return
    data = {
        key: values
        for key, values in request.POST.lists()
        if key not in NOT_KEPT and "password" not in key.lower()
    }
    if sum(len(value) for values in data.values() for value in values) > MAX_KEPT_BYTES:
        return
    request.session[SESSION_KEY] = {
        "path": request.path,
        "data": data,
        "owner": owner,
        "at": timezone.now().isoformat(),
    }


def kept_for(request: HttpRequest, user: User | None = None) -> dict[str, Any] | None:
    """The kept post if it belongs to the signed-in user; anyone else's is thrown away."""
    pending = request.session.get(SESSION_KEY)
    if not pending:
        return None
    user = user or getattr(request, "user", None)
    if pending.get("owner") != getattr(user, "pk", None):
        del request.session[SESSION_KEY]
        return None
    return pending


def kept_path(request: HttpRequest) -> str:
    """Where the signed-in user's kept post was sent, or "" when nothing is kept for them."""
    pending = kept_for(request)
    return pending.get("path", "") if pending else ""


def discard_others_kept_post(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """At sign-in (user_logged_in): someone else's kept input goes, before any page shows it."""
    if request is not None and hasattr(request, "session"):
        kept_for(request, user)


def take_pending_post(request: HttpRequest, path_prefix: str) -> tuple[str, QueryDict] | None:
    """The kept post for a path under path_prefix, removed from the session once taken."""
    pending = kept_for(request)
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
