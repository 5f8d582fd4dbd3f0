from __future__ import annotations

from django.http import HttpRequest, QueryDict

from salesheart.pending import kept_path, take_pending_post

PAGE_SIZE = 25


def restore_pending(request: HttpRequest, *paths: str) -> QueryDict | None:
    """What was posted to exactly one of these paths while signed out, if anything.

    Exact paths rather than a prefix: a kept post for a neighbouring form (the
    practice button under an assignment, say) must not empty this one.
    """
    path = kept_path(request)
    if path not in paths:
        return None
    taken = take_pending_post(request, path)
    return taken[1] if taken else None
