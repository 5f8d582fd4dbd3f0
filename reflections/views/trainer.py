"""The trainer's pages: the training dashboard, the exercise library, assigning, reviewing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from reflections import services
from reflections.access import get_assignment_for_user, get_exercise_for_trainer
from reflections.forms import (
    AssignForm,
    AssignmentFilterForm,
    ExerciseEditForm,
    ExerciseForm,
    ReviewForm,
)
from reflections.models import Assignment, Exercise, Review, State
from reflections.selectors import completion, state_counts
from reflections.views.common import PAGE_SIZE
from reflections.views.rep import assignment_context
from salesheart.edits import (
    EditConflict,
    EditNotice,
    gone_notice,
    gone_page,
    save_edit_or_answer_conflict,
)
from salesheart.http import AuthenticatedHttpRequest, role_required
from salesheart.idempotency import create_once
from salesheart.pending import posted_or_kept
from salesheart.untrusted import query_id

WAITING_LIMIT = 20


@require_GET
@role_required("trainer")
def training_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    given = Assignment.objects.filter(assigned_by=request.user)
    filters = AssignmentFilterForm(request.GET or None)
    listed = filters.apply(given).with_everything().overdue_first(today)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = (
        given.filter(reflection__state=State.SUBMITTED)
        .with_everything()
        .order_by("reflection__submitted_at", "pk")
    )
    context = {
        "counts": state_counts(given, today),
        "waiting": waiting[:WAITING_LIMIT],
        "waiting_count": waiting.count(),
        "filters": filters,
        "page": page,
        "by_team": completion(given, by="team", today=today),
        "by_exercise": completion(given, by="exercise", today=today),
        "today": today,
    }
    if request.htmx and request.htmx.target == "assignments":
        # The list lives in a partial shared with the other dashboard.
        return render(request, "reflections/partials/assignment_list.html#assignments", context)
    return render(request, "reflections/training_dashboard.html", context)


# The exercise library -----------------------------------------------------------


@require_GET
@role_required("trainer")
def exercise_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    exercises = Exercise.objects.annotate(assigned=Count("assignments")).order_by("title", "pk")
    return render(
        request,
        "reflections/exercise_list.html",
        {
            "active": [exercise for exercise in exercises if not exercise.is_archived],
            "archived": [exercise for exercise in exercises if exercise.is_archived],
        },
    )


def exercise_form_page(
    request: AuthenticatedHttpRequest,
    form: ExerciseForm,
    exercise: Exercise | None,
    notice: EditNotice | None = None,
) -> HttpResponse:
    last_write = (
        exercise.updated_at
        if exercise
        else Exercise.objects.filter(created_by=request.user).aggregate(at=Max("created_at"))["at"]
    )
    return render(
        request,
        "reflections/exercise_form.html",
        {
            "form": form,
            "exercise": exercise,
            "assigned": exercise.assignments.count() if exercise else 0,
            "last_write": last_write,
            "notice": notice,
        },
        status=409 if notice else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required("trainer")
def exercise_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = posted_or_kept(request)
    form = ExerciseForm(data)
    form.instance.created_by = request.user
    if answer := create_once(
        request,
        form,
        create=form.save,
        url=lambda _: reverse("reflections:exercise_list"),
        success=lambda exercise: f"“{exercise.title}” is in the library.",
    ):
        return answer
    return exercise_form_page(request, form, None)


@require_http_methods(["GET", "POST"])
@role_required("trainer")
def exercise_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    exercise = get_exercise_for_trainer(request.user, pk)
    data = posted_or_kept(request)
    form = ExerciseEditForm(data, instance=exercise)
    if answer := save_edit_or_answer_conflict(
        request,
        form,
        to="reflections:exercise_list",
        success=lambda: f"“{exercise.title}” saved.",
        gone=lambda: gone_page(
            request,
            gone_notice("This exercise", form),
            back_url=reverse("reflections:exercise_list"),
            back_label="Back to the library",
        ),
    ):
        return answer
    if form.notice:
        return exercise_form_page(request, form, form.stored, form.notice)
    # A failed form has written its values onto the instance; show the saved title.
    saved = Exercise.objects.get(pk=exercise.pk)
    return exercise_form_page(request, form, saved)


@require_http_methods(["GET", "POST"])
@role_required("trainer")
def exercise_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    exercise = get_exercise_for_trainer(request.user, pk)
    if request.method == "GET":
        # Reached after signing in again from a post: the button lives on the edit page.
        return redirect(exercise)
    if request.POST.get("action") == "restore":
        exercise.restore()
        messages.success(request, f"“{exercise.title}” is back in the library.")
    else:
        exercise.archive()
        messages.success(
            request,
            f"“{exercise.title}” is archived: it can no longer be assigned; "
            "the assignments already given keep working.",
        )
    return redirect("reflections:exercise_list")


# Assigning ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required("trainer")
def assign(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = {}
    if (exercise_id := query_id(request, "exercise")) is not None:
        initial["exercise"] = Exercise.objects.active().filter(pk=exercise_id).first()
    data = posted_or_kept(request)
    form = AssignForm(data, initial=initial)
    # Assigning twice makes nothing new anyway (one assignment per rep, exercise and
    # day), but the second answer would say "0 created"; the first one's stands.
    if answer := create_once(
        request,
        form,
        create=lambda: services.exercise_assign(
            exercise=form.cleaned_data["exercise"],
            trainer=request.user,
            reps=form.cleaned_data["reps"],
            teams=form.cleaned_data["teams"],
            due_on=form.cleaned_data["due_on"],
            note=form.cleaned_data["note"],
        ),
        url=lambda _: reverse("reflections:training_dashboard"),
        then=lambda result: assigned(request, form.cleaned_data["exercise"], result),
    ):
        return answer
    last_write = Assignment.objects.filter(assigned_by=request.user).aggregate(
        at=Max("created_at")
    )["at"]
    return render(
        request,
        "reflections/assign.html",
        {"form": form, "last_write": last_write},
    )


def assigned(
    request: AuthenticatedHttpRequest, exercise: Exercise, result: services.AssignResult
) -> HttpResponse:
    """Where assigning leads, saying how many were given (a warning when none were new)."""
    level = messages.SUCCESS if result.created else messages.WARNING
    messages.add_message(request, level, f"{exercise}: {result.summary}")
    return redirect("reflections:training_dashboard")


# Reviewing ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_user(request.user, pk, write="trainer")
    reflection = assignment.reflection
    data = posted_or_kept(request)
    form = ReviewForm(data, initial={"version": reflection.version})
    notice = None
    if request.method == "POST" and form.is_valid():
        try:
            done = services.reflection_review(
                reflection=reflection,
                reviewer=request.user,
                feedback=form.cleaned_data["feedback"],
                decision=form.cleaned_data["decision"],
                seen_version=form.seen_version,
            )
        except ValidationError as error:
            form.add_error(None, error)
            reflection.refresh_from_db()
        except EditConflict as conflict:
            reflection.refresh_from_db()
            notice = form.show_conflict(
                conflict,
                viewer=request.user,
                shown=[],
                doing="reviewing",
                advice="The reflection on this page is the one saved now; your feedback is "
                "still in the form — read it again, then send your feedback.",
            )
        else:
            if done.decision == Review.Decision.RETURNED:
                text = f"Returned to {assignment.rep} with your feedback for another pass."
            else:
                text = f"Marked reviewed; {assignment.rep} will see your feedback."
            messages.success(request, text)
            return redirect("reflections:training_dashboard")
    return render(
        request,
        "reflections/review.html",
        {
            **assignment_context(request, assignment),
            "form": form,
            "notice": notice,
        },
        status=409 if notice else 200,
    )
