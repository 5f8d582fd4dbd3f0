"""Words from a recording: each side transcribed apart, then through the transcript path."""

from __future__ import annotations

import socket

import pytest
from django.core.exceptions import ValidationError

from conversations import services
from conversations.models import Conversation, TalkSegment, Transcript
from conversations.recordings.pipeline import measure
from conversations.recordings.words import model_path
from tests.audio import make_call, needs_audio_tools, write_wav
from tests.factories import start_conversation

HOUR = 3600.0


@pytest.fixture(scope="session")
def call_and_file(tmp_path_factory):
    call = make_call(tmp_path_factory.mktemp("voices-words"))
    path = write_wav(tmp_path_factory.mktemp("stereo-words") / "call.wav", list(call.channels()))
    return call, path


def _no_network(*args, **kwargs):
    raise AssertionError("a network connection was attempted")


@pytest.fixture(scope="session")
def measured(call_and_file):
    _call, path = call_and_file
    # The first transcription loads the model: any attempt to reach a network fails it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", _no_network)
        return measure([("call.wav", path)], max_seconds=HOUR, words=True)


@pytest.fixture
def conversation(rep) -> Conversation:
    return start_conversation(rep, purpose="Discovery call")


def _words(side: dict) -> str:
    return " ".join(text for _start, _end, text in side["lines"]).lower()


def test_the_model_is_the_one_inside_the_installed_package():
    from pathlib import Path

    folder = Path(model_path())
    assert (folder / "model.bin").is_file()
    assert "site-packages" in str(folder) or "dist-packages" in str(folder)


@needs_audio_tools
def test_each_side_gets_its_own_words_and_none_of_the_others_bleed(measured):
    rep, customer = measured["sides"]

    assert "warehouse" in _words(rep)
    assert "quarter" in _words(customer)
    # The customer's words leak onto the rep's microphone but are not the rep's words.
    assert "quarter" not in _words(rep)
    assert "warehouse" not in _words(customer)
    assert len(rep["lines"]) == len(rep["spans"])


@needs_audio_tools
def test_transcribing_loads_the_model_without_the_network(measured):
    assert all(side["lines"] for side in measured["sides"])


@needs_audio_tools
def test_a_measured_call_goes_through_the_transcript_path_labelled_recording(
    measured, call_and_file, conversation
):
    call, _path = call_and_file

    services.recording_apply(
        conversation=conversation, result=measured, rep_sides=[0], filename="call.wav"
    )

    conversation.refresh_from_db()
    assert conversation.figures_source == Conversation.Source.RECORDING
    assert abs(conversation.listening_ratio - call.listening_ratio) <= 0.02
    segments = list(conversation.segments.all())
    assert {segment.source for segment in segments} == {Conversation.Source.RECORDING}
    kinds = [segment.kind for segment in segments if segment.is_rep]
    assert TalkSegment.Kind.QUESTION in kinds  # "What have you tried so far?"
    assert TalkSegment.Kind.PITCH in kinds  # "Our platform plans pick routes..."
    assert conversation.transcript.filename == "call.wav"


@needs_audio_tools
def test_a_pain_point_marked_on_a_customer_line_comes_before_the_first_pitch(
    measured, conversation
):
    services.recording_apply(conversation=conversation, result=measured, rep_sides=[0])
    first_customer_line = conversation.segments.filter(kind=TalkSegment.Kind.CUSTOMER).first()

    services.segment_mark_pain(segment=first_customer_line)

    conversation.refresh_from_db()
    assert conversation.diagnosed_first is True


def _result(words: bool) -> dict:
    rep = [[1.0, 4.0, "How is the warehouse doing?"], [20.0, 26.0, "Our platform plans routes."]]
    customer = [[5.0, 18.0, "Pickers walk two hours a day."]]
    return {
        "layout": "stereo",
        "seconds": 30.0,
        "sides": [
            {
                "label": label,
                "spans": [[start, end] for start, end, _text in lines],
                "talk": sum(end - start for start, end, _text in lines),
                "lines": lines if words else None,
            }
            for label, lines in (("Left channel", rep), ("Right channel", customer))
        ],
    }


@pytest.mark.django_db
def test_without_words_only_timing_is_kept_and_the_rep_talk_is_other(conversation):
    services.recording_apply(conversation=conversation, result=_result(False), rep_sides=[0])

    conversation.refresh_from_db()
    assert conversation.figures_source == Conversation.Source.RECORDING
    assert conversation.listening_ratio == pytest.approx(13 / (13 + 3 + 6))
    assert conversation.diagnosed_first is None
    assert not conversation.segments.exclude(text="").exists()
    assert set(conversation.segments.values_list("kind", flat=True)) == {"customer", "other"}
    assert not Transcript.objects.filter(conversation=conversation).exists()


@pytest.mark.django_db
def test_the_right_channel_can_be_the_rep(conversation):
    services.recording_apply(conversation=conversation, result=_result(True), rep_sides=[1])

    conversation.refresh_from_db()
    assert conversation.listening_ratio == pytest.approx(9 / (9 + 13))


@pytest.mark.django_db
def test_deleting_the_transcript_words_deletes_the_recordings_words(conversation):
    services.recording_apply(conversation=conversation, result=_result(True), rep_sides=[0])
    conversation.refresh_from_db()

    services.transcript_delete_raw(transcript=conversation.transcript, words_too=True)

    assert not conversation.segments.exclude(text="").exists()
    conversation.refresh_from_db()
    assert conversation.transcript.raw_text == ""
    assert conversation.figures_source == Conversation.Source.RECORDING


@pytest.mark.django_db
@pytest.mark.parametrize("sides", [[], [0, 1], [5]])
def test_choosing_no_side_or_every_side_is_refused_and_nothing_stored(conversation, sides):
    with pytest.raises(ValidationError):
        services.recording_apply(conversation=conversation, result=_result(True), rep_sides=sides)

    assert not conversation.segments.exists()


@pytest.mark.django_db
def test_file_names_with_markup_cannot_break_the_transcript(conversation):
    result = _result(True)
    result["sides"][0]["label"] = "Rita --> <b>Osei"
    result["sides"][1]["label"] = "Rita --> <b>Osei"

    services.recording_apply(conversation=conversation, result=result, rep_sides=[0])

    speakers = set(conversation.segments.values_list("speaker", flat=True))
    assert len(speakers) == 2
    assert not any("-->" in name or "<" in name for name in speakers)
