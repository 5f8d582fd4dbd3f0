"""Every conversation-side object a view touches comes through here.

Reading: the owning rep and the managers of the rep's team. Anyone else gets
404, the same answer as for an object that does not exist. Writing: only the
owning rep; a manager who may read gets 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from conversations.models import Conversation, Customer, PainPoint, ProductTalk

if TYPE_CHECKING:
    from salesheart.models import User

READ_ONLY = "Managers can read their team's conversations but not change them."


def _check_write(user: User, owner_id: int) -> None:
    if owner_id != user.pk:
        raise PermissionDenied(READ_ONLY)


def get_conversation_for_user(user: User, pk: int, *, write: bool = False) -> Conversation:
    conversation = get_object_or_404(
        Conversation.objects.visible_to(user).select_related("customer", "rep__team"), pk=pk
    )
    if write:
        _check_write(user, conversation.rep_id)
    return conversation


def get_deleted_conversation_for_user(user: User, pk: int) -> Conversation:
    return get_object_or_404(Conversation.objects.filter(rep=user, deleted_at__isnull=False), pk=pk)


def get_customer_for_user(user: User, pk: int, *, write: bool = False) -> Customer:
    customer = get_object_or_404(Customer.objects.visible_to(user).select_related("rep"), pk=pk)
    if write:
        _check_write(user, customer.rep_id)
    return customer


def get_pain_point(conversation: Conversation, pk: int) -> PainPoint:
    return get_object_or_404(conversation.pain_points, pk=pk)


def get_product_talk(conversation: Conversation, pk: int) -> ProductTalk:
    return get_object_or_404(conversation.product_talks, pk=pk)
