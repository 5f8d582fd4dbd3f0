"""A logged conversation keeps at least one pain point: removing the last one is refused
with a message (the rep can edit it instead). Going back to draft silently would drop
the conversation from every dashboard."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from conversations import services
from conversations.models import Conversation, PainPoint, ProductTalk
from tests.factories import add_pain_point, add_proposal, logged_conversation, start_conversation
from tests.helpers import breaches_of_the_rule

HTMX = {"HX-Request": "true"}


def url(name: str, conversation: Conversation, *args: int) -> str:
    return reverse(f"conversations:{name}", args=[conversation.pk, *args])


@pytest.fixture
def signed_in(client, rep):
    client.force_login(rep)
    return client


@pytest.fixture
def log(rep) -> Conversation:
    return logged_conversation(rep, pitch=False)


def test_the_last_pain_point_of_a_logged_conversation_is_kept(log):
    pain = log.pain_points.get()
    with pytest.raises(ValidationError) as refused:
        services.pain_point_delete(pain_point=pain)
    assert refused.value.code == "last_pain_point"
    assert refused.value.messages == [services.LAST_PAIN_POINT_OF_A_LOG]
    stored = Conversation.objects.get(pk=log.pk)
    assert stored.status == Conversation.Status.LOGGED
    assert stored.pain_point_count == 1
    assert PainPoint.objects.filter(pk=pain.pk).exists()


def test_a_logged_conversation_with_two_pain_points_can_lose_one(log):
    spare = add_pain_point(log, "Approvals wait on one person.")
    services.pain_point_delete(pain_point=spare)
    assert list(log.pain_points.values_list("description", flat=True)) == [
        "Month-end takes nine days."
    ]
    assert breaches_of_the_rule() == []


def test_a_draft_can_lose_its_last_pain_point(rep):
    draft = start_conversation(rep)
    pain = add_pain_point(draft)
    services.pain_point_delete(pain_point=pain)
    assert not draft.pain_points.exists()


def test_removing_a_pain_point_already_removed_is_done_already(rep):
    draft = start_conversation(rep)
    add_pain_point(draft)
    spare = add_pain_point(draft, "Approvals wait on one person.")
    twice = PainPoint.objects.get(pk=spare.pk)
    services.pain_point_delete(pain_point=spare)
    services.pain_point_delete(pain_point=twice)
    assert draft.pain_points.count() == 1
    assert breaches_of_the_rule() == []


def test_the_refusal_is_said_in_place_with_htmx(signed_in, log):
    pain = log.pain_points.get()
    response = signed_in.post(url("pain_point_delete", log, pain.pk), headers=HTMX)
    assert response.status_code == 200
    assert escape(services.LAST_PAIN_POINT_OF_A_LOG) in response.content.decode()
    assert log.pain_points.count() == 1


def test_the_refusal_is_said_on_the_log_page_without_javascript(signed_in, log):
    pain = log.pain_points.get()
    response = signed_in.post(url("pain_point_delete", log, pain.pk), follow=True)
    assert response.redirect_chain[-1][0].startswith(url("log", log))
    assert escape(services.LAST_PAIN_POINT_OF_A_LOG) in response.content.decode()
    assert log.pain_points.count() == 1


def test_the_removal_page_says_so_before_asking_and_offers_an_edit(signed_in, log):
    pain = log.pain_points.get()
    html = signed_in.get(url("pain_point_delete", log, pain.pk)).content.decode()
    assert escape(services.LAST_PAIN_POINT_OF_A_LOG) in html
    assert "Remove it" not in html
    assert url("pain_point_edit", log, pain.pk) in html


def test_the_removal_page_of_the_only_answer_of_a_proposal_says_so_too(signed_in, rep):
    draft = start_conversation(rep)
    pain = add_pain_point(draft)
    add_proposal(draft, [pain])
    html = signed_in.get(url("pain_point_delete", draft, pain.pk)).content.decode()
    assert escape(services.PAIN_POINT_STILL_ANSWERED) in html
    assert "Remove it" not in html


def test_a_removable_pain_point_is_still_asked_about(signed_in, log):
    spare = add_pain_point(log, "Approvals wait on one person.")
    html = signed_in.get(url("pain_point_delete", log, spare.pk)).content.decode()
    assert "Remove it" in html


def test_a_proposal_answering_a_pain_point_removed_meanwhile_is_refused(rep):
    draft = start_conversation(rep)
    kept = add_pain_point(draft)
    gone = add_pain_point(draft, "Approvals wait on one person.")
    proposal = add_proposal(draft, [kept])
    services.pain_point_delete(pain_point=PainPoint.objects.get(pk=gone.pk))
    with pytest.raises(ValidationError) as refused:
        services.product_talk_update(product_talk=proposal, proposal="Changed.", answers=[gone])
    assert refused.value.code == "answer_gone"
    with pytest.raises(ValidationError) as refused:
        services.product_talk_add(conversation=draft, proposal="Another.", answers=[kept, gone])
    assert refused.value.code == "answer_gone"
    assert set(proposal.answers.values_list("pk", flat=True)) == {kept.pk}
    assert ProductTalk.objects.count() == 1


def test_removing_a_proposal_goes_through_the_service_and_twice_is_fine(signed_in, rep):
    draft = start_conversation(rep)
    pain = add_pain_point(draft)
    proposal = add_proposal(draft, [pain])
    first = signed_in.post(url("proposal_delete", draft, proposal.pk))
    assert first.status_code == 302
    services.product_talk_delete(product_talk=proposal)
    assert not draft.product_talks.exists()


@pytest.mark.parametrize("proposals", [1, 10])
def test_the_removal_page_checks_in_a_fixed_number_of_queries(
    signed_in, log, django_assert_num_queries, proposals
):
    spare = add_pain_point(log, "Approvals wait on one person.")
    add_proposal(log, [spare, log.pain_points.first()])
    for _ in range(proposals):
        add_proposal(log, [spare])
    # Session, user, their managed teams, conversation, pain point; the check: other
    # pain points of the log, the proposals answering it and their answers (the session
    # is not saved: renewed at most hourly). The same however many answer it.
    with django_assert_num_queries(8):
        response = signed_in.get(url("pain_point_delete", log, spare.pk))
    assert escape(services.PAIN_POINT_STILL_ANSWERED) in response.content.decode()
