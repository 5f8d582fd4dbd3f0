"""Where emails point: the address people open the site at."""

from __future__ import annotations

import os

from django.conf import settings


def default_base_url() -> str:
    # Emails are sent from cron, outside any request: the settings (or the environment)
    # say where the site lives; a developer's machine serves it on 127.0.0.1:8000.
    return (
        getattr(settings, "SITE_URL", "")
        or os.environ.get("SITE_URL", "")
        or "http://127.0.0.1:8000"
    )
