"""Writes that touch several rows of a conversation; each one is atomic.

The rule of the product lives here, below every form and view: no product
talk before a pain point, and every proposal answers pain points of the same
conversation.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from conversations.models import Conversation, Customer, PainPoint, ProductTalk

if TYPE_CHECKING:
    from salesheart.models import User

NO_PAIN_POINT_YET = (
    "Record what the customer told you first: add at least one pain point "
    "before anything you proposed."
)
MUST_ANSWER_A_PAIN_POINT = "Choose at least one pain point that this proposal answers."
FOREIGN_PAIN_POINT = "A proposal can only answer pain points heard in this conversation."
PAIN_POINT_STILL_ANSWERED = (
    "This pain point is the only one a proposal answers. Change or remove that proposal first."
)


def _recount(conversation: Conversation) -> None:
    conversation.pain_point_count = conversation.pain_points.count()
    conversation.refresh_estimated_figures()
    conversation.save()


@transaction.atomic
def conversation_start(
    *,
    rep: User,
    customer: Customer,
    occurred_at: datetime,
    channel: str = Conversation.Channel.VIDEO,
    kind: str = Conversation.Kind.REAL,
    purpose: str = "",
    plan_their_world: str = "",
    plan_questions: str = "",
) -> Conversation:
    if customer.rep_id != rep.pk:
        raise ValidationError("Choose one of your own customers.", code="foreign_customer")
    return Conversation.objects.create(
        rep=rep,
        customer=customer,
        occurred_at=occurred_at,
        channel=channel,
        kind=kind,
        purpose=purpose,
        plan_their_world=plan_their_world,
        plan_questions=plan_questions,
    )


@transaction.atomic
def pain_point_add(
    *,
    conversation: Conversation,
    description: str,
    impact: str = "",
    urgency: str = PainPoint.Urgency.MEDIUM,
    heard_at: float | None = None,
) -> PainPoint:
    if not description.strip():
        raise ValidationError("Write what the customer told you.", code="empty_pain_point")
    pain_point = PainPoint.objects.create(
        conversation=conversation,
        description=description.strip(),
        impact=impact.strip(),
        urgency=urgency,
        heard_at=heard_at,
    )
    _recount(conversation)
    return pain_point


@transaction.atomic
def pain_point_delete(*, pain_point: PainPoint) -> None:
    conversation = pain_point.conversation
    for proposal in pain_point.answered_by.prefetch_related("answers"):
        if [answer.pk for answer in proposal.answers.all()] == [pain_point.pk]:
            raise ValidationError(PAIN_POINT_STILL_ANSWERED, code="still_answered")
    pain_point.delete()
    _recount(conversation)


def _check_answers(conversation: Conversation, answers: Iterable[PainPoint]) -> list[PainPoint]:
    answers = list(answers)
    if not conversation.pain_points.exists():
        raise ValidationError(NO_PAIN_POINT_YET, code="no_pain_point")
    if not answers:
        raise ValidationError(MUST_ANSWER_A_PAIN_POINT, code="no_answer")
    if any(answer.conversation_id != conversation.pk for answer in answers):
        raise ValidationError(FOREIGN_PAIN_POINT, code="foreign_pain_point")
    return answers


@transaction.atomic
def product_talk_add(
    *,
    conversation: Conversation,
    proposal: str,
    answers: Iterable[PainPoint],
    said_at: float | None = None,
) -> ProductTalk:
    # Lock the conversation row so a pain point deleted in parallel cannot slip past the check.
    Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
    answers = _check_answers(conversation, answers)
    if not proposal.strip():
        raise ValidationError("Write what you proposed.", code="empty_proposal")
    product_talk = ProductTalk.objects.create(
        conversation=conversation, proposal=proposal.strip(), said_at=said_at
    )
    product_talk.answers.set(answers)
    return product_talk


@transaction.atomic
def product_talk_update(
    *, product_talk: ProductTalk, proposal: str, answers: Iterable[PainPoint]
) -> ProductTalk:
    answers = _check_answers(product_talk.conversation, answers)
    if not proposal.strip():
        raise ValidationError("Write what you proposed.", code="empty_proposal")
    product_talk.proposal = proposal.strip()
    product_talk.save()
    product_talk.answers.set(answers)
    return product_talk


@transaction.atomic
def conversation_finish(*, conversation: Conversation) -> Conversation:
    """Turn a draft into a logged conversation once the customer's side is on record."""
    if not conversation.pain_points.exists():
        raise ValidationError(NO_PAIN_POINT_YET, code="no_pain_point")
    conversation.status = Conversation.Status.LOGGED
    conversation.draft_data = {}
    _recount(conversation)
    return conversation


@transaction.atomic
def conversation_delete(*, conversation: Conversation) -> None:
    """Soft delete: the row stays for an undo, and every list forgets it."""
    conversation.deleted_at = timezone.now()
    conversation.save(update_fields=["deleted_at", "updated_at"])


@transaction.atomic
def conversation_restore(*, conversation: Conversation) -> None:
    conversation.deleted_at = None
    conversation.save(update_fields=["deleted_at", "updated_at"])
