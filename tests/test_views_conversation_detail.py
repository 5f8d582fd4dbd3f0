"""One conversation read back, and deleting it with an undo."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations import services
from conversations.models import Conversation, PainPoint
from tests.factories import (
    add_pain_point,
    add_proposal,
    logged_conversation,
    make_customer,
    start_conversation,
)

LIST_URL = reverse("conversations:list")

# Session, user, managed teams, the conversation with its customer and rep's team, its pain
# points with what answers them, its talk segments and transcript (for the timeline), its
# coaching notes with their authors,
# proposals with what they answer: the same at any number of pain points and proposals;
# and the team's bands per kind of call. The session is not saved: it is renewed at most
# hourly (salesheart/sessions.py).
DETAIL_QUERIES = 12


def url(name: str, conversation: Conversation) -> str:
    return reverse(f"conversations:{name}", args=[conversation.pk])


def finish_log(conversation: Conversation, **fields) -> Conversation:
    """What the log form's save does for the scalar fields of a conversation."""
    for name, value in fields.items():
        setattr(conversation, name, value)
    conversation.refresh_estimated_figures()
    conversation.save()
    return conversation


@pytest.fixture
def signed_in(client, rep):
    client.force_login(rep)
    return client


@pytest.fixture
def conversation(rep) -> Conversation:
    """A full log: two pain points, one answered by two proposals, one not answered at all."""
    customer = make_customer(rep, "Amira Haddad", company="Harbour Freight Ltd")
    conversation = start_conversation(rep, customer, purpose="Quarterly review")
    closing = add_pain_point(
        conversation,
        "Month-end takes nine days.",
        impact="The board sees numbers too late.",
        urgency=PainPoint.Urgency.HIGH,
    )
    add_pain_point(
        conversation,
        "Approvals wait on one person.",
        impact="Suppliers are paid late.",
        urgency=PainPoint.Urgency.LOW,
    )
    add_proposal(conversation, [closing], "A close checklist pilot.")
    add_proposal(conversation, [closing], "Weekly soft close.")
    conversation.estimate_customer = 60
    conversation.estimate_asking = 15
    conversation.estimate_pitching = 20
    conversation.estimate_other = 5
    conversation.duration_minutes = 40
    services.conversation_finish(conversation=conversation)
    return finish_log(
        conversation,
        outcome=Conversation.Outcome.NEXT_MEETING,
        next_step="Send the pilot plan by Friday",
        notes="She leads a team of six.",
    )


# What the page shows ---------------------------------------------------------


def test_the_page_shows_the_customer_and_the_purpose(signed_in, conversation):
    response = signed_in.get(url("detail", conversation))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Amira Haddad (Harbour Freight Ltd)</h1>" in html
    assert "<strong>Purpose:</strong> Quarterly review" in html


def test_every_pain_point_shows_its_impact_and_urgency(signed_in, conversation):
    html = signed_in.get(url("detail", conversation)).content.decode()
    assert "“Month-end takes nine days.”" in html
    assert "The board sees numbers too late." in html
    assert "Urgency: High: it hurts now" in html
    assert "“Approvals wait on one person.”" in html
    assert "Suppliers are paid late." in html
    assert "Urgency: Low: it can wait" in html
    assert html.index("Month-end takes nine days.") < html.index("Approvals wait on one person.")


def test_each_pain_point_says_which_proposals_answer_it(signed_in, conversation):
    html = signed_in.get(url("detail", conversation)).content.decode()
    answered = html[html.index("Month-end takes nine days.") : html.index("Approvals wait")]
    assert "<strong>Answered by:</strong> A close checklist pilot.; Weekly soft close." in answered
    unanswered = html[html.index("Approvals wait") : html.index('id="proposed-heading"')]
    assert "Nothing proposed for this yet." in unanswered
    assert "Answered by:" not in unanswered


def test_each_proposal_says_which_pain_points_it_answers(signed_in, conversation):
    html = signed_in.get(url("detail", conversation)).content.decode()
    proposals = html[html.index('id="proposed-heading"') : html.index('id="outcome-heading"')]
    assert "<p>A close checklist pilot.</p>" in proposals
    assert "<p>Weekly soft close.</p>" in proposals
    assert proposals.count("Answers: “Month-end takes nine days.”") == 2


def test_a_proposal_answering_two_pain_points_names_both(signed_in, rep):
    conversation = start_conversation(rep, make_customer(rep))
    first = add_pain_point(conversation, "Month-end takes nine days.")
    second = add_pain_point(conversation, "Approvals wait on one person.")
    add_proposal(conversation, [first, second], "A workflow pilot.")
    html = signed_in.get(url("detail", conversation)).content.decode()
    assert "Answers: “Month-end takes nine days.”; “Approvals wait on one person.”" in html
    assert html.count("<strong>Answered by:</strong> A workflow pilot.") == 2


def test_a_conversation_without_proposals_has_no_proposals_section(signed_in, rep):
    conversation = logged_conversation(rep, make_customer(rep), pitch=False)
    html = signed_in.get(url("detail", conversation)).content.decode()
    assert "What you proposed" not in html
    assert "Nothing proposed for this yet." in html


def test_the_page_shows_outcome_next_step_duration_and_notes(signed_in, conversation):
    html = signed_in.get(url("detail", conversation)).content.decode()
    assert "<dt>Outcome</dt><dd>Next meeting agreed</dd>" in html
    assert "<dt>Next step</dt><dd>Send the pilot plan by Friday</dd>" in html
    assert "<dt>Duration</dt><dd>40 min</dd>" in html
    assert "She leads a team of six." in html


def test_the_talk_figures_show_their_source_and_the_teams_band(signed_in, conversation):
    html = signed_in.get(url("detail", conversation)).content.decode()
    assert (
        "Source: <strong>Estimated</strong>: your own split of the talk over the 40 min logged."
        in html
    )
    assert "Team target: 50–64 % listening." in html
    assert '<span class="readout-value">60 %</span>' in html
    assert "Measured: estimated" in html
    assert "<dt>Pitch share</dt><dd>20 %</dd>" in html
    # 40 minutes: 60 % is 24 minutes of the customer, 20 % is 8 minutes of pitch.
    assert "<dt>Customer talking</dt><dd>24 min 00 s</dd>" in html
    assert "<dt>You on the product</dt><dd>8 min 00 s</dd>" in html
    assert "<dt>Listening to pitching</dt><dd>3.0 : 1</dd>" in html
    assert "Listening 60 %" in html
    assert "(estimated)" in html


def test_an_estimate_says_the_order_was_not_measured(signed_in, conversation):
    html = signed_in.get(url("detail", conversation)).content.decode()
    assert "<dt>Diagnosed first</dt><dd>Not measured: an estimate of the split" in html
    assert '<span class="badge">Order not measured</span>' in html
    assert "Diagnosed first</span>" not in html


def test_the_target_band_follows_the_teams_own_target(signed_in, team, conversation):
    team.listening_target = 65
    team.listening_tolerance = 5
    team.save()
    html = signed_in.get(url("detail", conversation)).content.decode()
    assert "Team target: 60–70 % listening." in html
    assert '<span class="badge good">Listening 60 %' in html


def test_no_pitch_at_all_shows_infinite_listening_to_pitching(signed_in, rep):
    conversation = logged_conversation(rep, make_customer(rep), split=(70, 20, 0, 10), pitch=False)
    html = signed_in.get(url("detail", conversation)).content.decode()
    assert "<dt>Listening to pitching</dt><dd>∞</dd>" in html


def test_a_conversation_without_a_split_has_no_figures_yet(signed_in, rep):
    conversation = start_conversation(rep, make_customer(rep))
    add_pain_point(conversation)
    html = signed_in.get(url("detail", conversation)).content.decode()
    assert "No talk figures yet." in html
    assert url("log", conversation) in html
    assert "Team target" not in html


# Owner and manager -----------------------------------------------------------


def test_the_owner_sees_edit_and_delete(signed_in, conversation):
    html = signed_in.get(url("detail", conversation)).content.decode()
    assert f'href="{url("log", conversation)}">Edit</a>' in html
    assert f'href="{url("delete", conversation)}">Delete</a>' in html
    assert "(read-only)" not in html


def test_the_owner_of_a_draft_continues_or_discards_it(signed_in, rep):
    draft = start_conversation(rep, make_customer(rep))
    html = signed_in.get(url("detail", draft)).content.decode()
    assert f'href="{url("log", draft)}">Continue logging</a>' in html
    assert f'href="{url("delete", draft)}">Discard</a>' in html


def test_the_reps_manager_reads_it_without_edit_or_delete(client, manager, conversation):
    client.force_login(manager)
    response = client.get(url("detail", conversation))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rita Osei's conversation (read-only)" in html
    assert "Month-end takes nine days." in html
    assert "Team target: 50–64 % listening." in html
    assert url("log", conversation) not in html
    assert url("delete", conversation) not in html
    assert ">Edit</a>" not in html


# Deleting --------------------------------------------------------------------


def test_the_delete_page_asks_first_and_deletes_nothing(signed_in, conversation):
    response = signed_in.get(url("delete", conversation))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Delete this conversation?" in html
    assert "<strong>Amira Haddad (Harbour Freight Ltd)</strong>" in html
    assert "with 2 pain points" in html
    assert f'href="{url("detail", conversation)}">Keep it</a>' in html
    conversation.refresh_from_db()
    assert conversation.deleted_at is None


def test_deleting_keeps_the_row_but_takes_it_off_the_list(signed_in, conversation):
    before = timezone.now()
    response = signed_in.post(url("delete", conversation))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Conversation deleted</h1>" in html
    assert f'action="{url("restore", conversation)}"' in html
    assert '<button type="submit" class="button">Undo</button>' in html
    conversation.refresh_from_db()
    assert conversation.deleted_at is not None
    assert conversation.deleted_at >= before
    assert conversation.pain_points.count() == 2
    assert conversation.product_talks.count() == 2
    assert list(signed_in.get(LIST_URL).context["page"].object_list) == []
    assert signed_in.get(url("detail", conversation)).status_code == 404


def test_undo_brings_the_conversation_back(signed_in, conversation):
    signed_in.post(url("delete", conversation))
    response = signed_in.post(url("restore", conversation), follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [(url("detail", conversation), 302)]
    assert "Restored." in html
    assert "Month-end takes nine days." in html
    conversation.refresh_from_db()
    assert conversation.deleted_at is None
    listed = signed_in.get(LIST_URL).context["page"].object_list
    assert [row.pk for row in listed] == [conversation.pk]


def test_deleting_a_draft_says_discard(signed_in, rep):
    draft = start_conversation(rep, make_customer(rep, "Chen Wei"))
    confirm = signed_in.get(url("delete", draft)).content.decode()
    assert "Discard this draft?" in confirm
    assert "Discard the draft</button>" in confirm
    assert f'href="{url("log", draft)}">Keep it</a>' in confirm
    assert "Delete this conversation?" not in confirm
    done = signed_in.post(url("delete", draft)).content.decode()
    assert "<h1>Draft discarded</h1>" in done
    assert "Undo</button>" in done
    draft.refresh_from_db()
    assert draft.deleted_at is not None
    assert "Chen Wei" not in signed_in.get(LIST_URL).content.decode().split('role="search"')[0]


def test_a_discarded_draft_comes_back_among_the_drafts_on_undo(signed_in, rep):
    draft = start_conversation(rep, make_customer(rep, "Chen Wei"))
    signed_in.post(url("delete", draft))
    signed_in.post(url("restore", draft))
    assert [row.pk for row in signed_in.get(LIST_URL).context["drafts"]] == [draft.pk]


# Queries ---------------------------------------------------------------------


@pytest.mark.parametrize("pain_points", [1, 15])
def test_the_page_takes_the_same_number_of_queries_however_many_items(
    signed_in, rep, django_assert_num_queries, pain_points
):
    conversation = start_conversation(rep, make_customer(rep))
    made = []
    for number in range(pain_points):
        pain = add_pain_point(conversation, f"Pain number {number}")
        made.append(pain)
        add_proposal(conversation, made[-2:], f"Answer number {number}")
    finish_log(
        conversation,
        estimate_customer=60,
        estimate_asking=20,
        estimate_pitching=10,
        estimate_other=10,
        duration_minutes=30,
    )
    with django_assert_num_queries(DETAIL_QUERIES):
        response = signed_in.get(url("detail", conversation))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<strong>Answered by:</strong>") == pain_points
    assert f"Answer number {pain_points - 1}" in html


def tracked_for(rep, *, minutes: int | None, seconds: float) -> Conversation:
    conversation = start_conversation(rep, make_customer(rep))
    services.tracking_save(
        conversation=conversation,
        run="length",
        segments=[
            {"kind": "customer", "start": 0, "end": seconds / 2},
            {"kind": "question", "start": seconds / 2, "end": seconds},
        ],
    )
    Conversation.objects.filter(pk=conversation.pk).update(duration_minutes=minutes)
    conversation.refresh_from_db()
    return conversation


def test_a_logged_duration_unlike_the_timeline_says_the_figures_come_from_the_timeline(
    signed_in, rep
):
    conversation = tracked_for(rep, minutes=20, seconds=62)
    html = signed_in.get(url("detail", conversation)).content.decode()
    assert (
        "Source: <strong>Tracked</strong>, from the 1:02 timeline, "
        "not from the 20 min logged as the duration." in html
    )
    assert "20 min as logged; the talk figures come from the 1:02 tracked timeline" in html


def test_a_duration_that_matches_the_timeline_needs_no_comment(signed_in, rep):
    conversation = tracked_for(rep, minutes=20, seconds=20 * 60 + 25)
    html = signed_in.get(url("detail", conversation)).content.decode()
    assert "Source: <strong>Tracked</strong>, from the 20:25 timeline." in html
    assert "logged as the duration" not in html
    assert "<dd>20 min</dd>" in html
