"""Segments from the tracker or a transcript become the conversation's stored figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from conversations import services
from conversations.models import Conversation, TalkSegment, Transcript
from conversations.transcripts import TranscriptError
from tests.factories import add_pain_point, start_conversation

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"
TIMELINE = [
    {"kind": "customer", "start": 0, "end": 60},
    {"kind": "question", "start": 60, "end": 80},
    {"kind": "customer", "start": 80, "end": 140},
    {"kind": "pitch", "start": 140, "end": 170},
    {"kind": "other", "start": 170, "end": 180},
]


@pytest.fixture
def conversation(rep) -> Conversation:
    return start_conversation(rep, kind=Conversation.Kind.PRACTICE)


def test_a_tracked_run_stores_segments_pain_points_and_figures(conversation):
    services.tracking_save(
        conversation=conversation,
        run="run-1",
        segments=TIMELINE,
        pain_points=[{"at": 30, "note": "Month-end takes nine days"}],
    )
    conversation.refresh_from_db()
    assert conversation.segments.count() == 5
    assert set(conversation.segments.values_list("source", flat=True)) == {"tracked"}
    assert conversation.figures_source == Conversation.Source.TRACKED
    assert conversation.listening_ratio == pytest.approx(120 / 180)
    assert conversation.pitch_share == pytest.approx(30 / 180)
    assert conversation.diagnosed_first is True
    assert conversation.pain_point_count == 1
    pain = conversation.pain_points.get()
    assert (pain.description, pain.heard_at) == ("Month-end takes nine days", 30)


def test_a_pain_point_without_a_note_is_still_kept_with_its_moment(conversation):
    services.tracking_save(
        conversation=conversation, run="r", segments=TIMELINE, pain_points=[{"at": 75}]
    )
    pain = conversation.pain_points.get()
    # No words are made up for the customer; the label names the moment instead.
    assert (pain.description, pain.heard_at) == ("", 75)
    assert pain.label == "Pain point heard at 1:15 (no note)"


def test_a_pitch_before_the_first_pain_point_is_not_diagnosed_first(conversation):
    services.tracking_save(
        conversation=conversation, run="r", segments=TIMELINE, pain_points=[{"at": 150}]
    )
    conversation.refresh_from_db()
    assert conversation.diagnosed_first is False


def test_retrying_the_same_run_changes_nothing(conversation):
    for _ in range(2):
        services.tracking_save(
            conversation=conversation, run="run-1", segments=TIMELINE, pain_points=[{"at": 5}]
        )
    assert conversation.segments.count() == 5
    assert conversation.pain_points.count() == 1


def test_a_new_run_replaces_the_timeline_and_adds_its_pain_points(conversation):
    services.tracking_save(conversation=conversation, run="one", segments=TIMELINE)
    services.tracking_save(
        conversation=conversation,
        run="two",
        segments=[{"kind": "customer", "start": 0, "end": 10}],
        pain_points=[{"at": 2, "note": "x"}],
    )
    conversation.refresh_from_db()
    assert conversation.segments.count() == 1
    assert conversation.listening_ratio == 1.0


@pytest.mark.parametrize(
    "segments",
    [
        [{"kind": "shouting", "start": 0, "end": 1}],
        [{"kind": "customer", "start": -5, "end": 1}],
        [{"kind": "customer", "start": 0, "end": 9 * 3600}],
        [{"kind": "customer", "start": "soon", "end": 1}],
        [{"start": 0, "end": 1}],
    ],
)
def test_a_broken_timeline_is_refused_and_nothing_is_saved(conversation, segments):
    services.tracking_save(conversation=conversation, run="good", segments=TIMELINE)
    with pytest.raises(ValidationError):
        services.tracking_save(conversation=conversation, run="bad", segments=segments)
    assert conversation.segments.count() == 5
    conversation.refresh_from_db()
    assert conversation.tracked_run == "good"


def test_hand_logged_pain_points_do_not_make_a_measured_pitch_look_early(conversation):
    add_pain_point(conversation)
    services.tracking_save(conversation=conversation, run="r", segments=TIMELINE)
    conversation.refresh_from_db()
    assert conversation.diagnosed_first is None
    assert conversation.pain_point_count == 1


def test_an_estimate_comes_back_when_the_timeline_goes(conversation):
    add_pain_point(conversation)
    conversation.estimate_customer, conversation.estimate_asking = 50, 30
    conversation.estimate_pitching, conversation.estimate_other = 10, 10
    conversation.duration_minutes = 10
    conversation.save()
    services.tracking_save(conversation=conversation, run="r", segments=TIMELINE)
    conversation.segments.all().delete()
    services.conversation_refresh_figures(conversation=conversation)
    conversation.refresh_from_db()
    assert conversation.figures_source == Conversation.Source.ESTIMATED
    assert conversation.listening_ratio == pytest.approx(0.5)


# Transcripts ---------------------------------------------------------------------


def zoom_text() -> str:
    return (FIXTURES / "zoom.vtt").read_text()


def test_a_transcript_waits_for_the_selling_side_before_any_figure(conversation):
    transcript = services.transcript_add(
        conversation=conversation, text=zoom_text(), filename="zoom.vtt"
    )
    assert transcript.speakers and not transcript.is_analysed
    assert not conversation.segments.exists()


def test_analysing_classifies_rep_lines_and_stores_transcript_figures(conversation):
    transcript = services.transcript_add(conversation=conversation, text=zoom_text())
    rep_speaker = transcript.speakers[0]
    services.transcript_analyse(transcript=transcript, rep_speakers=[rep_speaker])
    conversation.refresh_from_db()
    segments = list(conversation.segments.all())
    assert segments and all(s.source == "transcript" for s in segments)
    assert {s.kind for s in segments if s.speaker == rep_speaker} <= {"question", "pitch", "other"}
    assert {s.kind for s in segments if s.speaker != rep_speaker} == {"customer"}
    assert conversation.figures_source == Conversation.Source.TRANSCRIPT
    assert 0 < conversation.listening_ratio < 1


@pytest.mark.parametrize("choose", ["nobody", "everybody", "a stranger"])
def test_the_selling_side_must_be_some_but_not_all_speakers(conversation, choose):
    transcript = services.transcript_add(conversation=conversation, text=zoom_text())
    chosen = {"nobody": [], "everybody": transcript.speakers, "a stranger": ["Nobody Here"]}
    with pytest.raises(ValidationError):
        services.transcript_analyse(transcript=transcript, rep_speakers=chosen[choose])
    assert not conversation.segments.exists()


def test_a_bad_transcript_stores_nothing_and_keeps_the_earlier_one(conversation):
    earlier = services.transcript_add(conversation=conversation, text=zoom_text())
    with pytest.raises(TranscriptError):
        services.transcript_add(conversation=conversation, text="just some words, nobody speaking")
    assert list(Transcript.objects.filter(pending_for=conversation)) == [earlier]
    assert conversation.segments.count() == 0


def analysed(conversation: Conversation):
    transcript = services.transcript_add(conversation=conversation, text=zoom_text())
    return services.transcript_analyse(transcript=transcript, rep_speakers=[transcript.speakers[0]])


def test_retagging_a_rep_line_changes_the_figures(conversation):
    analysed(conversation)
    line = conversation.segments.exclude(kind="customer").exclude(kind="pitch").first()
    before = Conversation.objects.get(pk=conversation.pk).pitch_share
    services.segment_retag(segment=line, kind="pitch")
    after = Conversation.objects.get(pk=conversation.pk).pitch_share
    assert after > before


def test_a_customer_line_cannot_be_retagged_as_rep_talk(conversation):
    analysed(conversation)
    line = conversation.segments.filter(kind="customer").first()
    with pytest.raises(ValidationError):
        services.segment_retag(segment=line, kind="pitch")
    line.refresh_from_db()
    assert line.kind == "customer"


def test_marking_a_customer_line_makes_a_pain_point_in_their_words_once(conversation):
    analysed(conversation)
    line = conversation.segments.filter(kind="customer").first()
    first = services.segment_mark_pain(segment=line)
    again = services.segment_mark_pain(segment=TalkSegment.objects.get(pk=line.pk))
    assert first == again
    assert (first.description, first.heard_at) == (line.text, line.start)
    conversation.refresh_from_db()
    assert conversation.pain_point_count == 1
    assert conversation.diagnosed_first is not None


def test_deleting_the_raw_text_keeps_the_timeline_and_figures(conversation):
    transcript = analysed(conversation)
    ratio = Conversation.objects.get(pk=conversation.pk).listening_ratio
    services.transcript_delete_raw(transcript=transcript)
    transcript.refresh_from_db()
    assert transcript.raw_text == "" and transcript.raw_deleted_at is not None
    assert conversation.segments.exists()
    assert Conversation.objects.get(pk=conversation.pk).listening_ratio == ratio


def test_a_name_chosen_twice_counts_once(conversation):
    transcript = services.transcript_add(conversation=conversation, text=zoom_text())
    name = transcript.speakers[0]
    services.transcript_analyse(transcript=transcript, rep_speakers=[name, name])
    assert Transcript.objects.get(pk=transcript.pk).rep_speakers == [name]


def test_the_text_cannot_be_deleted_before_the_timeline_is_built(conversation):
    transcript = services.transcript_add(conversation=conversation, text=zoom_text())
    with pytest.raises(ValidationError):
        services.transcript_delete_raw(transcript=transcript)
    assert Transcript.objects.get(pk=transcript.pk).raw_text


def test_analysing_again_keeps_marked_pain_points_on_their_lines(conversation):
    transcript = analysed(conversation)
    line = conversation.segments.filter(kind="customer").first()
    pain = services.segment_mark_pain(segment=line)
    services.transcript_analyse(transcript=transcript, rep_speakers=transcript.rep_speakers)
    again = conversation.segments.get(start=line.start, text=line.text)
    assert again.pain_point == pain
    assert services.segment_mark_pain(segment=again) == pain
    assert conversation.pain_points.count() == 1


def test_long_speaker_names_match_their_lines(conversation):
    long_name = " ".join(["Featherstonehaugh" + "e" * 16] * 5)
    text = f"{long_name}: What hurts today?\nAmira Haddad: Month-end takes nine days."
    transcript = services.transcript_add(conversation=conversation, text=text)
    assert transcript.speakers[0] == long_name[:120]
    services.transcript_analyse(transcript=transcript, rep_speakers=[transcript.speakers[0]])
    assert conversation.segments.filter(speaker=long_name[:120]).count() == 1


def test_a_seller_with_a_very_long_name_has_their_lines_counted_as_the_sellers(conversation):
    long_name = "Alexandra Montgomery-Featherstonehaugh (" + "Northwind Holdings, " * 6 + "EMEA)"
    text = (
        f"WEBVTT\n\n00:01.000 --> 00:04.000\n<v {long_name}>What hurts today?</v>\n\n"
        "00:04.500 --> 00:09.000\n<v Amira Haddad>Month-end takes nine days.</v>\n"
    )
    transcript = services.transcript_add(conversation=conversation, text=text)
    services.transcript_analyse(transcript=transcript, rep_speakers=[transcript.speakers[0]])

    assert list(conversation.segments.values_list("kind", flat=True)) == ["question", "customer"]
    conversation.refresh_from_db()
    assert conversation.listening_ratio == pytest.approx(4.5 / 7.5)
