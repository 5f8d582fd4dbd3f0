"""The log page: what they told you, then what you proposed, then how it ended.

Pain points and proposals are small forms of their own, added and edited in
place with htmx and working as plain forms without JavaScript. The rest of the
conversation is one form that autosaves as a draft.

Every edit form carries the version it was shown with (salesheart/edits.py):
a save made from an older version than the stored one is refused and shown
beside what is stored now. The autosaved draft is a column of its own and
moves no version, so it never makes the rep's own form look out of date.

Size: the log page's views (the log and its autosave, and adding, editing and
removing pain points and proposals) share its context and its partial answers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from conversations import services
from conversations.access import (
    deleted_conversation_for_user,
    get_conversation_for_user,
    get_pain_point,
    get_product_talk,
)
from conversations.forms import (
    LogForm,
    PainPointEditForm,
    PainPointForm,
    ProductTalkEditForm,
    ProductTalkForm,
)
from conversations.models import FIGURE_FIELDS, TEXT_LIMIT, Conversation, PainPoint, ProductTalk
from salesheart.edits import (
    EditConflict,
    EditTargetGone,
    gone_notice,
    gone_page,
    save_edit_or_answer_conflict,
)
from salesheart.http import AuthenticatedHttpRequest
from salesheart.idempotency import create_once
from salesheart.pending import kept_post, posted_or_kept

LOG_TEMPLATE = "conversations/log.html"
DRAFT_FIELDS = [*LogForm.Meta.fields, "estimate_unit"]
DRAFT_VALUE_LIMIT = 10 * TEXT_LIMIT
# What saving the log writes: the form, the figures made from its split, the draft emptied.
LOG_SAVED_FIELDS = [*LogForm.Meta.fields, *FIGURE_FIELDS, "draft_data"]
# The forms on the log page, whose input kept over an expired session comes back on it.
LOG_FORMS = (
    "conversations:log",
    "conversations:autosave",
    "conversations:pain_point_add",
    "conversations:proposal_add",
)


def log_url(conversation: Conversation, anchor: str = "") -> str:
    url = reverse("conversations:log", args=[conversation.pk])
    return f"{url}#{anchor}" if anchor else url


def log_context(
    conversation: Conversation,
    *,
    log_form: LogForm | None = None,
    pain_form: PainPointForm | None = None,
    proposal_form: ProductTalkForm | None = None,
    error: str = "",
    **extra: Any,
) -> dict[str, Any]:
    if extra.get("fresh_pain_form"):
        # After an htmx add, the rep goes straight on to the next pain point.
        pain_form = PainPointForm()
        pain_form.fields["description"].widget.attrs["autofocus"] = True
    if extra.get("fresh_proposal_form"):
        # Likewise after a proposal: the focus stays where the work goes on.
        proposal_form = ProductTalkForm(conversation=conversation)
        proposal_form.fields["proposal"].widget.attrs["autofocus"] = True
    pain_points = list(conversation.pain_points.all())
    product_talks = list(conversation.product_talks.prefetch_related("answers"))
    return {
        "conversation": conversation,
        # When the server last accepted each add form; older copies kept in the
        # browser are stale, newer ones were never received.
        "pain_saved_at": max([p.created_at for p in pain_points], default=conversation.created_at),
        "proposal_saved_at": max(
            [t.created_at for t in product_talks], default=conversation.created_at
        ),
        "pain_points": pain_points,
        "product_talks": product_talks,
        "locked": not pain_points,
        "log_form": log_form or LogForm(instance=conversation),
        "pain_form": pain_form or PainPointForm(),
        "proposal_form": proposal_form or ProductTalkForm(conversation=conversation),
        "error": error,
        **extra,
    }


def sections_response(
    request: AuthenticatedHttpRequest, conversation: Conversation, **forms: Any
) -> HttpResponse:
    """Pain points swapped in place, with the proposals section re-drawn out of band
    (it unlocks with the first pain point and lists them as answers)."""
    context = log_context(conversation, **forms)
    html = render_to_string(f"{LOG_TEMPLATE}#pain_points", context, request)
    html += render_to_string(f"{LOG_TEMPLATE}#proposals", {**context, "oob": True}, request)
    return HttpResponse(html)


def proposals_response(
    request: AuthenticatedHttpRequest, conversation: Conversation, **forms: Any
) -> HttpResponse:
    return render(request, f"{LOG_TEMPLATE}#proposals", log_context(conversation, **forms))


def full_page(
    request: AuthenticatedHttpRequest, conversation: Conversation, status: int = 200, **forms: Any
) -> HttpResponse:
    return render(request, LOG_TEMPLATE, log_context(conversation, **forms), status=status)


def draft_from(data: QueryDict) -> dict[str, str]:
    # Drafts keep what was typed before any validation; PostgreSQL cannot store a NUL.
    return {
        name: data.get(name, "").replace("\x00", "")[:DRAFT_VALUE_LIMIT]
        for name in DRAFT_FIELDS
        if name in data
    }


def saved_moment(value: object) -> datetime | None:
    """When a draft was autosaved, for the page to say; a damaged stamp is left unsaid."""
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def save_draft(conversation: Conversation, data: QueryDict) -> None:
    services.conversation_draft_save(conversation=conversation, draft=draft_from(data))


@require_http_methods(["GET", "POST"])
def conversation_log(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        conversation = get_conversation_for_user(request.user, pk, write=True)
    except Http404:
        if request.method == "POST" and (gone := deleted_conversation_for_user(request.user, pk)):
            return log_gone(request, gone)
        raise
    if request.method == "POST":
        return save_log(request, conversation)

    forms: dict[str, Any] = {}
    item_edits = ("conversations:pain_point_edit", "conversations:proposal_edit")
    if kept := kept_post(request, *item_edits, take=False, pk=conversation.pk):
        # An item edit kept over an expired session (sign-in comes back to this page
        # after an htmx post): its own page brings it back, with its version.
        return redirect(kept.url)
    kept = kept_post(request, *LOG_FORMS, pk=conversation.pk)
    if kept and kept.url_name == "conversations:pain_point_add":
        forms["pain_form"] = PainPointForm(kept.data)
    elif kept and kept.url_name == "conversations:proposal_add":
        forms["proposal_form"] = ProductTalkForm(kept.data, conversation=conversation)
    elif kept:
        forms["log_form"] = LogForm(kept.data, instance=conversation)
    restored_at = None
    if "log_form" not in forms and conversation.draft_data:
        draft = dict(conversation.draft_data)
        restored_at = saved_moment(draft.pop("_saved_at", None))
        forms["log_form"] = LogForm(instance=conversation, initial=draft)
    return render(
        request,
        LOG_TEMPLATE,
        log_context(conversation, restored_at=restored_at, **forms),
    )


def save_log(request: AuthenticatedHttpRequest, conversation: Conversation) -> HttpResponse:
    finishing = request.POST.get("action") == "finish" or not conversation.is_draft
    form = LogForm(request.POST, instance=conversation, finishing=finishing)
    if not form.is_valid():
        save_draft(conversation, request.POST)
        # The failed form has written its values onto its instance; the page
        # shows what is saved, read afresh, beside the form as it was typed.
        saved = Conversation.objects.select_related("customer", "rep__team").get(pk=conversation.pk)
        return full_page(request, saved, log_form=form)

    was_draft = conversation.is_draft
    try:
        with transaction.atomic():
            conversation = form.save(commit=False)
            conversation.draft_data = {}
            conversation.refresh_estimated_figures()
            conversation.save_edit(
                fields=LOG_SAVED_FIELDS, seen_version=form.seen_version, by=request.user
            )
            if finishing and was_draft:
                services.conversation_finish(conversation=conversation)
    except ValidationError as error:
        # Finishing without a pain point (none yet, or the last one removed in another
        # tab): the service refuses under the conversation's lock, and nothing is saved.
        form.add_error(None, error)
        save_draft(conversation, request.POST)
        saved = Conversation.objects.select_related("customer", "rep__team").get(pk=conversation.pk)
        return full_page(request, saved, log_form=form)
    except EditConflict as conflict:
        # Kept as the draft too, so what was typed also survives leaving the page.
        save_draft(conversation, request.POST)
        notice = form.show_conflict(conflict, viewer=request.user)
        saved = Conversation.objects.select_related("customer", "rep__team").get(pk=conversation.pk)
        return full_page(request, saved, status=409, log_form=form, notice=notice)
    except EditTargetGone:
        gone = Conversation.objects.filter(pk=conversation.pk).first()
        if gone is None:
            raise Http404("No such conversation.") from None
        return log_gone(request, gone)
    if not finishing:
        messages.success(request, "Draft saved.")
        return redirect(log_url(conversation))
    messages.success(request, "Conversation logged." if was_draft else "Changes saved.")
    return redirect(conversation)


def log_gone(request: AuthenticatedHttpRequest, conversation: Conversation) -> HttpResponse:
    """A log saved after the conversation was deleted (in another tab): say so, keep the text."""
    save_draft(conversation, request.POST)
    form = LogForm(request.POST, instance=conversation)
    return gone_page(
        request,
        gone_notice("This conversation", form),
        back_url=reverse("conversations:list"),
        back_label="Back to your conversations",
        restore_url=reverse("conversations:restore", args=[conversation.pk]),
    )


def item_form_response(
    request: AuthenticatedHttpRequest,
    context: dict[str, Any],
    item_selector: str,
    status: int = 200,
) -> HttpResponse:
    """The edit form of one item: in place with htmx, as its own page without.

    A refused save (409: someone saved first; 404: the item is gone) says so on
    the page; in place it answers 200, because htmx only swaps in successful answers."""
    if not request.htmx:
        return render(request, "conversations/item_edit.html", context, status=status)
    response = render(request, "conversations/item_edit.html#item_form", context)
    if request.method == "POST":
        # The form aims a success at its whole section; a failed save stays in place.
        response = reswap(retarget(response, item_selector), "outerHTML")
    return response


def confirm_removal(
    request: AuthenticatedHttpRequest,
    conversation: Conversation,
    item: Any,
    kind: str,
    refused: str = "",
) -> HttpResponse:
    """Without JavaScript a removal asks first on a page of its own."""
    context = {"conversation": conversation, "item": item, "kind": kind, "refused": refused}
    return render(request, "conversations/item_delete.html", context)


@require_POST
def conversation_autosave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    if request.POST.get("action") == "discard":
        services.conversation_draft_discard(conversation=conversation)
        messages.info(request, "Unsaved changes discarded.")
        return redirect(log_url(conversation))
    save_draft(conversation, request.POST)
    saved_at = timezone.localtime()
    return JsonResponse({"saved": True, "saved_at": saved_at.strftime("%H:%M:%S")})


@require_POST
def pain_point_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    form = PainPointForm(request.POST)
    if answer := create_once(
        request,
        form,
        create=lambda: services.pain_point_add(conversation=conversation, **form.cleaned_data),
        url=lambda _: log_url(conversation, "pain-points"),
        success="Pain point added.",
        # A repeat is answered as the first post was: the section again, with a fresh form.
        in_place=lambda: sections_response(request, conversation, fresh_pain_form=True),
    ):
        return answer
    if request.htmx:
        return sections_response(request, conversation, pain_form=form)
    return full_page(request, conversation, pain_form=form)


def item_gone(
    request: AuthenticatedHttpRequest,
    conversation: Conversation,
    item: PainPoint | ProductTalk,
    form: PainPointEditForm | ProductTalkEditForm,
) -> HttpResponse:
    """An item saved after it was removed (in another tab), or that was never in this
    conversation: not found, and what was typed is shown rather than lost."""
    kind = "pain" if isinstance(item, PainPoint) else "proposal"
    what = "This pain point" if kind == "pain" else "This proposal"
    context = {
        "conversation": conversation,
        "item": item,
        "form": form,
        "kind": kind,
        "gone": True,
        "notice": gone_notice(what, form),
    }
    return item_form_response(request, context, f"#{kind}-{item.pk}", status=404)


@require_http_methods(["GET", "POST"])
def pain_point_edit(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    try:
        pain_point = get_pain_point(conversation, item)
    except Http404:
        if (typed := posted_or_kept(request)) is None:
            raise
        gone = PainPoint(pk=item, conversation=conversation)
        return item_gone(request, conversation, gone, PainPointEditForm(typed))
    form = PainPointEditForm(posted_or_kept(request) or None, instance=pain_point)
    if answer := save_edit_or_answer_conflict(
        request,
        form,
        to=log_url(conversation, "pain-points"),
        success="Pain point saved.",
        gone=lambda: item_gone(request, conversation, pain_point, form),
        in_place=lambda: sections_response(request, conversation),
    ):
        return answer
    pain_point = form.stored or pain_point
    context = {
        "conversation": conversation,
        "item": pain_point,
        "form": form,
        "kind": "pain",
        "notice": form.notice,
    }
    status = 409 if form.notice else 200
    return item_form_response(request, context, f"#pain-{pain_point.pk}", status)


@require_http_methods(["GET", "POST"])
def pain_point_delete(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    pain_point = get_pain_point(conversation, item)
    if request.method == "GET":
        # Said before the rep confirms; the post checks again under the lock.
        refused = services.pain_point_removal_refused(pain_point, conversation)
        return confirm_removal(request, conversation, pain_point, "pain", refused=refused)
    try:
        services.pain_point_delete(pain_point=pain_point)
    except ValidationError as error:
        if request.htmx:
            return sections_response(request, conversation, error=error.messages[0])
        messages.error(request, error.messages[0])
        return redirect(log_url(conversation, "pain-points"))
    if request.htmx:
        return sections_response(request, conversation)
    messages.success(request, "Pain point removed.")
    return redirect(log_url(conversation, "pain-points"))


@require_POST
def proposal_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    form = ProductTalkForm(request.POST, conversation=conversation)
    # Before any pain point the page keeps this form locked; a post that gets here
    # anyway is refused by the service, with the reason (the pain-first rule).
    if answer := create_once(
        request,
        form,
        create=lambda: services.product_talk_add(
            conversation=conversation,
            proposal=form.cleaned_data["proposal"],
            answers=form.cleaned_data["answers"],
        ),
        url=lambda _: log_url(conversation, "proposals"),
        success="Proposal added.",
        in_place=lambda: proposals_response(request, conversation, fresh_proposal_form=True),
    ):
        return answer
    if request.htmx:
        return proposals_response(request, conversation, proposal_form=form)
    return full_page(request, conversation, proposal_form=form)


@require_http_methods(["GET", "POST"])
def proposal_edit(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    try:
        product_talk = get_product_talk(conversation, item)
    except Http404:
        if (typed := posted_or_kept(request)) is None:
            raise
        gone = ProductTalk(pk=item, conversation=conversation)
        form = ProductTalkEditForm(typed, conversation=conversation)
        return item_gone(request, conversation, gone, form)
    form = ProductTalkEditForm(
        posted_or_kept(request) or None, instance=product_talk, conversation=conversation
    )
    if answer := save_edit_or_answer_conflict(
        request,
        form,
        save=lambda: services.product_talk_update(
            product_talk=product_talk,
            proposal=form.cleaned_data["proposal"],
            answers=form.cleaned_data["answers"],
            seen_version=form.seen_version,
            by=request.user,
        ),
        to=log_url(conversation, "proposals"),
        success="Proposal saved.",
        gone=lambda: item_gone(request, conversation, product_talk, form),
        in_place=lambda: proposals_response(request, conversation),
    ):
        return answer
    product_talk = form.stored or product_talk
    context = {
        "conversation": conversation,
        "item": product_talk,
        "form": form,
        "kind": "proposal",
        "notice": form.notice,
    }
    status = 409 if form.notice else 200
    return item_form_response(request, context, f"#proposal-{product_talk.pk}", status)


@require_http_methods(["GET", "POST"])
def proposal_delete(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    product_talk = get_product_talk(conversation, item)
    if request.method == "GET":
        return confirm_removal(request, conversation, product_talk, "proposal")
    try:
        services.product_talk_delete(product_talk=product_talk)
    except ValidationError as error:
        if request.htmx:
            return proposals_response(request, conversation, proposal_error=error.messages[0])
        messages.error(request, error.messages[0])
        return redirect(log_url(conversation, "proposals"))
    if request.htmx:
        return proposals_response(request, conversation)
    messages.success(request, "Proposal removed.")
    return redirect(log_url(conversation, "proposals"))
