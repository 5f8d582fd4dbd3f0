"""The persona card for the partner who plays the customer in a practice.

The partner may have no account: the link carries a signature instead, made
with the site's secret key, so only a rep who was given the scenario can hand
one out and nobody can guess one.

The hidden pain points are what the rep must find by asking, so the card keeps
them back from the rep's own account, and from everyone once the practice is
over (logged, or the reflection on it handed in): a link forwarded afterwards
or opened again spoils nothing. The persona and situation stay; the rep sees
those on the assignment anyway.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from reflections.access import get_assignment_from_token


@login_not_required
@never_cache
@require_GET
def persona_card(request: HttpRequest, token: str) -> HttpResponse:
    assignment = get_assignment_from_token(token)
    if assignment.practice_is_over:
        withheld = "over"
    elif request.user.is_authenticated and request.user.pk == assignment.rep_id:
        withheld = "own"
    else:
        withheld = ""
    response = render(
        request,
        "reflections/persona_card.html",
        {
            "assignment": assignment,
            "exercise": assignment.exercise,
            "rep_name": assignment.rep.first_name or str(assignment.rep),
            "withheld": withheld,
        },
    )
    # The card gives away the hidden pain points: keep it out of search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
