"""From a dashboard flag to practice: the exercises that train the flagged skill, given
in one step with the flag's reason and the conversations it stands on."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from conversations import coaching
from conversations.dashboard_forms import DashboardFilterForm
from reflections import services
from reflections.access import get_coached_rep, manages_rep
from reflections.forms import PractiseForm
from reflections.models import Assignment, Exercise
from salesheart.http import AuthenticatedHttpRequest
from salesheart.idempotency import create_once


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
    rep = get_coached_rep(request.user, rep_id)
    filters = DashboardFilterForm(request.GET or None)
    found = coaching.for_rep(rep, filters)
    flag = found.flag_for(skill)
    conversations = coaching.recent_conversations(rep, filters)
    evidence = evidence_of(flag, conversations, found.limits)
    exercises = Exercise.objects.active().filter(skill=skill).order_by("title", "pk")
    form = PractiseForm(request.POST or None, exercises=exercises)
    manages = manages_rep(request.user, rep)
    back = (
        reverse("conversations:team_dashboard") + f"?team={rep.team_id}"
        if manages
        else reverse("reflections:training_dashboard")
    )

    def said(result: tuple[Assignment, bool]) -> HttpResponse:
        _, created = result
        exercise = form.cleaned_data["exercise"]
        if created:
            messages.success(request, f"“{exercise}” assigned to {rep}, with why.")
        else:
            messages.warning(request, f"{rep} already has “{exercise}” due that day.")
        return redirect(back)

    if answer := create_once(
        request,
        form,
        create=lambda: services.exercise_assign_for_flag(
            exercise=form.cleaned_data["exercise"],
            rep=rep,
            by=request.user,
            due_on=form.cleaned_data["due_on"],
            skill=skill,
            reason=flag.text if flag else "",
            evidence=evidence,
            note=form.cleaned_data["note"],
        ),
        url=lambda _: back,
        then=said,
    ):
        return answer
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
            "can_open": manages,
            "nav": "team" if manages else "training",
        },
    )
