"""Request typing and role gates shared by every app."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from salesheart.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


View = Callable[..., HttpResponse]


def role_required(role: str) -> Callable[[View], View]:
    """Pages that belong to one role answer 403 to everyone else.

    Role pages hold no object of anyone else, so the refusal leaks nothing;
    objects themselves answer 404 through the scoping helpers.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if role not in request.user.roles:
                raise PermissionDenied(f"This page is for the {role} role.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
