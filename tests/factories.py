"""Test data made through the real service functions, as the app makes it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from conversations import services
from conversations.models import Conversation, Customer, PainPoint, ProductTalk
from salesheart.models import User


def make_customer(rep: User, name: str = "Amira Haddad", **fields) -> Customer:
    fields.setdefault("company", "Harbour Freight Ltd")
    return Customer.objects.create(rep=rep, name=name, **fields)


def start_conversation(
    rep: User,
    customer: Customer | None = None,
    occurred_at: datetime | None = None,
    **fields,
) -> Conversation:
    return services.conversation_start(
        rep=rep,
        customer=customer or make_customer(rep),
        occurred_at=occurred_at or timezone.now() - timedelta(hours=2),
        **fields,
    )


def add_pain_point(
    conversation: Conversation, description: str = "Month-end takes nine days.", **fields
) -> PainPoint:
    fields.setdefault("impact", "The board sees numbers too late.")
    return services.pain_point_add(conversation=conversation, description=description, **fields)


def add_proposal(
    conversation: Conversation, answers: list[PainPoint], proposal: str = "A close checklist pilot."
) -> ProductTalk:
    return services.product_talk_add(conversation=conversation, proposal=proposal, answers=answers)


def logged_conversation(
    rep: User,
    customer: Customer | None = None,
    *,
    occurred_at: datetime | None = None,
    split: tuple[int, int, int, int] = (60, 20, 10, 10),
    minutes: int = 30,
    pitch: bool = True,
    **fields,
) -> Conversation:
    """A finished log: one pain point, optionally a proposal answering it, the rep's split."""
    conversation = start_conversation(rep, customer, occurred_at, **fields)
    pain = add_pain_point(conversation)
    if pitch:
        add_proposal(conversation, [pain])
    (
        conversation.estimate_customer,
        conversation.estimate_asking,
        conversation.estimate_pitching,
        conversation.estimate_other,
    ) = split
    conversation.duration_minutes = minutes
    return services.conversation_finish(conversation=conversation)
