"""Every conversation-side object a view touches comes through here.

Reading: the owning rep and the managers of the rep's team. Anyone else gets
404, the same answer as for an object that does not exist. Writing: only the
owning rep; a manager who may read gets 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from conversations.models import (
    Conversation,
    Customer,
    PainPoint,
    ProductTalk,
    Recording,
    TalkSegment,
)
from salesheart.models import Team, User

if TYPE_CHECKING:
    from django.db.models import QuerySet

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


def _deleted_of(user: User) -> QuerySet[Conversation]:
    # Only its rep may undo a delete: to anyone else it is gone.
    return Conversation.objects.filter(rep=user, deleted_at__isnull=False)


def get_deleted_conversation_for_user(user: User, pk: int) -> Conversation:
    return get_object_or_404(_deleted_of(user), pk=pk)


def deleted_conversation_for_user(user: User, pk: int) -> Conversation | None:
    """The user's own conversation of that pk if it was deleted, else None: a write that
    arrives after the delete (another tab) is told so rather than just 404."""
    return _deleted_of(user).filter(pk=pk).first()


def get_customer_for_user(user: User, pk: int, *, write: bool = False) -> Customer:
    customer = get_object_or_404(Customer.objects.visible_to(user).select_related("rep"), pk=pk)
    if write:
        _check_write(user, customer.rep_id)
    return customer


def own_customer(user: User, pk: int | None) -> Customer | None:
    """One of the user's own customers, to propose on a form; None for anyone else's."""
    if pk is None:
        return None
    return Customer.objects.filter(rep=user, pk=pk).first()


def get_pain_point(conversation: Conversation, pk: int) -> PainPoint:
    return get_object_or_404(conversation.pain_points, pk=pk)


def get_product_talk(conversation: Conversation, pk: int) -> ProductTalk:
    return get_object_or_404(conversation.product_talks, pk=pk)


def get_segment(conversation: Conversation, pk: int) -> TalkSegment:
    return get_object_or_404(conversation.segments, pk=pk)


def get_recording(conversation: Conversation, pk: int) -> Recording:
    return get_object_or_404(Recording, pk=pk, conversation=conversation)


def can_coach(user: User, conversation: Conversation) -> bool:
    """The rep's managers, and trainers on conversations tied to assignments they gave,
    leave coaching notes; the rep reads them."""
    if conversation.rep_id == user.pk:
        return False
    if conversation.rep.team_id in user.managed_team_ids:
        return True
    return (
        user.is_trainer
        and Conversation.objects.given_as_training_by(user).filter(pk=conversation.pk).exists()
    )


def get_managed_rep(user: User, rep_id: int) -> User:
    """A rep in one of the teams the user manages; anyone else is not found."""
    return get_object_or_404(
        User.objects.select_related("team"), pk=rep_id, team__in=user.managed_team_ids
    )


def get_figures_rep(user: User, rep_id: int | None) -> User:
    """Whose figures a person may take away: their own when no rep is named (if they
    sell at all), or those of a rep they manage; anyone else is not found."""
    if rep_id is not None:
        return get_managed_rep(user, rep_id)
    if not user.is_rep:
        raise Http404
    return user


def get_managed_team(user: User, pk: int | None) -> Team:
    """The team of that pk among those the user manages, or their first when none is
    asked for; someone who manages no team (or not that one) finds nothing."""
    teams = user.managed_teams.all()
    if pk is not None:
        return get_object_or_404(teams, pk=pk)
    team = teams.first()
    if team is None:
        raise Http404
    return team
