"""What a person sent when their session had expired, kept until they sign in again.

The sign-in keeps the anonymous session's data (Django only rotates its key),
so the form they were filling can come back with every field they typed.

Only to them: on a shared computer the next person may be the one who signs in.
Every form carries whose page it was (OWNER_FIELD, signed, written by our
`{% csrf_token %}`); a post is kept only with that stamp, and a sign-in by
anyone else throws it away unseen.

Kept input is keyed by the URL it was sent to, as a URL name and its arguments
(`resolve()`), never by a path or a piece of one, and one function brings it back:
`kept_post(request, "conversations:log", pk=3)`. A prefix would hand a form for
conversation 3 to conversation 31, or a neighbouring form's input to this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core import signing
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve, reverse
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
    match = request.resolver_match or resolve(request.path_info)
    request.session[SESSION_KEY] = {
        "path": request.path,
        "url_name": match.view_name,
        "kwargs": match.kwargs,
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


def discard_others_kept_post(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """At sign-in (user_logged_in): someone else's kept input goes, before any page shows it."""
    if request is not None and hasattr(request, "session"):
        kept_for(request, user)


@dataclass(frozen=True)
class KeptPost:
    """A post kept over an expired session: the URL it was sent to, and what it carried."""

    url_name: str
    kwargs: dict[str, Any]
    data: QueryDict

    @property
    def url(self) -> str:
        return reverse(self.url_name, kwargs=self.kwargs)


def _sent_to(pending: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The URL name and arguments a kept post was sent to."""
    if "url_name" in pending:
        return pending["url_name"], pending.get("kwargs", {})
    # Kept before posts were keyed by URL name: resolved from the path it was sent to.
    try:
        match = resolve(pending.get("path", ""))
    except Resolver404:
        return None
    return match.view_name, match.kwargs


def kept_post(
    request: HttpRequest, *url_names: str, take: bool = True, **kwargs: Any
) -> KeptPost | None:
    """The signed-in user's kept post when it was sent to one of these URL names with
    these arguments (each one given must match: `pk=3` never takes conversation 31's
    post); taken out of the session (said on the page) unless `take` is False."""
    pending = kept_for(request)
    if not pending:
        return None
    sent_to = _sent_to(pending)
    if sent_to is None:
        return None
    url_name, sent_kwargs = sent_to
    if url_name not in url_names or any(
        key not in sent_kwargs or sent_kwargs[key] != value for key, value in kwargs.items()
    ):
        return None
    data = QueryDict(mutable=True)
    for key, values in pending["data"].items():
        data.setlist(key, values)
    if take:
        del request.session[SESSION_KEY]
        messages.warning(
            request,
            "You were signed out before that could be saved. Everything you typed is back "
            "in the form: check it and save again.",
        )
    return KeptPost(url_name, dict(sent_kwargs), data)


def posted_or_kept(request: HttpRequest) -> QueryDict | None:
    """What was typed into the form of this page: posted now, or kept over an expired
    session (sent to this very URL) and brought back on the GET after signing in again."""
    if request.method == "POST":
        return request.POST
    match = request.resolver_match or resolve(request.path_info)
    kept = kept_post(request, match.view_name, **match.kwargs)
    return kept.data if kept else None


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
