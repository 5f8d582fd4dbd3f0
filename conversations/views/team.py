from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from conversations.models import Conversation
from salesheart.http import AuthenticatedHttpRequest, role_required


@require_GET
@role_required("manager")
def team_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    teams = request.user.managed_teams.all()
    recent = (
        Conversation.objects.visible_to(request.user)
        .logged()
        .filter(rep__team__in=request.user.managed_team_ids)
        .select_related("customer", "rep")[:30]
    )
    return render(
        request,
        "conversations/team_dashboard.html",
        {"teams": teams, "recent": recent, "nav": "team"},
    )
