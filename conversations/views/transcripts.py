"""Transcript import (a helper is building it)."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from salesheart.http import AuthenticatedHttpRequest


def transcript_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    raise Http404


def transcript_speakers(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    raise Http404


def transcript_timeline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    raise Http404


def transcript_delete_raw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    raise Http404


def segment_retag(request: AuthenticatedHttpRequest, pk: int, segment: int) -> HttpResponse:
    raise Http404


def segment_mark_pain(request: AuthenticatedHttpRequest, pk: int, segment: int) -> HttpResponse:
    raise Http404
