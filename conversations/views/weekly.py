"""Asking for the weekly summary email, and stopping it from a link in the email."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from conversations.models import WeeklySummaryChoice
from conversations.weekly import user_from_token, weekly_summary_choose
from salesheart.http import AuthenticatedHttpRequest
from salesheart.models import User


@require_POST
def weekly_summary_choice(request: AuthenticatedHttpRequest) -> HttpResponse:
    """On or off for the person signed in; sending the same choice twice changes nothing."""
    wanted = request.POST.get("weekly") == "on"
    weekly_summary_choose(user=request.user, wanted=wanted)
    if wanted:
        if request.user.email:
            messages.success(request, f"The weekly summary will come to {request.user.email}.")
        else:
            messages.warning(
                request,
                "The weekly summary is on, but your account has no email address yet: "
                "ask an admin to add one.",
            )
    else:
        messages.success(request, "No more weekly summary emails.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "home"
    return redirect(back)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def weekly_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """From the email, without signing in: the link carries a signature only the site makes.

    Opening the link asks for one click; mail scanners that open every link stop nothing.
    """
    pk = user_from_token(token)
    user = User.objects.filter(pk=pk).first() if pk is not None else None
    if user is None:
        raise Http404("No such link.")
    done = False
    if request.method == "POST":
        weekly_summary_choose(user=user, wanted=False)
        done = True
    return render(
        request,
        "conversations/weekly_unsubscribe.html",
        {
            "person": user,
            "done": done,
            "subscribed": WeeklySummaryChoice.objects.filter(user=user).exists(),
            "token": token,
        },
    )
