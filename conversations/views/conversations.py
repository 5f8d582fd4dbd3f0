from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, Max, OuterRef
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conversations import fragments, services
from conversations.access import (
    can_coach,
    get_conversation_for_user,
    get_deleted_conversation_for_user,
    own_customer,
)
from conversations.bands import bands_for
from conversations.forms import CoachingNoteForm, ConversationFilterForm, StartForm
from conversations.models import CoachingNote, Conversation, Transcript
from conversations.readouts import conversation_readouts
from conversations.timeline import build_timeline, length_mismatch
from conversations.voice import Voice
from salesheart.http import AuthenticatedHttpRequest, role_required
from salesheart.idempotency import create_once
from salesheart.pending import posted_or_kept
from salesheart.untrusted import query_id

PAGE_SIZE = 20


@require_GET
@role_required("rep")
def conversation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    mine = Conversation.objects.visible_to(request.user).filter(rep=request.user)
    filters = ConversationFilterForm(request.GET or None, rep=request.user)
    # Coaching notes the rep has not opened yet, flagged on their row in the same query.
    mine = mine.annotate(
        has_new_note=Exists(
            CoachingNote.objects.filter(conversation=OuterRef("pk"), seen_at__isnull=True)
        )
    )

    def results() -> dict[str, Any]:
        logged = filters.apply(mine.logged().select_related("customer"))
        query_without_page = request.GET.copy()
        query_without_page.pop("page", None)
        return {
            "filters": filters,
            "page": Paginator(logged, PAGE_SIZE).get_page(request.GET.get("page")),
            "query_string": query_without_page.urlencode(),
        }

    # The filters and results are kept until the rep's stamp changes (conversations/fragments.py).
    shown = fragments.rendered(
        request,
        "conversations/list.html",
        ["filters", "results"],
        fragments.rep_key(request, request.user, "list"),
        results,
    )
    if request.htmx and request.htmx.target == "results":
        return HttpResponse(shown["results"])
    context = {
        "filters": filters,
        "fragments": shown,
        "drafts": mine.drafts().select_related("customer").order_by("occurred_at"),
        "now": timezone.now(),
    }
    return render(request, "conversations/list.html", context)


@require_http_methods(["GET", "POST"])
@role_required("rep")
def conversation_start(request: AuthenticatedHttpRequest, planning: bool = False) -> HttpResponse:
    initial = {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}
    if (customer_id := query_id(request, "customer")) is not None:
        initial["customer"] = own_customer(request.user, customer_id)
    form = StartForm(posted_or_kept(request), rep=request.user, planning=planning, initial=initial)
    if answer := create_once(
        request,
        form,
        # The form's fields are the service's arguments, a new customer's included.
        create=lambda: services.conversation_start_with_customer(
            rep=request.user, **form.cleaned_data
        ),
        url=lambda conversation: next_after_start(conversation, planning=planning),
        success="Plan saved. Open it from your drafts when you log it." if planning else "",
    ):
        return answer
    return render(
        request,
        "conversations/start.html",
        {
            "form": form,
            "planning": planning,
            "last_write": request.user.conversations.aggregate(at=Max("created_at"))["at"],
        },
    )


def next_after_start(conversation: Conversation, *, planning: bool) -> str:
    """A plan waits among the drafts; a log goes on to what the customer told you."""
    if planning:
        return reverse("conversations:list")
    return reverse("conversations:log", args=[conversation.pk])


@require_GET
def conversation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return detail_page(request, get_conversation_for_user(request.user, pk))


def detail_page(
    request: AuthenticatedHttpRequest,
    conversation: Conversation,
    note_form: CoachingNoteForm | None = None,
) -> HttpResponse:
    pain_points = list(conversation.pain_points.prefetch_related("answered_by"))
    product_talks = conversation.product_talks.prefetch_related("answers")
    segments = list(conversation.segments.all())
    notes = list(conversation.coaching_notes.select_related("author"))
    team = conversation.rep.team
    timeline = build_timeline(conversation, segments, pain_points, notes)
    transcript = (
        Transcript.objects.filter(conversation=conversation).defer("raw_text", "parsed").first()
    )
    call_bands = bands_for(team)[conversation.call_type]
    new_note_ids = set()
    if conversation.rep_id == request.user.pk:
        # The rep has read them now: marked once, so the list stops flagging them.
        new_note_ids = {note.pk for note in notes if note.seen_at is None}
        if new_note_ids:
            services.coaching_notes_seen(conversation=conversation, note_ids=new_note_ids)
    return render(
        request,
        "conversations/detail.html",
        {
            "conversation": conversation,
            "pain_points": pain_points,
            "product_talks": product_talks,
            "can_edit": conversation.rep_id == request.user.pk,
            "voice": Voice.of(conversation.rep, request.user),
            "team": team,
            "timeline": timeline,
            "length_mismatch": length_mismatch(conversation, timeline),
            "call_bands": call_bands,
            "can_manage_bands": team is not None and team.pk in request.user.managed_team_ids,
            "readouts": conversation_readouts(
                conversation, call_bands, timeline=timeline, transcript=transcript
            ),
            "notes": notes,
            "new_note_ids": new_note_ids,
            "notes_saved_at": max((n.created_at for n in notes), default=conversation.created_at),
            "note_form": note_form
            or CoachingNoteForm(length=segments[-1].end if segments else None),
            "can_coach": can_coach(request.user, conversation),
            "transcript": transcript,
            "nav": "conversations" if conversation.rep_id == request.user.pk else "team",
        },
    )


@require_POST
def coaching_note_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk)
    if not can_coach(request.user, conversation):
        raise PermissionDenied("Only the rep's managers and trainers leave coaching notes.")
    notes_url = f"{conversation.get_absolute_url()}#notes"
    last = conversation.segments.order_by("-end").values_list("end", flat=True).first()
    form = CoachingNoteForm(request.POST, length=last)
    form.instance.conversation = conversation
    form.instance.author = request.user
    if answer := create_once(
        request,
        form,
        create=form.save,
        url=lambda _: notes_url,
        success=lambda _: f"Note saved; {conversation.rep} will see it.",
    ):
        return answer
    return detail_page(request, conversation, note_form=form)


# Where a finish from a measuring page goes back to; anything else goes to the conversation.
FINISH_RETURNS = {"timeline": "conversations:transcript_timeline"}


@require_POST
def conversation_finish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Finish: log it" right where a measured draft is read (conversation, transcript lines),
    so it counts on the dashboard without a detour through the whole log form."""
    conversation = get_conversation_for_user(request.user, pk, write=True)
    back = FINISH_RETURNS.get(request.POST.get("back", ""))
    back_url = reverse(back, args=[conversation.pk]) if back else conversation.get_absolute_url()
    if not conversation.is_draft:
        return redirect(back_url)
    if conversation.draft_data:
        # Finishing here would drop what was typed on the log page: finish it there.
        messages.info(request, "You have unsaved changes in the log: check them and finish here.")
        return redirect("conversations:log", conversation.pk)
    missing = conversation.missing_to_log()
    if missing:
        messages.error(request, "Not logged yet. Still missing: " + "; ".join(missing) + ".")
        return redirect("conversations:log", conversation.pk)
    services.conversation_finish(conversation=conversation)
    messages.success(request, "Conversation logged: it counts on your dashboard now.")
    return redirect(back_url)


@require_http_methods(["GET", "POST"])
def conversation_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk, write=True)
    if request.method == "POST":
        services.conversation_delete(conversation=conversation)
        what = "Draft discarded" if conversation.is_draft else "Conversation deleted"
        return render(
            request,
            "conversations/deleted.html",
            {"conversation": conversation, "what": what},
        )
    return render(
        request,
        "conversations/confirm_delete.html",
        {"conversation": conversation},
    )


@require_POST
def conversation_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_deleted_conversation_for_user(request.user, pk)
    services.conversation_restore(conversation=conversation)
    messages.success(request, "Restored.")
    return redirect(conversation)
