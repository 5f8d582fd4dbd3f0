"""Submission tokens: the mechanism behind "a create form sent twice makes one object".

Every endpoint's double submission is in test_double_submission.py; here is what the
token itself promises, shown on the new-customer form and the htmx pain point form.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from conversations.forms import CustomerForm
from conversations.models import Customer, PainPoint, Transcript
from salesheart.idempotency import (
    ALREADY_SAVED,
    FIELD_NAME,
    KEEP_FOR,
    WELL_FORMED,
    new_token,
    submit_once,
    token_for_form,
)
from salesheart.models import SubmissionToken
from tests.factories import add_pain_point, make_customer, start_conversation
from tests.helpers import expire_session, sign_in_again, stamped

CREATE_URL = reverse("conversations:customer_create")
HTMX = {"HX-Request": "true"}
TOKEN = re.compile(rf'name="{FIELD_NAME}" value="([^"]+)"')


def tokens_in(html: bytes | str) -> list[str]:
    return TOKEN.findall(html if isinstance(html, str) else html.decode())


def token_on(client, url: str) -> str:
    (token,) = tokens_in(client.get(url).content)
    return token


# The token on the page ---------------------------------------------------------------


def test_each_new_form_carries_a_fresh_well_formed_token(client, rep):
    client.force_login(rep)
    first, second = token_on(client, CREATE_URL), token_on(client, CREATE_URL)
    assert first != second
    assert WELL_FORMED.fullmatch(first)


def test_the_edit_form_carries_no_token(client, rep):
    client.force_login(rep)
    customer = make_customer(rep)
    html = client.get(reverse("conversations:customer_edit", args=[customer.pk])).content
    assert tokens_in(html) == []


# Sent twice, saved once ----------------------------------------------------------------


def test_the_same_token_twice_makes_one_customer_and_says_so(client, rep):
    client.force_login(rep)
    data = {"name": "Grace Liu", FIELD_NAME: token_on(client, CREATE_URL)}

    first = client.post(CREATE_URL, data)
    second = client.post(CREATE_URL, data, follow=True)

    customer = Customer.objects.get(rep=rep)
    assert first.url == customer.get_absolute_url()
    assert second.redirect_chain == [(customer.get_absolute_url(), 302)]
    assert ALREADY_SAVED in second.content.decode()


def test_a_post_without_a_token_is_still_saved(client, rep):
    """A page opened before tokens existed must not lose what was typed on it."""
    client.force_login(rep)
    response = client.post(CREATE_URL, {"name": "Grace Liu"})
    assert response.status_code == 302
    assert Customer.objects.filter(rep=rep, name="Grace Liu").count() == 1
    assert not SubmissionToken.objects.exists()


def test_a_token_no_form_of_ours_makes_counts_as_none(client, rep):
    client.force_login(rep)
    for _ in range(2):
        client.post(CREATE_URL, {"name": "Grace Liu", FIELD_NAME: "x' or 1=1"})
    assert Customer.objects.filter(rep=rep).count() == 2
    assert not SubmissionToken.objects.exists()


def test_someone_elses_token_means_nothing(client, rep, teammate):
    token = new_token()
    client.force_login(rep)
    client.post(CREATE_URL, {"name": "Grace Liu", FIELD_NAME: token})
    client.force_login(teammate)
    client.post(CREATE_URL, {"name": "Grace Liu", FIELD_NAME: token})
    assert Customer.objects.filter(rep=rep).count() == 1
    assert Customer.objects.filter(rep=teammate).count() == 1


def test_a_repeat_is_answered_before_the_form_is_checked_again(client, rep):
    """Whatever the second post says, its token was saved already."""
    client.force_login(rep)
    token = token_on(client, CREATE_URL)
    client.post(CREATE_URL, {"name": "Grace Liu", FIELD_NAME: token})
    response = client.post(CREATE_URL, {"name": "", FIELD_NAME: token})
    assert response.status_code == 302
    assert Customer.objects.filter(rep=rep).count() == 1


# Errors do not use the token up ---------------------------------------------------------


def test_an_invalid_form_comes_back_with_its_token_and_saves_with_it(client, rep):
    client.force_login(rep)
    token = token_on(client, CREATE_URL)

    page = client.post(CREATE_URL, {"name": "", FIELD_NAME: token})
    assert page.status_code == 200
    assert tokens_in(page.content) == [token]
    assert not SubmissionToken.objects.exists()

    client.post(CREATE_URL, {"name": "Grace Liu", FIELD_NAME: token})
    client.post(CREATE_URL, {"name": "Grace Liu", FIELD_NAME: token})
    assert Customer.objects.filter(rep=rep).count() == 1


def test_a_refusal_inside_the_save_rolls_the_claim_back(client, rep):
    conversation = start_conversation(rep)
    import_url = reverse("conversations:transcript_import", args=[conversation.pk])
    client.force_login(rep)
    token = token_on(client, import_url)

    refused = client.post(import_url, {"text": "no speakers here at all", FIELD_NAME: token})
    assert refused.status_code == 200
    assert not SubmissionToken.objects.exists()

    text = "Rita: What slows you down?\nAmira: Month-end takes nine days."
    client.post(import_url, {"text": text, FIELD_NAME: token})
    assert Transcript.objects.filter(pending_for=conversation).exists()
    assert SubmissionToken.objects.filter(user=rep, token=token).exists()


def test_a_form_replayed_after_the_session_expired_keeps_its_token_and_saves(client, rep):
    client.force_login(rep)
    token = token_on(client, CREATE_URL)
    expire_session(client)
    client.post(CREATE_URL, stamped(rep, {"name": "Grace Liu", FIELD_NAME: token}))

    page = sign_in_again(client, CREATE_URL)
    assert tokens_in(page.content) == [token]
    client.post(CREATE_URL, {"name": "Grace Liu", FIELD_NAME: token})
    assert Customer.objects.filter(rep=rep).count() == 1


# htmx: the section swapped in carries the next token ------------------------------------


def test_after_an_htmx_add_the_fresh_form_carries_a_new_token(client, rep):
    conversation = start_conversation(rep)
    add_url = reverse("conversations:pain_point_add", args=[conversation.pk])
    client.force_login(rep)
    # Before the first pain point the proposals form is locked away: one form, one token.
    (token,) = tokens_in(client.get(reverse("conversations:log", args=[conversation.pk])).content)
    data = {"description": "Month-end takes nine days", "urgency": "high"}

    added = client.post(add_url, {**data, FIELD_NAME: token}, headers=HTMX)
    again = client.post(add_url, {**data, FIELD_NAME: token}, headers=HTMX)
    assert conversation.pain_points.count() == 1
    assert again.status_code == 200
    assert "Month-end takes nine days" in again.content.decode()

    next_token = tokens_in(added.content)[0]
    assert next_token != token
    client.post(add_url, {**data, FIELD_NAME: next_token}, headers=HTMX)
    assert conversation.pain_points.count() == 2


def test_an_htmx_form_sent_back_with_errors_keeps_its_token_and_only_it(client, rep):
    conversation = start_conversation(rep)
    add_pain_point(conversation)
    add_url = reverse("conversations:pain_point_add", args=[conversation.pk])
    client.force_login(rep)
    token = new_token()
    page = client.post(add_url, {"description": " ", FIELD_NAME: token}, headers=HTMX)
    # The proposals section redrawn beside it must not share the token: a proposal
    # saved with it would make the corrected pain point look like a repeat.
    pain_token, proposal_token = tokens_in(page.content)
    assert pain_token == token
    assert proposal_token != token
    assert PainPoint.objects.count() == 1


def test_a_form_drawn_after_its_token_was_used_gets_a_new_one(rep):
    """Should a view ever redraw a saved form, its next post must not count as a repeat."""
    request = RequestFactory().post(CREATE_URL, {"name": "Grace Liu", FIELD_NAME: new_token()})
    request.user = rep
    form = CustomerForm(request.POST)
    assert token_for_form(request, form) == request.POST[FIELD_NAME]
    form.is_valid()
    form.instance.rep = rep
    submit_once(request, form.save, url=Customer.get_absolute_url)
    assert token_for_form(request, form) != request.POST[FIELD_NAME]


# Keeping the table small ----------------------------------------------------------------


def test_a_new_claim_prunes_the_persons_claims_older_than_a_day(client, rep, teammate):
    now = timezone.now()
    old = SubmissionToken.objects.create(
        user=rep, token=new_token(), claimed_at=now - KEEP_FOR - timedelta(minutes=1)
    )
    recent = SubmissionToken.objects.create(
        user=rep, token=new_token(), claimed_at=now - KEEP_FOR + timedelta(minutes=5)
    )
    someone_elses = SubmissionToken.objects.create(
        user=teammate, token=new_token(), claimed_at=now - 2 * KEEP_FOR
    )
    client.force_login(rep)
    client.post(CREATE_URL, {"name": "Grace Liu", FIELD_NAME: new_token()})

    left = set(SubmissionToken.objects.values_list("pk", flat=True))
    assert old.pk not in left
    assert {recent.pk, someone_elses.pk} <= left
    assert len(left) == 3
