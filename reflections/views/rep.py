"""The rep's pages: what is due, writing and submitting a reflection, practising a scenario.

The assignment page is also where the trainer who gave it and the rep's managers
read it (read-only); writes answer 403 to them and 404 to everyone else.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from reflections import services
from reflections.access import can_open_conversation, get_assignment_for_user, persona_token
from reflections.forms import ReflectionForm
from reflections.matching import Finding, match_pain_points
from reflections.models import DONE_STATES, Assignment
from salesheart.edits import DAMAGED_VERSION, EditConflict, EditNotice
from salesheart.http import AuthenticatedHttpRequest, role_required
from salesheart.pending import kept_post

DONE_LIMIT = 30


@require_GET
@role_required("rep")
def my_assignments(request: AuthenticatedHttpRequest) -> HttpResponse:
    mine = Assignment.objects.filter(rep=request.user).select_related(
        "exercise", "assigned_by", "reflection"
    )
    done = mine.filter(reflection__state__in=DONE_STATES).order_by(
        "-reflection__submitted_at", "-pk"
    )
    return render(
        request,
        "reflections/my_assignments.html",
        {
            "todo": list(mine.open().overdue_first()),
            "done": done[:DONE_LIMIT],
            "done_count": done.count(),
        },
    )


def practice_findings(assignment: Assignment) -> list[Finding] | None:
    """Found and missed hidden pain points, once the practice has any pain point recorded."""
    conversation = assignment.practice
    if not assignment.exercise.is_scenario or conversation is None or conversation.deleted_at:
        return None
    recorded = [
        f"{description} — {impact}" if impact else description
        for description, impact in conversation.pain_points.values_list("description", "impact")
    ]
    if not recorded:
        return None
    return match_pain_points(assignment.exercise.hidden_pain_point_list, recorded)


def assignment_context(request: AuthenticatedHttpRequest, assignment: Assignment) -> dict:
    """What every page about one assignment shows: the exercise, its state, the feedback."""
    findings = practice_findings(assignment)
    return {
        "assignment": assignment,
        "exercise": assignment.exercise,
        "reflection": assignment.reflection,
        "reviews": list(assignment.reflection.reviews.select_related("author")),
        "findings": findings,
        "found_count": sum(finding.found for finding in findings or []),
        "is_rep": assignment.rep_id == request.user.pk,
        "can_open_conversation": can_open_conversation(request.user, assignment),
    }


def rep_page(
    request: AuthenticatedHttpRequest,
    assignment: Assignment,
    form: ReflectionForm | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = assignment_context(request, assignment)
    practice = assignment.practice
    if practice is not None and practice.deleted_at is not None:
        practice = None
    share_url = (
        request.build_absolute_uri(
            reverse("reflections:persona_card", args=[persona_token(assignment)])
        )
        if assignment.exercise.is_scenario
        else ""
    )
    return render(
        request,
        "reflections/assignment.html",
        {
            **context,
            "form": form or ReflectionForm(assignment=assignment),
            "practice": practice,
            "share_url": share_url,
            **extra,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def assignment_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        return save_reflection(request, get_assignment_for_user(request.user, pk, write="rep"))
    assignment = get_assignment_for_user(request.user, pk)
    if assignment.rep_id != request.user.pk:
        return render(
            request,
            "reflections/assignment_read.html",
            {
                **assignment_context(request, assignment),
                "can_review": assignment.assigned_by_id == request.user.pk,
                "nav": "training" if assignment.assigned_by_id == request.user.pk else "team",
            },
        )
    # The page's own form or its autosave; never the practice button under it.
    kept = kept_post(request, "reflections:assignment", "reflections:autosave", pk=assignment.pk)
    form = ReflectionForm(kept.data, assignment=assignment) if kept else None
    return rep_page(request, assignment, form)


def reflection_conflict(
    request: AuthenticatedHttpRequest, form: ReflectionForm, conflict: EditConflict
) -> tuple[Assignment, EditNotice]:
    """The assignment as stored now, and what the page says about the other save."""
    fresh = Assignment.objects.with_everything().get(pk=conflict.stored.assignment_id)
    about = fresh.conversation or "Not about one conversation"
    shown = [("Your reflection", fresh.reflection.text or "—"), ("About", str(about))]
    return fresh, form.show_conflict(conflict, viewer=request.user, shown=shown)


def save_reflection(request: AuthenticatedHttpRequest, assignment: Assignment) -> HttpResponse:
    reflection = assignment.reflection
    form = ReflectionForm(request.POST, assignment=assignment)
    submitting = request.POST.get("action") == "submit"
    if form.is_valid():
        # A post that never carried the text (a broken client) must not wipe the draft.
        text = form.cleaned_data["text"] if "text" in request.POST else reflection.text
        try:
            if submitting:
                services.reflection_submit(
                    reflection=reflection,
                    text=text,
                    conversation=form.cleaned_data["conversation"],
                    seen_version=form.seen_version,
                )
            else:
                services.reflection_save_draft(
                    reflection=reflection,
                    text=text,
                    conversation=form.cleaned_data["conversation"],
                    seen_version=form.seen_version,
                )
        except EditConflict as conflict:
            fresh, notice = reflection_conflict(request, form, conflict)
            return rep_page(request, fresh, form, notice=notice, status=409)
        except ValidationError as error:
            if error.code in {"already_submitted", "already_reviewed"}:
                # A second click or a second tab: what was sent first stands.
                fresh = Assignment.objects.with_everything().get(pk=assignment.pk)
                unsaved = text if text.strip() != fresh.reflection.text.strip() else ""
                messages.info(request, error.messages[0])
                if not unsaved:
                    return redirect(fresh)
                return rep_page(request, fresh, unsaved_text=unsaved)
            form.add_error("text" if error.code == "empty" else None, error)
        else:
            if submitting:
                trainer = assignment.assigned_by or "your trainer"
                messages.success(request, f"Submitted. {trainer} will read it and answer.")
            else:
                messages.success(request, "Draft saved.")
            return redirect(f"{assignment.get_absolute_url()}#reflection")
    return rep_page(request, assignment, form)


@require_http_methods(["GET", "POST"])
def reflection_autosave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_user(request.user, pk, write="rep")
    if request.method == "GET":
        return redirect(assignment)
    form = ReflectionForm(request.POST, assignment=assignment)
    form.is_valid()
    if form.version_damaged:
        return JsonResponse({"saved": False, "error": DAMAGED_VERSION}, status=409)
    try:
        reflection = services.reflection_save_draft(
            reflection=assignment.reflection,
            text=request.POST.get("text", assignment.reflection.text),
            # A forged conversation is refused at the real save; the text is kept now.
            conversation=(
                services.KEEP
                if "conversation" in form.errors
                else form.cleaned_data.get("conversation")
            ),
            seen_version=form.seen_version,
        )
    except EditConflict as conflict:
        _, notice = reflection_conflict(request, form, conflict)
        error = f"{notice.headline} Not saved here: press Save draft to see both versions."
        return JsonResponse({"saved": False, "conflict": True, "error": error}, status=409)
    except ValidationError as error:
        return JsonResponse({"saved": False, "error": error.messages[0]}, status=409)
    # The page carries the new version, so its own next save is not taken for another's.
    return JsonResponse(
        {
            "saved": True,
            "saved_at": timezone.localtime().strftime("%H:%M:%S"),
            "version": reflection.version,
        }
    )


@require_http_methods(["GET", "POST"])
def practice_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_user(request.user, pk, write="rep")
    if request.method == "GET":
        return redirect(assignment)
    try:
        conversation = services.practice_start(assignment=assignment)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(assignment)
    messages.success(
        request,
        f"Your practice conversation with {conversation.customer.name} is ready. Send your "
        "partner the persona card link, practise, then record the pain points you heard.",
    )
    return redirect(f"{assignment.get_absolute_url()}#practice")
