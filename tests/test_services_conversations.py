"""The rule of the product, enforced below every form: no product talk before a pain point."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conversations import services
from conversations.models import Conversation, Customer, PainPoint, ProductTalk
from tests.factories import (
    add_pain_point,
    add_proposal,
    logged_conversation,
    make_customer,
    start_conversation,
)


def with_estimate(conversation: Conversation, split=(60, 20, 10, 10), minutes=30) -> Conversation:
    (
        conversation.estimate_customer,
        conversation.estimate_asking,
        conversation.estimate_pitching,
        conversation.estimate_other,
    ) = split
    conversation.duration_minutes = minutes
    conversation.save()
    return conversation


def answered_pks(product_talk: ProductTalk) -> set[int]:
    return set(ProductTalk.objects.get(pk=product_talk.pk).answers.values_list("pk", flat=True))


# Starting ------------------------------------------------------------------


def test_a_rep_starts_a_draft_conversation_with_their_own_customer(rep):
    customer = make_customer(rep)
    conversation = start_conversation(rep, customer, purpose="First call")
    conversation.refresh_from_db()
    assert conversation.rep == rep
    assert conversation.customer == customer
    assert conversation.status == Conversation.Status.DRAFT
    assert conversation.pain_point_count == 0


def test_a_rep_cannot_start_a_conversation_with_another_reps_customer(rep, teammate):
    someone_elses = make_customer(teammate, "Bo Lindgren")
    with pytest.raises(ValidationError) as refused:
        start_conversation(rep, someone_elses)
    assert refused.value.code == "foreign_customer"
    assert refused.value.messages == ["Choose one of your own customers."]
    assert not Conversation.objects.exists()


def test_a_customer_met_for_the_first_time_is_made_with_the_conversation(rep):
    conversation = services.conversation_start_with_customer(
        rep=rep,
        customer=None,
        new_customer_name="  Ines Moreau ",
        new_customer_company=" Moreau Freight ",
        occurred_at=timezone.now(),
        purpose="Intro",
    )
    customer = Customer.objects.get()
    assert (customer.rep, customer.name, customer.company) == (rep, "Ines Moreau", "Moreau Freight")
    assert (conversation.customer, conversation.purpose) == (customer, "Intro")


def test_with_a_customer_given_no_other_is_made_and_a_foreign_one_saves_nothing(rep, teammate):
    own = make_customer(rep, "Amira Haddad")
    started = services.conversation_start_with_customer(
        rep=rep, customer=own, new_customer_name="Ignored", occurred_at=timezone.now()
    )
    assert started.customer == own
    someone_elses = make_customer(teammate, "Bo Lindgren")
    with pytest.raises(ValidationError):
        services.conversation_start_with_customer(
            rep=rep, customer=someone_elses, occurred_at=timezone.now()
        )
    assert set(Customer.objects.values_list("name", flat=True)) == {"Amira Haddad", "Bo Lindgren"}
    assert list(Conversation.objects.all()) == [started]


# Pain points ---------------------------------------------------------------


def test_adding_a_pain_point_counts_it_on_the_conversation(rep):
    conversation = start_conversation(rep)
    add_pain_point(conversation, "Month-end takes nine days.")
    add_pain_point(conversation, "Approvals wait on one person.")
    conversation.refresh_from_db()
    assert conversation.pain_point_count == 2


def test_a_pain_point_is_stored_trimmed(rep):
    conversation = start_conversation(rep)
    pain = add_pain_point(conversation, "  Month-end takes nine days.  ", impact="  Late.  ")
    pain.refresh_from_db()
    assert pain.description == "Month-end takes nine days."
    assert pain.impact == "Late."


@pytest.mark.parametrize("description", ["", "   ", "\n\t "])
def test_an_empty_pain_point_is_refused_and_nothing_is_stored(rep, description):
    conversation = start_conversation(rep)
    with pytest.raises(ValidationError) as refused:
        add_pain_point(conversation, description)
    assert refused.value.code == "empty_pain_point"
    assert not PainPoint.objects.exists()
    conversation.refresh_from_db()
    assert conversation.pain_point_count == 0


def test_adding_a_pain_point_turns_the_reps_estimate_into_figures(rep):
    conversation = with_estimate(start_conversation(rep), split=(60, 20, 10, 10), minutes=30)
    add_pain_point(conversation)
    conversation.refresh_from_db()
    assert conversation.figures_source == Conversation.Source.ESTIMATED
    assert conversation.customer_talk == pytest.approx(30 * 60 * 0.60)
    assert conversation.rep_question == pytest.approx(30 * 60 * 0.20)
    assert conversation.rep_pitch == pytest.approx(30 * 60 * 0.10)
    assert conversation.rep_other == pytest.approx(30 * 60 * 0.10)
    assert conversation.listening_ratio == pytest.approx(0.60)
    assert conversation.pitch_share == pytest.approx(0.10)
    # The rep's own split says nothing about what came first in the room.
    assert conversation.diagnosed_first is None


def test_adding_a_pain_point_without_an_estimate_leaves_the_figures_empty(rep):
    conversation = start_conversation(rep)
    add_pain_point(conversation)
    conversation.refresh_from_db()
    assert conversation.figures_source == ""
    assert conversation.listening_ratio is None
    assert conversation.pain_point_count == 1


def test_an_estimate_without_a_duration_gives_no_figures(rep):
    conversation = with_estimate(start_conversation(rep), minutes=None)
    add_pain_point(conversation)
    conversation.refresh_from_db()
    assert conversation.figures_source == ""
    assert conversation.customer_talk is None


def test_a_pain_point_that_is_the_only_answer_of_a_proposal_cannot_be_deleted(rep):
    conversation = start_conversation(rep)
    pain = add_pain_point(conversation)
    proposal = add_proposal(conversation, [pain])
    with pytest.raises(ValidationError) as refused:
        services.pain_point_delete(pain_point=pain)
    assert refused.value.code == "still_answered"
    assert PainPoint.objects.filter(pk=pain.pk).exists()
    assert answered_pks(proposal) == {pain.pk}
    conversation.refresh_from_db()
    assert conversation.pain_point_count == 1


def test_a_pain_point_shared_with_another_answer_can_be_deleted(rep):
    conversation = start_conversation(rep)
    slow_close = add_pain_point(conversation, "Month-end takes nine days.")
    approvals = add_pain_point(conversation, "Approvals wait on one person.")
    proposal = add_proposal(conversation, [slow_close, approvals])
    services.pain_point_delete(pain_point=slow_close)
    assert not PainPoint.objects.filter(pk=slow_close.pk).exists()
    assert answered_pks(proposal) == {approvals.pk}
    conversation.refresh_from_db()
    assert conversation.pain_point_count == 1


def test_an_unanswered_pain_point_is_deleted_and_the_count_follows(rep):
    conversation = with_estimate(start_conversation(rep))
    add_pain_point(conversation, "Month-end takes nine days.")
    spare = add_pain_point(conversation, "Approvals wait on one person.")
    services.pain_point_delete(pain_point=spare)
    conversation.refresh_from_db()
    assert conversation.pain_point_count == 1
    assert list(conversation.pain_points.values_list("description", flat=True)) == [
        "Month-end takes nine days."
    ]


def test_deleting_the_last_pain_point_clears_diagnosed_first(rep):
    conversation = with_estimate(start_conversation(rep))
    pain = add_pain_point(conversation)
    services.pain_point_delete(pain_point=pain)
    conversation.refresh_from_db()
    assert conversation.pain_point_count == 0
    assert conversation.diagnosed_first is None


# Product talk --------------------------------------------------------------


def test_no_product_talk_before_a_pain_point(rep):
    conversation = start_conversation(rep)
    with pytest.raises(ValidationError) as refused:
        services.product_talk_add(conversation=conversation, proposal="A pilot.", answers=[])
    assert refused.value.code == "no_pain_point"
    assert refused.value.messages == [services.NO_PAIN_POINT_YET]
    assert not ProductTalk.objects.exists()


def test_product_talk_must_answer_at_least_one_pain_point(rep):
    conversation = start_conversation(rep)
    add_pain_point(conversation)
    with pytest.raises(ValidationError) as refused:
        services.product_talk_add(conversation=conversation, proposal="A pilot.", answers=[])
    assert refused.value.code == "no_answer"
    assert refused.value.messages == [services.MUST_ANSWER_A_PAIN_POINT]
    assert not ProductTalk.objects.exists()


def test_product_talk_cannot_answer_a_pain_point_of_another_conversation(rep):
    conversation = start_conversation(rep)
    add_pain_point(conversation)
    elsewhere = add_pain_point(start_conversation(rep), "Their CRM is a spreadsheet.")
    with pytest.raises(ValidationError) as refused:
        services.product_talk_add(
            conversation=conversation, proposal="A pilot.", answers=[elsewhere]
        )
    assert refused.value.code == "foreign_pain_point"
    assert refused.value.messages == [services.FOREIGN_PAIN_POINT]
    assert not ProductTalk.objects.exists()


def test_one_foreign_pain_point_among_own_ones_spoils_the_whole_proposal(rep, other_rep):
    conversation = start_conversation(rep)
    own = add_pain_point(conversation)
    foreign = add_pain_point(start_conversation(other_rep), "Their CRM is a spreadsheet.")
    with pytest.raises(ValidationError) as refused:
        services.product_talk_add(
            conversation=conversation, proposal="A pilot.", answers=[own, foreign]
        )
    assert refused.value.code == "foreign_pain_point"
    assert not ProductTalk.objects.exists()


@pytest.mark.parametrize("proposal", ["", "   "])
def test_an_empty_proposal_is_refused(rep, proposal):
    conversation = start_conversation(rep)
    pain = add_pain_point(conversation)
    with pytest.raises(ValidationError) as refused:
        services.product_talk_add(conversation=conversation, proposal=proposal, answers=[pain])
    assert refused.value.code == "empty_proposal"
    assert not ProductTalk.objects.exists()


def test_product_talk_is_stored_with_the_pain_points_it_answers(rep):
    conversation = start_conversation(rep)
    slow_close = add_pain_point(conversation, "Month-end takes nine days.")
    approvals = add_pain_point(conversation, "Approvals wait on one person.")
    proposal = services.product_talk_add(
        conversation=conversation,
        proposal="  A close checklist pilot.  ",
        answers=[slow_close, approvals],
        said_at=95.0,
    )
    proposal.refresh_from_db()
    assert proposal.conversation == conversation
    assert proposal.proposal == "A close checklist pilot."
    assert proposal.said_at == 95.0
    assert answered_pks(proposal) == {slow_close.pk, approvals.pk}


def test_updating_product_talk_changes_text_and_answers(rep):
    conversation = start_conversation(rep)
    slow_close = add_pain_point(conversation, "Month-end takes nine days.")
    approvals = add_pain_point(conversation, "Approvals wait on one person.")
    proposal = add_proposal(conversation, [slow_close])
    services.product_talk_update(
        product_talk=proposal, proposal="Approval routing.", answers=[approvals]
    )
    proposal.refresh_from_db()
    assert proposal.proposal == "Approval routing."
    assert answered_pks(proposal) == {approvals.pk}


def test_updating_product_talk_to_answer_nothing_is_refused_and_changes_nothing(rep):
    conversation = start_conversation(rep)
    pain = add_pain_point(conversation)
    proposal = add_proposal(conversation, [pain], proposal="A close checklist pilot.")
    with pytest.raises(ValidationError) as refused:
        services.product_talk_update(product_talk=proposal, proposal="Changed.", answers=[])
    assert refused.value.code == "no_answer"
    proposal.refresh_from_db()
    assert proposal.proposal == "A close checklist pilot."
    assert answered_pks(proposal) == {pain.pk}


def test_updating_product_talk_to_a_foreign_pain_point_is_refused_and_changes_nothing(
    rep, other_rep
):
    conversation = start_conversation(rep)
    pain = add_pain_point(conversation)
    proposal = add_proposal(conversation, [pain], proposal="A close checklist pilot.")
    foreign = add_pain_point(start_conversation(other_rep), "Their CRM is a spreadsheet.")
    with pytest.raises(ValidationError) as refused:
        services.product_talk_update(product_talk=proposal, proposal="Changed.", answers=[foreign])
    assert refused.value.code == "foreign_pain_point"
    proposal.refresh_from_db()
    assert proposal.proposal == "A close checklist pilot."
    assert answered_pks(proposal) == {pain.pk}


def test_updating_product_talk_to_empty_text_is_refused_and_changes_nothing(rep):
    conversation = start_conversation(rep)
    slow_close = add_pain_point(conversation, "Month-end takes nine days.")
    approvals = add_pain_point(conversation, "Approvals wait on one person.")
    proposal = add_proposal(conversation, [slow_close], proposal="A close checklist pilot.")
    with pytest.raises(ValidationError) as refused:
        services.product_talk_update(product_talk=proposal, proposal="  ", answers=[approvals])
    assert refused.value.code == "empty_proposal"
    proposal.refresh_from_db()
    assert proposal.proposal == "A close checklist pilot."
    assert answered_pks(proposal) == {slow_close.pk}


def test_updating_product_talk_after_its_pain_points_are_gone_is_refused(rep):
    conversation = start_conversation(rep)
    pain = add_pain_point(conversation)
    proposal = add_proposal(conversation, [pain], proposal="A close checklist pilot.")
    # Bypass the service's guard to reach the state a race could leave behind.
    PainPoint.objects.filter(pk=pain.pk).delete()
    with pytest.raises(ValidationError) as refused:
        services.product_talk_update(product_talk=proposal, proposal="Changed.", answers=[])
    assert refused.value.code == "no_pain_point"
    proposal.refresh_from_db()
    assert proposal.proposal == "A close checklist pilot."


# Finishing -----------------------------------------------------------------


def test_a_conversation_cannot_be_finished_without_a_pain_point(rep):
    conversation = with_estimate(start_conversation(rep))
    Conversation.objects.filter(pk=conversation.pk).update(draft_data={"purpose": "typed"})
    conversation.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.conversation_finish(conversation=conversation)
    assert refused.value.code == "no_pain_point"
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.DRAFT
    assert conversation.draft_data == {"purpose": "typed"}
    assert conversation.figures_source == ""


def test_finishing_logs_the_conversation_and_stores_estimated_figures(rep):
    conversation = with_estimate(start_conversation(rep), split=(55, 25, 15, 5), minutes=40)
    add_pain_point(conversation)
    Conversation.objects.filter(pk=conversation.pk).update(draft_data={"purpose": "typed"})
    conversation.refresh_from_db()

    services.conversation_finish(conversation=conversation)

    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.LOGGED
    assert conversation.draft_data == {}
    assert conversation.figures_source == Conversation.Source.ESTIMATED
    assert conversation.listening_ratio == pytest.approx(0.55)
    assert conversation.pitch_share == pytest.approx(0.15)
    assert conversation.customer_talk == pytest.approx(40 * 60 * 0.55)
    assert conversation.rep_question == pytest.approx(40 * 60 * 0.25)
    assert conversation.rep_pitch == pytest.approx(40 * 60 * 0.15)
    assert conversation.rep_other == pytest.approx(40 * 60 * 0.05)
    assert conversation.diagnosed_first is None
    assert conversation.pain_point_count == 1


def test_the_logged_conversation_factory_goes_through_the_same_rules(rep):
    conversation = logged_conversation(rep, split=(60, 20, 10, 10), minutes=30)
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.LOGGED
    assert conversation.listening_ratio == pytest.approx(0.60)
    assert conversation.figures_source == Conversation.Source.ESTIMATED


def test_finishing_keeps_measured_figures_over_the_estimate(rep):
    conversation = with_estimate(start_conversation(rep), split=(60, 20, 10, 10), minutes=30)
    add_pain_point(conversation)
    services.tracking_save(
        conversation=conversation,
        run="run-1",
        segments=[
            {"kind": "customer", "start": 0, "end": 42},
            {"kind": "question", "start": 42, "end": 100},
        ],
    )
    conversation.refresh_from_db()
    services.conversation_finish(conversation=conversation)
    conversation.refresh_from_db()
    assert conversation.figures_source == Conversation.Source.TRACKED
    assert conversation.listening_ratio == pytest.approx(0.42)


# Deleting and restoring ----------------------------------------------------


def test_deleting_a_conversation_is_soft_and_hides_it_everywhere(rep, manager):
    conversation = logged_conversation(rep)
    services.conversation_delete(conversation=conversation)
    row = Conversation.objects.get(pk=conversation.pk)
    assert row.deleted_at is not None
    assert row.pain_points.count() == 1
    assert not Conversation.objects.visible_to(rep).filter(pk=conversation.pk).exists()
    assert not Conversation.objects.visible_to(manager).filter(pk=conversation.pk).exists()


def test_restoring_brings_a_deleted_conversation_back(rep, manager):
    conversation = logged_conversation(rep)
    services.conversation_delete(conversation=conversation)
    services.conversation_restore(conversation=conversation)
    row = Conversation.objects.get(pk=conversation.pk)
    assert row.deleted_at is None
    assert row.status == Conversation.Status.LOGGED
    assert Conversation.objects.visible_to(rep).filter(pk=conversation.pk).exists()
    assert Conversation.objects.visible_to(manager).filter(pk=conversation.pk).exists()
