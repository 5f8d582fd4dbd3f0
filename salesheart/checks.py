"""Deployment checks of our own settings, run by `manage.py check --deploy`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1", "::"}


def is_local(host: str) -> bool:
    return host in LOCAL_HOSTS or host.endswith(".localhost") or host.startswith("127.")


@register(deploy=True)
def site_url_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Emails carry links built from SITE_URL; a production server without it would
    send everyone links to 127.0.0.1, and nobody would notice until someone clicked."""
    if settings.DEBUG:
        return []
    site_url = settings.SITE_URL
    hint = "Set SITE_URL to the address people open, e.g. SITE_URL=https://sales.example.com"
    if not site_url:
        return [
            Error(
                "SITE_URL is not set: links in emails (reminders) would point to "
                "http://127.0.0.1:8000.",
                hint=hint,
                id="salesheart.E001",
            )
        ]
    parts = urlsplit(site_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return [
            Error(f"SITE_URL {site_url!r} is not a web address.", hint=hint, id="salesheart.E002")
        ]
    if is_local(parts.hostname):
        return [
            Error(
                f"SITE_URL {site_url!r} points to this machine: links in emails would "
                "open on the reader's own computer.",
                hint=hint,
                id="salesheart.E003",
            )
        ]
    return []
