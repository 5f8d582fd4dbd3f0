"""Sign-in throttling: what django-axes asks of us (settings name these functions).

Axes counts failed sign-ins per username and address; these decide which address a
request came from and what a person sees once a username is locked out there, and
let a password reset lift the lockout.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta

from axes.helpers import get_cool_off, get_failure_limit
from axes.utils import reset as reset_attempts
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_ip_address(request: HttpRequest) -> str | None:
    """The address a request came from, as the nearest trusted proxy saw it.

    Each proxy appends the address it received the request from to X-Forwarded-For,
    after whatever the client itself put there. With N trusted proxies the N-th entry
    from the right is the client; anything further left may be made up. Without a
    trusted proxy, or when the header is not what our proxies would have written,
    the socket's address is the only one nobody can forge.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            entry.strip()
            for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if entry.strip()
        ]
        if len(forwarded) >= proxies and _is_address(forwarded[-proxies]):
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def _in_words(wait: timedelta) -> str:
    minutes = max(1, round(wait.total_seconds() / 60))
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """429 with a page that says what happened and when to try again.

    Every refused attempt during a lockout starts the wait again (Axes' default), so
    "try again in N minutes" counts from this very request. Nothing the person typed is
    shown back.
    """
    wait = get_cool_off(request) or timedelta(0)
    response = render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": get_failure_limit(request, credentials),
            "wait": _in_words(wait),
        },
        status=429,
    )
    response["Retry-After"] = str(int(wait.total_seconds()))
    return response


class SetPasswordLiftingLockoutForm(SetPasswordForm):
    """A password reset also ends the username's sign-in lockouts.

    Whoever chose the new password proved they read the account's email, and the
    guesses that caused the lockout were at a password that no longer exists; making
    them wait out the lockout with the new password would only punish the owner.
    """

    def save(self, commit: bool = True) -> AbstractBaseUser:
        user = super().save(commit=commit)
        if commit:
            reset_attempts(username=user.get_username())
        return user
