"""From a dashboard flag to practice: the exercises that train the flagged skill, given
in one step with the flag's reason and the conversations it stands on."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from conversations import coaching
from conversations.dashboard_forms import DashboardFilterForm
from reflections import services
from reflections.forms import PractiseForm
from reflections.models import Exercise
from salesheart.http import AuthenticatedHttpRequest
from salesheart.idempotency import answer_repeat, earlier_submission, submit_once
from salesheart.models import User


def coached_rep(request: AuthenticatedHttpRequest, rep_id: int) -> User:
    """A rep of a team the requester manages, or any rep for a trainer; else not found."""
    reps = User.objects.select_related("team").filter(is_active=True, team__isnull=False)
    if not request.user.is_trainer:
        reps = reps.filter(team__in=request.user.managed_team_ids)
    return get_object_or_404(reps, pk=rep_id)


def evidence_of(flag: coaching.Flag | None, conversations: list, limits) -> dict:
    if flag is None:
        return {}
    behind = coaching.evidence([flag], conversations, limits)[0].conversations
    return {
        "figure": flag.figure,
        "text": flag.text,
        "conversations": [{"id": c.pk, "label": coaching.conversation_label(c)} for c in behind],
    }


@require_http_methods(["GET", "POST"])
def practise(request: AuthenticatedHttpRequest, rep_id: int, skill: str) -> HttpResponse:
    if skill not in coaching.Skill.values:
        raise Http404
    rep = coached_rep(request, rep_id)
    filters = DashboardFilterForm(request.GET or None)
    found = coaching.for_rep(rep, filters)
    flag = found.flag_for(skill)
    conversations = coaching.recent_conversations(rep, filters)
    evidence = evidence_of(flag, conversations, found.limits)
    exercises = Exercise.objects.active().filter(skill=skill).order_by("title", "pk")
    form = PractiseForm(request.POST or None, exercises=exercises)
    if request.method == "POST" and (first := earlier_submission(request)):
        return answer_repeat(request, first)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        back = (
            reverse("conversations:team_dashboard") + f"?team={rep.team_id}"
            if rep.team_id in request.user.managed_team_ids
            else reverse("reflections:training_dashboard")
        )
        try:
            saved = submit_once(
                request,
                lambda: services.exercise_assign_for_flag(
                    exercise=data["exercise"],
                    rep=rep,
                    by=request.user,
                    due_on=data["due_on"],
                    skill=skill,
                    reason=flag.text if flag else "",
                    evidence=evidence,
                    note=data["note"],
                ),
                url=lambda _: back,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if saved.repeated:
                return answer_repeat(request, saved.url)
            _, created = saved.created
            if created:
                messages.success(request, f"“{data['exercise']}” assigned to {rep}, with why.")
            else:
                messages.warning(request, f"{rep} already has “{data['exercise']}” due that day.")
            return redirect(saved.url)
    return render(
        request,
        "reflections/practise.html",
        {
            "rep": rep,
            "skill": coaching.Skill(skill),
            "flag": flag,
            "summary": found.summary,
            "evidence": evidence.get("conversations", []),
            "form": form,
            "exercises": exercises,
            "filters": filters,
            "can_open": rep.team_id in request.user.managed_team_ids,
            "nav": "team" if rep.team_id in request.user.managed_team_ids else "training",
        },
    )
