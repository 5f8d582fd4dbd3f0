"""The live tracker: a full-screen page that times who is talking, and the save it posts.

The browser keeps the whole run on the device (localStorage) until the server has
it, so a reload, a closed tab or a lost connection loses nothing; the page posts
the run as JSON when the observer finishes, and retries until it is saved. A run
carries its own id, so a retried save is applied once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from conversations import services
from conversations.access import get_conversation_for_user
from conversations.models import MEASURED_SOURCES, Conversation
from salesheart.http import AuthenticatedHttpRequest
from salesheart.models import Team
from salesheart.untrusted import NotJson, UnreadableJson, read_json

# A full 8-hour run within the segment limit is about 300 kB of JSON.
MAX_BODY_BYTES = 1_000_000
# Conversation.tracked_run holds the id; a longer one would fail at the database.
MAX_RUN_ID_LENGTH = Conversation._meta.get_field("tracked_run").max_length or 64

TOO_BIG = "The run is too large to save (over 1 MB). It is still kept on this device."
NOT_JSON = "The tracker sent something that is not JSON. Nothing was saved."
NOT_A_RUN = (
    "The tracker sent something that is not a run: expected an object with run, "
    "segments and pain_points. Nothing was saved."
)
BAD_RUN_ID = f"The run id must be text of 1 to {MAX_RUN_ID_LENGTH} characters."
BAD_LIST = "{name} must be a list of objects."
NOTHING_TRACKED = (
    "Nothing was tracked in this run: press a talk button while they talk, then finish. "
    "A run without talk would erase the timeline already saved."
)


def error_response(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def shape_problem(data: Any) -> str:
    """What is wrong with the shape of a posted run, or "" when it can go to the service.

    Values inside segments and pain points (kinds, times) are the service's to judge.
    """
    if not isinstance(data, dict):
        return NOT_A_RUN
    missing = [key for key in ("run", "segments") if key not in data]
    if missing:
        return f"The run is missing {' and '.join(missing)}. Nothing was saved."
    run = data["run"]
    if not isinstance(run, str) or not run.strip() or len(run) > MAX_RUN_ID_LENGTH:
        return BAD_RUN_ID
    for name in ("segments", "pain_points"):
        items = data.get(name, [])
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            return BAD_LIST.format(name=name)
    if not data["segments"]:
        return NOTHING_TRACKED
    return ""


def body_too_big(request: AuthenticatedHttpRequest) -> bool:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    return declared > MAX_BODY_BYTES


@require_GET
def tracker(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    # A rep without a team still gets the product's default band.
    team = conversation.rep.team or Team()
    low, high = team.listening_band
    replaces = conversation.figures_source in MEASURED_SOURCES
    return render(
        request,
        "conversations/tracker.html",
        {
            "conversation": conversation,
            "target_low": low,
            "target_high": high,
            "max_seconds": services.MAX_CONVERSATION_SECONDS,
            "note_limit": services.PAIN_NOTE_LIMIT,
            "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
            "replaces": replaces,
        },
    )


@require_POST
def tracker_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    if body_too_big(request):
        return error_response(TOO_BIG, status=413)
    try:
        body = request.body
    except RequestDataTooBig:
        return error_response(TOO_BIG, status=413)
    if len(body) > MAX_BODY_BYTES:
        return error_response(TOO_BIG, status=413)
    try:
        data = read_json(body)
    except NotJson:
        return error_response(NOT_JSON)
    except UnreadableJson as error:
        return error_response(f"The run cannot be saved: {error} Nothing was saved.")
    problem = shape_problem(data)
    if problem:
        return error_response(problem)
    try:
        services.tracking_save(
            conversation=conversation,
            run=data["run"],
            segments=data["segments"],
            pain_points=data.get("pain_points", []),
        )
    except ValidationError as error:
        return error_response(" ".join(error.messages))
    return JsonResponse({"saved": True, "url": conversation.get_absolute_url()})
