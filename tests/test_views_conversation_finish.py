"""A measured draft says it counts once logged, and is finished right where it is read."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conversations import services
from conversations.models import Conversation
from salesheart.models import User
from tests.factories import add_pain_point, start_conversation

COUNTS = "This conversation counts on your dashboard once logged."
ZOOM = Path(__file__).parent / "fixtures" / "transcripts" / "zoom.vtt"
DASHBOARD = reverse("conversations:dashboard")


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def finish_url(conversation: Conversation) -> str:
    return reverse("conversations:finish", args=[conversation.pk])


def track(conversation: Conversation, pains: list[dict]) -> Conversation:
    return services.tracking_save(
        conversation=conversation,
        run=f"run-{conversation.pk}",
        segments=[
            {"kind": "customer", "start": 0, "end": 90},
            {"kind": "pitch", "start": 90, "end": 120},
        ],
        pain_points=pains,
    )


@pytest.fixture
def tracked_draft(rep) -> Conversation:
    conversation = start_conversation(rep, occurred_at=timezone.now() - timedelta(hours=1))
    return track(conversation, [{"at": 30, "note": "Month-end takes nine days"}])


def test_a_tracked_draft_says_it_counts_once_logged_with_the_finish_right_there(
    client, rep, tracked_draft
):
    signed_in(client, rep)
    html = client.get(tracked_draft.get_absolute_url()).content.decode()
    assert COUNTS in html
    assert "its tracked figures are left out" in html
    assert f'action="{finish_url(tracked_draft)}"' in html
    assert ">Finish: log it</button>" in html
    # The dashboard leaves it out until then, and says so with a link to it.
    dashboard = client.get(DASHBOARD).content.decode()
    assert "No talk figures in this period" in dashboard
    assert "Measured, not counted yet" in dashboard
    assert f'<a href="{tracked_draft.get_absolute_url()}">' in dashboard

    response = client.post(finish_url(tracked_draft))

    assert response.status_code == 302
    assert response["Location"] == tracked_draft.get_absolute_url()
    tracked_draft.refresh_from_db()
    assert tracked_draft.status == Conversation.Status.LOGGED
    page = client.get(tracked_draft.get_absolute_url()).content.decode()
    assert "Conversation logged: it counts on your dashboard now." in page
    assert COUNTS not in page
    dashboard = client.get(DASHBOARD).content.decode()
    assert "1 with talk figures: 1 tracked" in dashboard
    assert "Measured, not counted yet" not in dashboard


def test_a_draft_without_a_pain_point_says_what_is_missing_and_is_not_finished(client, rep):
    draft = track(start_conversation(rep), [])
    signed_in(client, rep)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert COUNTS in html
    assert "Still missing: at least one pain point, in the customer&#x27;s words." in html
    assert ">Finish: log it</button>" not in html

    response = client.post(finish_url(draft), follow=True)

    assert response.redirect_chain[-1][0] == reverse("conversations:log", args=[draft.pk])
    assert "Still missing: at least one pain point" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft


def test_a_draft_dated_in_the_future_is_not_finished(client, rep):
    draft = start_conversation(rep, occurred_at=timezone.now() + timedelta(days=1))
    add_pain_point(draft)
    signed_in(client, rep)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "Still missing: a date that has passed (it is set to " in html
    client.post(finish_url(draft))
    draft.refresh_from_db()
    assert draft.is_draft


def test_unsaved_typing_in_the_log_sends_the_finish_to_the_log_and_keeps_it(
    client, rep, tracked_draft
):
    Conversation.objects.filter(pk=tracked_draft.pk).update(draft_data={"next_step": "Call Fri"})
    signed_in(client, rep)
    assert "You have unsaved changes in the log." in (
        client.get(tracked_draft.get_absolute_url()).content.decode()
    )

    response = client.post(finish_url(tracked_draft))

    assert response["Location"] == reverse("conversations:log", args=[tracked_draft.pk])
    tracked_draft.refresh_from_db()
    assert tracked_draft.is_draft
    assert tracked_draft.draft_data == {"next_step": "Call Fri"}


def test_the_transcript_lines_page_says_so_and_finishing_there_comes_back_to_it(client, rep):
    draft = start_conversation(rep, occurred_at=timezone.now() - timedelta(hours=1))
    transcript = services.transcript_add(
        conversation=draft, text=ZOOM.read_text(encoding="utf-8"), filename="zoom.vtt"
    )
    services.transcript_analyse(transcript=transcript, rep_speakers=["Rita Osei", "Tom Reyes"])
    timeline = reverse("conversations:transcript_timeline", args=[draft.pk])
    signed_in(client, rep)
    html = client.get(timeline).content.decode()
    assert COUNTS in html
    assert "Still missing: at least one pain point" in html

    services.segment_mark_pain(segment=draft.segments.filter(kind="customer").first())
    html = client.get(timeline).content.decode()
    assert '<input type="hidden" name="back" value="timeline">' in html

    response = client.post(finish_url(draft), {"back": "timeline"})

    assert response["Location"] == timeline
    draft.refresh_from_db()
    assert draft.status == Conversation.Status.LOGGED
    assert COUNTS not in client.get(timeline).content.decode()


def test_a_logged_conversation_has_no_such_notice(client, rep, tracked_draft):
    services.conversation_finish(conversation=tracked_draft)
    html = signed_in(client, rep).get(tracked_draft.get_absolute_url()).content.decode()
    assert COUNTS not in html


def test_the_manager_reads_that_it_is_a_draft_but_cannot_finish_it(client, manager, tracked_draft):
    signed_in(client, manager)
    html = client.get(tracked_draft.get_absolute_url()).content.decode()
    assert "A draft: on no dashboard until Rita logs it." in html
    assert COUNTS not in html
    assert client.post(finish_url(tracked_draft)).status_code == 403
    tracked_draft.refresh_from_db()
    assert tracked_draft.is_draft


@pytest.mark.parametrize("persona", ["teammate", "other_manager", "other_rep"])
def test_someone_else_cannot_finish_it(request, client, tracked_draft, persona):
    signed_in(client, request.getfixturevalue(persona))
    assert client.post(finish_url(tracked_draft)).status_code == 404
    tracked_draft.refresh_from_db()
    assert tracked_draft.is_draft


def test_finishing_asks_for_a_post(client, rep, tracked_draft):
    assert signed_in(client, rep).get(finish_url(tracked_draft)).status_code == 405


def test_the_tracker_page_says_a_draft_counts_once_logged(client, rep, tracked_draft):
    html = (
        signed_in(client, rep)
        .get(reverse("conversations:tracker", args=[tracked_draft.pk]))
        .content.decode()
    )
    assert "A draft: it counts on your dashboard once logged" in html
