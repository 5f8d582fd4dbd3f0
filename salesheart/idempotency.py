"""A create form sent twice makes one object.

Every create form carries a hidden single-use token (`{% submission_token form %}`).
The view saves the object and claims the token in the same transaction, and a claim
is unique per person, so a second post with that token (a double click, a browser
retry after a lost response, the back button and "send again", two identical posts
at once) creates nothing: it is answered with where the first one led.

- A post without a token (a page opened before this existed) is saved as before:
  losing what someone typed would be worse than a rare duplicate.
- A form that fails validation claims nothing, and comes back carrying the same
  token, so the corrected form is still the same submission.
- Claims are kept for KEEP_FOR, far longer than any retry or trip back through the
  history; each new claim deletes the person's older ones, so the table stays small
  with no job to schedule (a person who stops posting leaves a day's worth behind).
- Someone else's token means nothing to you: claims are looked up per person.

A view says all of this in one call, `create_once`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from salesheart.models import SubmissionToken, User

if TYPE_CHECKING:
    from salesheart.http import AuthenticatedHttpRequest

FIELD_NAME = "submission_token"
KEEP_FOR = timedelta(days=1)
ALREADY_SAVED = "That form reached us twice; it is saved once, and here it is."
# What new_token() makes, with room to spare; anything else is treated as no token.
WELL_FORMED = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Tokens this request has claimed or found claimed: a form re-rendered in the same
# response must not carry one of them, or its next post would be taken for a repeat.
_SPENT = "_salesheart_spent_submission_tokens"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def posted_token(request: HttpRequest) -> str:
    """The token this post carries, or "" when it carries none we could have made."""
    token = request.POST.get(FIELD_NAME, "")
    return token if WELL_FORMED.fullmatch(token) else ""


def _spend(request: HttpRequest, token: str) -> None:
    spent: set[str] = getattr(request, _SPENT, set())
    spent.add(token)
    setattr(request, _SPENT, spent)


def token_for_form(request: HttpRequest | None, form: Any = None) -> str:
    """The token a form is rendered with: the one it was posted with while still
    unsaved (a form sent back with its errors), else a new one."""
    token = ""
    if form is not None and getattr(form, "is_bound", False):
        token = str(form.data.get(FIELD_NAME, ""))
    if WELL_FORMED.fullmatch(token) and token not in getattr(request, _SPENT, ()):
        return token
    return new_token()


def earlier_submission(request: AuthenticatedHttpRequest) -> str | None:
    """Where the first post of this form led, when its token was claimed before."""
    token = posted_token(request)
    if not token:
        return None
    url = (
        SubmissionToken.objects.filter(user=request.user, token=token)
        .values_list("outcome_url", flat=True)
        .first()
    )
    if url is not None:
        _spend(request, token)
    return url


@dataclass(frozen=True)
class Submitted[T]:
    """What a create post came to: the object it made, or, when a twin post with the
    same token made it first, nothing (repeated) and where the twin led."""

    created: T | None
    url: str
    repeated: bool = False


def submit_once[T](
    request: AuthenticatedHttpRequest,
    create: Callable[[], T],
    *,
    url: Callable[[T], str],
) -> Submitted[T]:
    """create() and the claim of this post's token, in one transaction.

    A twin post running at the same moment waits on the claim's unique index until
    this one commits (PostgreSQL), or waits for the whole transaction (SQLite's
    immediate transactions); then it finds the claim and creates nothing. An error
    raised by create() rolls the claim back with everything else: nothing was saved,
    so the same token may try again.
    """
    token = posted_token(request)
    with transaction.atomic():
        claim = None
        if token:
            try:
                with transaction.atomic():
                    claim = SubmissionToken.objects.create(user=request.user, token=token)
            except IntegrityError:
                _spend(request, token)
                first = SubmissionToken.objects.get(user=request.user, token=token)
                return Submitted(None, first.outcome_url, repeated=True)
        created = create()
        outcome = url(created)
        if claim is not None:
            _spend(request, token)
            claim.outcome_url = outcome
            claim.save(update_fields=["outcome_url"])
            prune_claims(request.user, before=claim.claimed_at - KEEP_FOR)
    return Submitted(created, outcome)


def prune_claims(user: User, *, before: datetime) -> None:
    SubmissionToken.objects.filter(user=user, claimed_at__lt=before).delete()


def answer_repeat(request: HttpRequest, url: str) -> HttpResponse:
    """A full page's answer to a repeated post: where the first one led, and why."""
    messages.info(request, ALREADY_SAVED)
    return redirect(url)


def create_once[T](
    request: AuthenticatedHttpRequest,
    form: forms.BaseForm,
    *,
    create: Callable[[], T],
    url: Callable[[T], str],
    success: str | Callable[[T], str] = "",
    then: Callable[[T], HttpResponse] | None = None,
    in_place: Callable[[], HttpResponse] | None = None,
    check: Callable[[], None] | None = None,
) -> HttpResponse | None:
    """The answer to a create form's post, the object made once however often it is
    sent; None when there is nothing to answer yet (not a post, or the form has errors:
    the view shows it again, with the same token).

    - A repeat is answered before the form is checked again: the twin may have
      changed what the form would now say (a file imported, an assignment given).
    - `check()` runs after the form is valid and before anything is claimed, outside
      the transaction (slow checks, such as reading an upload, hold no lock).
    - A ValidationError from `check()` or `create()` goes on the form; nothing is saved
      and the token stays unclaimed.
    - Saved: `success` is said (a text, or made from what was created) and the answer
      is `then(created)`, by default a redirect to `url(created)`.
    - `in_place` answers an htmx post, saved or repeated alike: the page swaps in the
      section again, as it did for the first post. Without htmx a repeat goes where
      the first post led, saying why.
    """
    if request.method != "POST":
        return None
    htmx_answer = in_place if in_place is not None and getattr(request, "htmx", False) else None
    if first := earlier_submission(request):
        return htmx_answer() if htmx_answer else answer_repeat(request, first)
    if not form.is_valid():
        return None
    try:
        if check is not None:
            check()
        saved = submit_once(request, create, url=url)
    except ValidationError as error:
        form.add_error(None, error)
        return None
    if htmx_answer:
        return htmx_answer()
    if saved.repeated:
        return answer_repeat(request, saved.url)
    created = cast(T, saved.created)
    if text := success(created) if callable(success) else success:
        messages.success(request, text)
    return then(created) if then is not None else redirect(saved.url)
