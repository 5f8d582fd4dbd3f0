from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from salesheart.http import AuthenticatedHttpRequest, role_required


@require_GET
@role_required("trainer")
def training_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "reflections/training_dashboard.html")
