from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from conversations.models import Conversation
from salesheart.http import AuthenticatedHttpRequest, role_required


@require_GET
def conversation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    conversations = (
        Conversation.objects.visible_to(request.user)
        .filter(rep=request.user)
        .select_related("customer")[:50]
    )
    return render(request, "conversations/list.html", {"conversations": conversations})


@require_GET
@role_required("manager")
def team_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    teams = request.user.managed_teams.all()
    return render(request, "conversations/team_dashboard.html", {"teams": teams})
