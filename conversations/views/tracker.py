"""The live tracker (a helper is building it)."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from salesheart.http import AuthenticatedHttpRequest


def tracker(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    raise Http404


def tracker_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    raise Http404
