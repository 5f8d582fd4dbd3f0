from __future__ import annotations

import time

from django.http import HttpRequest


def server_clock(request: HttpRequest) -> dict[str, int]:
    """The server's time in milliseconds, so the browser can tell which copy of a form
    is newer: the one it kept, or the one the server last accepted."""
    return {"server_now_ms": int(time.time() * 1000)}


# The item of the main navigation each page is under, by its URL name. The pages of a
# namespace listed in NAV_BY_NAMESPACE are under that item unless named here; a page
# neither names nor covers marks none (the sign-in page, the persona card).
NAV_BY_URL_NAME = {
    "conversations:customers": "customers",
    "conversations:customer_create": "customers",
    "conversations:customer_detail": "customers",
    "conversations:customer_edit": "customers",
    "conversations:dashboard": "dashboard",
    "conversations:team_dashboard": "team",
    "conversations:team_bands": "team",
    "conversations:rep_dashboard_for_manager": "team",
    "reflections:my_assignments": "assignments",
    "reflections:assignment": "assignments",
    "reflections:team_training": "team_training",
    "reflections:training_dashboard": "training",
    "reflections:exercise_list": "training",
    "reflections:exercise_create": "training",
    "reflections:exercise_edit": "training",
    "reflections:assign": "training",
    "reflections:review": "training",
    "my_data": "my_data",
    "time_zone": "time_zone",
}
NAV_BY_NAMESPACE = {"conversations": "conversations"}


def navigation(request: HttpRequest) -> dict[str, str]:
    """`nav`: which item of the main navigation this page is under, from its URL.

    A page that belongs under another item depending on whose object it shows (someone
    else's conversation is under Team) says so with `nav` in its own context, which
    wins over this."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {"nav": ""}
    nav = NAV_BY_URL_NAME.get(match.view_name) or NAV_BY_NAMESPACE.get(match.namespace, "")
    return {"nav": nav}
