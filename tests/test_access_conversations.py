"""Every conversation URL that takes a pk, walked by everyone who must not use it.

Teams are walls: whoever may not see an object gets 404, the same answer as for
an object that does not exist. The rep's own manager may read but not write (403).
A refused post leaves everything as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from conversations import services
from conversations.access import READ_ONLY
from conversations.models import Conversation, Customer, PainPoint, ProductTalk
from tests.factories import (
    add_pain_point,
    add_proposal,
    logged_conversation,
    make_customer,
    start_conversation,
)

MISSING_PK = 987_654


@dataclass
class World:
    customer: Customer
    conversation: Conversation
    pain: PainPoint
    spare: PainPoint
    proposal: ProductTalk
    gone: Conversation


@pytest.fixture
def world(rep) -> World:
    customer = make_customer(rep, "Amira Haddad", goals="Close the books in three days.")
    conversation = logged_conversation(rep, customer, purpose="Quarterly review")
    pain = conversation.pain_points.get()
    spare = add_pain_point(conversation, "Approvals wait on one person.")
    proposal = conversation.product_talks.get()
    gone = start_conversation(rep, customer, purpose="A call that never happened")
    services.conversation_delete(conversation=gone)
    return World(customer, conversation, pain, spare, proposal, gone)


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    target: str  # which object of the world the pk names
    item: str | None = None
    data: Callable[[World], dict] = lambda world: {}
    read: bool = False

    def __str__(self) -> str:
        return f"{self.name} {self.method}"

    def url(self, world: World, pk: int | None = None) -> str:
        kwargs = {"pk": pk if pk is not None else getattr(world, self.target).pk}
        if self.item:
            kwargs["item"] = getattr(world, self.item).pk
        return reverse(f"conversations:{self.name}", kwargs=kwargs)

    def call(self, client, world: World, pk: int | None = None):
        url = self.url(world, pk)
        if self.method == "GET":
            return client.get(url)
        return client.post(url, self.data(world))


def log_post(world: World) -> dict:
    return {
        "customer": world.customer.pk,
        "occurred_at": timezone.localtime(world.conversation.occurred_at).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "channel": Conversation.Channel.PHONE,
        "kind": Conversation.Kind.REAL,
        "purpose": "Rewritten by whoever posted",
        "action": "save",
    }


ROUTES = [
    Route("detail", "GET", "conversation", read=True),
    Route("delete", "GET", "conversation"),
    Route("delete", "POST", "conversation"),
    Route("restore", "POST", "gone"),
    Route("log", "GET", "conversation"),
    Route("log", "POST", "conversation", data=log_post),
    Route("autosave", "POST", "conversation", data=lambda w: {"purpose": "Typed, not saved"}),
    Route(
        "pain_point_add",
        "POST",
        "conversation",
        data=lambda w: {"description": "A new worry.", "urgency": "high"},
    ),
    Route("pain_point_edit", "GET", "conversation", "spare"),
    Route(
        "pain_point_edit",
        "POST",
        "conversation",
        "spare",
        data=lambda w: {"description": "Rewritten worry.", "urgency": "low"},
    ),
    Route("pain_point_delete", "GET", "conversation", "spare"),
    Route("pain_point_delete", "POST", "conversation", "spare"),
    Route(
        "proposal_add",
        "POST",
        "conversation",
        data=lambda w: {"proposal": "Another pilot.", "answers": [w.pain.pk]},
    ),
    Route("proposal_edit", "GET", "conversation", "proposal"),
    Route(
        "proposal_edit",
        "POST",
        "conversation",
        "proposal",
        data=lambda w: {"proposal": "Rewritten pilot.", "answers": [w.pain.pk, w.spare.pk]},
    ),
    Route("proposal_delete", "GET", "conversation", "proposal"),
    Route("proposal_delete", "POST", "conversation", "proposal"),
    Route("customer_detail", "GET", "customer", read=True),
    Route("customer_edit", "GET", "customer"),
    Route(
        "customer_edit",
        "POST",
        "customer",
        data=lambda w: {"name": "Renamed Person", "company": "Elsewhere Ltd"},
    ),
]
POSTS = [route for route in ROUTES if route.method == "POST"]
WRITES = [route for route in ROUTES if not route.read]
ITEM_ROUTES = [route for route in ROUTES if route.item]


def snapshot(world: World) -> dict:
    """Everything any of the routes could change, read fresh from the database."""
    conversation = Conversation.objects.get(pk=world.conversation.pk)
    gone = Conversation.objects.get(pk=world.gone.pk)
    customer = Customer.objects.get(pk=world.customer.pk)
    return {
        "status": conversation.status,
        "purpose": conversation.purpose,
        "channel": conversation.channel,
        "deleted_at": conversation.deleted_at,
        "draft_data": conversation.draft_data,
        "pain_point_count": conversation.pain_point_count,
        "pain_points": list(
            PainPoint.objects.order_by("pk").values_list("pk", "description", "urgency")
        ),
        "proposals": list(ProductTalk.objects.order_by("pk").values_list("pk", "proposal")),
        "answers": sorted(
            ProductTalk.answers.through.objects.values_list("producttalk_id", "painpoint_id")
        ),
        "gone_deleted_at": gone.deleted_at,
        "customer": (customer.name, customer.company, customer.goals),
        "customers": Customer.objects.count(),
        "conversations": Conversation.objects.count(),
    }


def normalised(content: bytes) -> str:
    """A page without what differs on every render: CSRF tokens, CSP nonce, the clock."""
    html = content.decode()
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    html = re.sub(r'data-server-now="\d+"', 'data-server-now=""', html)
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html)


@pytest.mark.parametrize("route", ROUTES, ids=str)
@pytest.mark.parametrize("persona", ["other_rep", "teammate", "other_manager", "trainer"])
def test_someone_outside_gets_404_and_changes_nothing(client, request, world, persona, route):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot(world)
    response = route.call(client, world)
    assert response.status_code == 404
    assert snapshot(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_pk_that_does_not_exist_gets_404(client, rep, world, route):
    client.force_login(rep)
    before = snapshot(world)
    response = route.call(client, world, pk=MISSING_PK)
    assert response.status_code == 404
    assert snapshot(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_missing_pk_answers_exactly_like_someone_elses(client, other_rep, world, route):
    client.force_login(other_rep)
    not_yours = route.call(client, world)
    missing = route.call(client, world, pk=MISSING_PK)
    assert not_yours.status_code == missing.status_code == 404
    assert normalised(not_yours.content) == normalised(missing.content)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(client, world, route):
    before = snapshot(world)
    response = route.call(client, world)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={route.url(world)}"
    assert snapshot(world) == before


@pytest.mark.parametrize("route", [r for r in ROUTES if r.read], ids=str)
def test_the_reps_own_manager_can_read(client, manager, world, route):
    client.force_login(manager)
    response = route.call(client, world)
    assert response.status_code == 200
    assert b"(read-only)" in response.content


@pytest.mark.parametrize("route", [r for r in WRITES if r.name != "restore"], ids=str)
def test_the_reps_own_manager_gets_403_on_every_write_and_changes_nothing(
    client, manager, world, route
):
    client.force_login(manager)
    before = snapshot(world)
    response = route.call(client, world)
    assert response.status_code == 403
    assert escape(READ_ONLY) in response.content.decode()
    assert snapshot(world) == before


def test_a_manager_cannot_even_see_a_deleted_conversation_to_restore_it(client, manager, world):
    # Deleted conversations are hidden from every list and page, the manager's included,
    # so restoring one answers "not found" rather than "not allowed".
    client.force_login(manager)
    before = snapshot(world)
    response = client.post(reverse("conversations:restore", args=[world.gone.pk]))
    assert response.status_code == 404
    assert snapshot(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_the_owner_can_use_every_url(client, rep, world, route):
    """The control for every refusal above: the same request from the owner works."""
    client.force_login(rep)
    before = snapshot(world)
    response = route.call(client, world)
    assert response.status_code in {200, 302}
    if route.method == "POST":
        assert snapshot(world) != before
    else:
        assert snapshot(world) == before


@pytest.mark.parametrize("route", ITEM_ROUTES, ids=str)
def test_an_item_of_another_of_the_reps_own_conversations_gets_404(client, rep, world, route):
    other = start_conversation(rep, world.customer)
    elsewhere_pain = add_pain_point(other, "Their CRM is a spreadsheet.")
    elsewhere = World(
        customer=world.customer,
        conversation=world.conversation,
        pain=world.pain,
        spare=elsewhere_pain,
        proposal=add_proposal(other, [elsewhere_pain], "A CRM import."),
        gone=world.gone,
    )
    client.force_login(rep)
    before = snapshot(world)
    response = route.call(client, elsewhere)
    assert response.status_code == 404
    assert snapshot(world) == before


@pytest.mark.parametrize("route", ITEM_ROUTES, ids=str)
def test_an_item_of_another_reps_conversation_gets_404_through_your_own(
    client, rep, other_rep, world, route
):
    theirs = start_conversation(other_rep)
    their_pain = add_pain_point(theirs, "Their CRM is a spreadsheet.")
    their_proposal = add_proposal(theirs, [their_pain], "A CRM import.")
    borrowed = World(
        customer=world.customer,
        conversation=world.conversation,
        pain=world.pain,
        spare=their_pain,
        proposal=their_proposal,
        gone=world.gone,
    )
    client.force_login(rep)
    before = snapshot(world)
    response = route.call(client, borrowed)
    assert response.status_code == 404
    assert snapshot(world) == before


@pytest.mark.parametrize("route", ITEM_ROUTES, ids=str)
def test_an_item_that_does_not_exist_gets_404(client, rep, world, route):
    url = route.url(world).replace(f"/{getattr(world, route.item).pk}/", f"/{MISSING_PK}/")
    client.force_login(rep)
    before = snapshot(world)
    response = client.get(url) if route.method == "GET" else client.post(url, route.data(world))
    assert response.status_code == 404
    assert snapshot(world) == before


@pytest.mark.parametrize("name", ["detail", "log", "delete"])
def test_a_deleted_conversation_is_gone_for_its_owner_too(client, rep, world, name):
    client.force_login(rep)
    response = client.get(reverse(f"conversations:{name}", args=[world.gone.pk]))
    assert response.status_code == 404


def test_restoring_a_conversation_that_is_not_deleted_gets_404(client, rep, world):
    client.force_login(rep)
    before = snapshot(world)
    response = client.post(reverse("conversations:restore", args=[world.conversation.pk]))
    assert response.status_code == 404
    assert snapshot(world) == before


# Role pages ----------------------------------------------------------------

ROLE_PAGES = ["list", "start", "plan", "customers", "customer_create"]


@pytest.mark.parametrize("name", ROLE_PAGES)
@pytest.mark.parametrize("persona", ["trainer", "manager"])
def test_rep_pages_answer_403_to_someone_who_does_not_sell(client, request, persona, name):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(f"conversations:{name}"))
    assert response.status_code == 403
    assert b"This page is for the rep role." in response.content


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("start", {"new_customer_name": "Chen Wei", "occurred_at": "2020-01-01T10:00"}),
        ("plan", {"new_customer_name": "Chen Wei", "occurred_at": "2020-01-01T10:00"}),
        ("customer_create", {"name": "Chen Wei"}),
    ],
)
def test_a_trainer_cannot_post_to_rep_pages(client, trainer, name, data):
    client.force_login(trainer)
    data = {**data, "channel": "video", "kind": "real"}
    response = client.post(reverse(f"conversations:{name}"), data)
    assert response.status_code == 403
    assert not Customer.objects.exists()
    assert not Conversation.objects.exists()


@pytest.mark.parametrize("name", ROLE_PAGES)
def test_rep_pages_open_for_a_rep(client, rep, name):
    client.force_login(rep)
    assert client.get(reverse(f"conversations:{name}")).status_code == 200
