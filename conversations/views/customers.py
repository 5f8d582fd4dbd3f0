from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from conversations.access import get_customer_for_user
from conversations.forms import CustomerEditForm, CustomerForm
from conversations.models import Customer
from salesheart.edits import gone_notice, gone_page, save_edit_or_answer_conflict
from salesheart.http import AuthenticatedHttpRequest, role_required
from salesheart.idempotency import create_once
from salesheart.pending import posted_or_kept
from salesheart.untrusted import query_text


@require_GET
@role_required("rep")
def customer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = query_text(request, "q", max_length=100)
    customers = (
        Customer.objects.filter(rep=request.user)
        .search(query)
        .annotate(
            conversation_count=Count(
                "conversations", filter=Q(conversations__deleted_at__isnull=True)
            ),
            last_spoken=Max(
                "conversations__occurred_at", filter=Q(conversations__deleted_at__isnull=True)
            ),
        )
        .order_by("name", "company", "pk")
    )
    page = Paginator(customers, 25).get_page(request.GET.get("page"))
    context = {"page": page, "query": query}
    template = "conversations/customer_list.html"
    if request.htmx and request.htmx.target == "customer-results":
        template += "#results"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@role_required("rep")
def customer_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CustomerForm(posted_or_kept(request) or None)
    form.instance.rep = request.user
    if answer := create_once(
        request,
        form,
        create=form.save,
        url=Customer.get_absolute_url,
        success=lambda customer: f"{customer.name} is in your customers.",
    ):
        return answer
    last_write = request.user.customers.aggregate(at=Max("created_at"))["at"]
    return render(
        request,
        "conversations/customer_form.html",
        {"form": form, "last_write": last_write},
    )


@require_GET
def customer_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    customer = get_customer_for_user(request.user, pk)
    conversations = customer.conversations.alive().order_by("-occurred_at")[:50]
    return render(
        request,
        "conversations/customer_detail.html",
        {
            "customer": customer,
            "conversations": conversations,
            "can_edit": customer.rep_id == request.user.pk,
        },
    )


@require_http_methods(["GET", "POST"])
def customer_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    customer = get_customer_for_user(request.user, pk, write=True)
    form = CustomerEditForm(posted_or_kept(request) or None, instance=customer)
    if answer := save_edit_or_answer_conflict(
        request,
        form,
        to=customer,
        success=lambda: f"Saved what you know about {customer.name}.",
        gone=lambda: gone_page(
            request,
            gone_notice("This customer", form),
            back_url=reverse("conversations:customers"),
            back_label="Back to your customers",
        ),
    ):
        return answer
    customer = form.stored or customer
    return render(
        request,
        "conversations/customer_form.html",
        {
            "form": form,
            "customer": customer,
            "last_write": customer.updated_at,
            "notice": form.notice,
        },
        status=409 if form.notice else 200,
    )
