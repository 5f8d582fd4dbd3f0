"""A manager sets the team's bands for each kind of call."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from conversations import services
from conversations.access import get_managed_team
from conversations.band_forms import TalkBandForm
from conversations.bands import BAND_FIELDS, DEFAULT_BANDS, default_values
from conversations.models import Conversation, TalkBand
from salesheart.http import AuthenticatedHttpRequest, role_required
from salesheart.untrusted import query_id


@require_http_methods(["GET", "POST"])
@role_required("manager")
def team_bands(request: AuthenticatedHttpRequest) -> HttpResponse:
    team = get_managed_team(request.user, query_id(request, "team"))
    stored = {band.call_type: band for band in TalkBand.objects.filter(team=team)}
    data = request.POST if request.method == "POST" else None
    forms = []
    for value, label in Conversation.CallType.choices:
        instance = stored.get(value) or TalkBand(team=team, call_type=value)
        initial = None if value in stored else default_values(value, team)
        forms.append(
            (label, value, TalkBandForm(data, instance=instance, initial=initial, prefix=value))
        )
    if data is not None and all(form.is_valid() for _, _, form in forms):
        services.team_bands_save(
            team=team,
            bands={
                value: {name: form.cleaned_data[name] for name in BAND_FIELDS}
                for _, value, form in forms
            },
        )
        messages.success(request, f"Bands saved for {team.name}.")
        return redirect(f"{reverse('conversations:team_bands')}?team={team.pk}")
    return render(
        request,
        "conversations/team_bands.html",
        {
            "team": team,
            "teams": request.user.managed_teams.all(),
            "forms": forms,
            "defaults": DEFAULT_BANDS,
        },
    )
