"""The two calls every create and edit view makes: `create_once` and
`save_edit_or_answer_conflict`, shown on the customer forms with requests made by hand.

What each view does with them is in test_double_submission.py, test_idempotency.py
and test_edit_conflicts.py; here is what the calls themselves promise.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from conversations.forms import CustomerEditForm, CustomerForm
from conversations.models import Customer
from salesheart.edits import save_edit_or_answer_conflict
from salesheart.idempotency import ALREADY_SAVED, FIELD_NAME, create_once, new_token
from salesheart.models import SubmissionToken, User
from tests.factories import make_customer

HTMX = {"HTTP_HX_REQUEST": "true"}


def request_as(user: User, method: str = "post", data: dict | None = None, **headers: Any):
    request = getattr(RequestFactory(), method)("/somewhere/", data or {}, **headers)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.htmx = HtmxDetails(request)
    return request


def said(request) -> list[str]:
    return [str(message) for message in get_messages(request)]


class Creating:
    """A create() that counts its calls and makes a customer for `rep`."""

    def __init__(self, rep: User, form: CustomerForm) -> None:
        self.rep, self.form, self.calls = rep, form, 0

    def __call__(self) -> Customer:
        self.calls += 1
        return Customer.objects.create(rep=self.rep, **self.form.cleaned_data)


def create(request, rep: User, **options: Any) -> tuple[HttpResponse | None, Creating]:
    form = CustomerForm(request.POST)
    creating = Creating(rep, form)
    options.setdefault("url", lambda customer: f"/customers/{customer.pk}/")
    answer = create_once(request, form, create=creating, **options)
    return answer, creating


# create_once ---------------------------------------------------------------------------


def test_create_once_answers_nothing_to_a_get(rep):
    answer, creating = create(request_as(rep, "get"), rep)
    assert answer is None
    assert creating.calls == 0


def test_create_once_leaves_an_invalid_form_to_the_view_and_claims_nothing(rep):
    token = new_token()
    request = request_as(rep, data={"name": "", FIELD_NAME: token})
    form = CustomerForm(request.POST)
    answer = create_once(request, form, create=lambda: 1 / 0, url=str)
    assert answer is None
    assert "name" in form.errors
    assert not SubmissionToken.objects.filter(token=token).exists()


def test_create_once_creates_says_so_and_goes_where_url_says(rep):
    request = request_as(rep, data={"name": "Grace Liu", FIELD_NAME: new_token()})
    answer, creating = create(request, rep, success=lambda c: f"{c.name} is saved.")
    customer = Customer.objects.get(name="Grace Liu")
    assert creating.calls == 1
    assert answer.status_code == 302
    assert answer.url == f"/customers/{customer.pk}/"
    assert said(request) == ["Grace Liu is saved."]


def test_create_once_answers_with_then_when_given(rep):
    request = request_as(rep, data={"name": "Grace Liu"})
    answer, _ = create(request, rep, then=lambda c: HttpResponse(f"made {c.name}"))
    assert answer.content == b"made Grace Liu"


def test_the_same_token_twice_creates_once_and_the_repeat_goes_where_the_first_led(rep):
    data = {"name": "Grace Liu", FIELD_NAME: new_token()}
    first, _ = create(request_as(rep, data=data), rep)
    # The repeat is answered before its form is checked again: an empty name would be
    # refused, but this post was already saved.
    repeat = request_as(rep, data={**data, "name": ""})
    answer, creating = create(repeat, rep, success="Saved.")
    assert creating.calls == 0
    assert answer.url == first.url
    assert said(repeat) == [ALREADY_SAVED]
    assert Customer.objects.filter(rep=rep).count() == 1


def test_a_twin_that_claimed_the_token_meanwhile_is_caught_at_the_claim(rep):
    """The twin claims between this post's early look and its own claim (a race)."""
    token = new_token()
    request = request_as(rep, data={"name": "Grace Liu", FIELD_NAME: token})

    def twin_claims_first() -> None:
        SubmissionToken.objects.create(user=rep, token=token, outcome_url="/twin/")

    form = CustomerForm(request.POST)
    creating = Creating(rep, form)
    answer = create_once(request, form, check=twin_claims_first, create=creating, url=str)
    assert creating.calls == 0
    assert answer.url == "/twin/"
    assert said(request) == [ALREADY_SAVED]


def test_a_refusal_from_create_goes_on_the_form_and_the_claim_is_rolled_back(rep):
    token = new_token()
    request = request_as(rep, data={"name": "Grace Liu", FIELD_NAME: token})
    form = CustomerForm(request.POST)

    def refuse() -> Customer:
        Customer.objects.create(rep=rep, name="Half made")
        raise ValidationError("Not today.")

    assert create_once(request, form, create=refuse, url=str) is None
    assert form.non_field_errors() == ["Not today."]
    assert not Customer.objects.exists()
    assert not SubmissionToken.objects.filter(token=token).exists()


def test_a_refusal_from_check_goes_on_its_field_and_nothing_is_created(rep):
    request = request_as(rep, data={"name": "Grace Liu", FIELD_NAME: new_token()})

    def check() -> None:
        raise ValidationError({"company": ValidationError("Which company?", code="who")})

    form = CustomerForm(request.POST)
    creating = Creating(rep, form)
    assert create_once(request, form, check=check, create=creating, url=str) is None
    assert creating.calls == 0
    assert form.has_error("company", "who")
    assert not SubmissionToken.objects.exists()


def test_in_place_answers_an_htmx_post_and_its_repeat_alike_saying_nothing(rep):
    data = {"name": "Grace Liu", FIELD_NAME: new_token()}
    section = lambda: HttpResponse("the section, with a fresh form")  # noqa: E731
    answers = []
    for _ in range(2):
        request = request_as(rep, data=data, **HTMX)
        answer, _ = create(request, rep, success="Saved.", in_place=section)
        answers.append(answer.content)
        assert said(request) == []
    assert answers == [b"the section, with a fresh form"] * 2
    assert Customer.objects.filter(rep=rep).count() == 1


# save_edit_or_answer_conflict ----------------------------------------------------------


def edit(request, customer: Customer, **options: Any) -> tuple[HttpResponse | None, Any]:
    form = CustomerEditForm(request.POST or None, instance=customer)
    options.setdefault("gone", lambda: HttpResponse("gone", status=404))
    answer = save_edit_or_answer_conflict(request, form, to="/customers/", **options)
    return answer, form


def test_an_edit_answers_nothing_to_a_get(rep):
    customer = make_customer(rep)
    answer, form = edit(request_as(rep, "get"), customer)
    assert answer is None
    assert form.notice is None


def test_an_edit_saved_says_so_after_the_save_and_goes_to(rep):
    customer = make_customer(rep)
    request = request_as(rep, data={"name": "Amira H.", "version": "1"})
    answer, _ = edit(request, customer, success=lambda: f"Saved {customer.name}.")
    customer.refresh_from_db()
    assert (customer.name, customer.version, customer.edited_by) == ("Amira H.", 2, rep)
    assert answer.url == "/customers/"
    assert said(request) == ["Saved Amira H.."]


def test_an_edit_from_an_older_version_is_refused_with_the_stored_row_beside_it(rep, teammate):
    customer = make_customer(rep)
    Customer.objects.get(pk=customer.pk).save_edit(fields=["name"], seen_version=1, by=teammate)
    request = request_as(rep, data={"name": "Mine", "version": "1"})
    answer, form = edit(request, customer, success="Saved.")
    assert answer is None
    assert form.stored.pk == customer.pk
    assert form.stored.version == 2
    assert "Rosa" in form.notice.headline
    # Saving again is a decision made against what is stored now.
    assert form.data["version"] == "2"
    assert said(request) == []
    assert Customer.objects.get(pk=customer.pk).name == "Amira Haddad"


def test_an_edit_of_a_deleted_row_is_answered_by_gone(rep):
    customer = make_customer(rep)
    Customer.objects.filter(pk=customer.pk).delete()
    answer, _ = edit(request_as(rep, data={"name": "Mine", "version": "1"}), customer)
    assert (answer.status_code, answer.content) == (404, b"gone")


def test_a_refusal_from_save_goes_on_the_form(rep):
    customer = make_customer(rep)

    def refuse() -> None:
        raise ValidationError("Not like that.")

    request = request_as(rep, data={"name": "Mine", "version": "1"})
    answer, form = edit(request, customer, save=refuse)
    assert answer is None
    assert form.non_field_errors() == ["Not like that."]
    assert form.notice is None


@pytest.mark.parametrize("htmx", [True, False])
def test_in_place_answers_only_an_htmx_edit(rep, htmx):
    customer = make_customer(rep)
    headers = HTMX if htmx else {}
    request = request_as(rep, data={"name": "Mine", "version": "1"}, **headers)
    answer, _ = edit(request, customer, success="Saved.", in_place=lambda: HttpResponse("row"))
    if htmx:
        assert (answer.content, said(request)) == (b"row", [])
    else:
        assert (answer.url, said(request)) == ("/customers/", ["Saved."])
