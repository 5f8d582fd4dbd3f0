"""The manager's view of their teams' training: read-only, like their view of conversations."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from reflections.forms import AssignmentFilterForm
from reflections.models import Assignment
from reflections.selectors import completion, state_counts
from reflections.views.common import PAGE_SIZE
from salesheart.http import AuthenticatedHttpRequest, role_required
from salesheart.models import Team


@require_GET
@role_required("manager")
def team_training(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    teams = Team.objects.filter(pk__in=request.user.managed_team_ids)
    theirs = Assignment.objects.filter(rep__team__in=request.user.managed_team_ids)
    filters = AssignmentFilterForm(request.GET or None)
    listed = filters.apply(theirs).with_everything().overdue_first(today)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "teams": teams,
        "counts": state_counts(theirs, today),
        "filters": filters,
        "page": page,
        "by_rep": completion(theirs, by="rep", today=today),
        "by_exercise": completion(theirs, by="exercise", today=today),
    }
    if request.htmx and request.htmx.target == "assignments":
        # The list lives in a partial shared with the other dashboard.
        return render(request, "reflections/partials/assignment_list.html#assignments", context)
    return render(request, "reflections/team_training.html", context)
