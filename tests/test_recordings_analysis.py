"""The analysis library on calls with known truth: stereo, per-track, compressed, bad files."""

from __future__ import annotations

import numpy as np
import pytest

from conversations.recordings.analyse import MONO_MESSAGE, STEREO, TRACKS, analyse, check_size
from conversations.recordings.errors import RecordingError
from conversations.recordings.voice import (
    FRAME_SECONDS,
    apply_bleed_rule,
    frame_levels,
    voiced_frames,
)
from tests.audio import Call, encode, make_call, needs_audio_tools, write_wav

pytestmark = needs_audio_tools
HOUR = 3600.0


@pytest.fixture(scope="session")
def call(tmp_path_factory) -> Call:
    return make_call(tmp_path_factory.mktemp("voices"))


@pytest.fixture(scope="session")
def stereo_wav(call, tmp_path_factory):
    path = tmp_path_factory.mktemp("stereo") / "call.wav"
    return write_wav(path, list(call.channels()))


def _overlap(spans, truth) -> float:
    return sum(
        max(0.0, min(span.end, end) - max(span.start, start))
        for span in spans
        for start, end in truth
    )


def test_a_stereo_call_with_bleed_and_noise_gives_the_listening_ratio_within_two_points(
    call, stereo_wav
):
    analysis = analyse([("call.wav", stereo_wav)], max_seconds=HOUR)

    assert analysis.layout == STEREO
    rep, customer = analysis.sides
    measured = customer.talk_seconds / (customer.talk_seconds + rep.talk_seconds)
    assert abs(measured - call.listening_ratio) <= 0.02
    # Nearly all of each side's measured talk falls where that side really spoke.
    assert _overlap(rep.spans, call.truth["rep"]) >= 0.9 * rep.talk_seconds
    assert _overlap(customer.spans, call.truth["customer"]) >= 0.9 * customer.talk_seconds


def test_each_line_of_the_call_is_found_in_order(call, stereo_wav):
    analysis = analyse([("call.wav", stereo_wav)], max_seconds=HOUR)

    rep, customer = analysis.sides
    assert len(rep.spans) == len(call.truth["rep"])
    assert len(customer.spans) == len(call.truth["customer"])
    for spans, side in ((rep.spans, "rep"), (customer.spans, "customer")):
        for span, (start, _end) in zip(spans, call.truth[side], strict=True):
            assert abs(span.start - start) <= 0.2


def test_the_bleed_rule_gives_a_frame_to_the_clearly_louder_side(call):
    # No noise at all: the rep's microphone hears the customer plainly, and its own
    # detector calls that speech; only the rule keeps it off the rep's side.
    left, right = call.channels(bleed_db=-20.0, noise_dbfs=None)
    levels = [frame_levels(left), frame_levels(right)]
    voiced = [voiced_frames(left, levels[0]), voiced_frames(right, levels[1])]
    frames_in = [
        slice(int(start / FRAME_SECONDS) + 3, int(end / FRAME_SECONDS) - 3)
        for start, end in call.truth["customer"]
    ]
    heard_by_rep_mic = sum(int(voiced[0][span].sum()) for span in frames_in)

    rep_after_rule, customer_after_rule = apply_bleed_rule(voiced, levels)

    assert heard_by_rep_mic > 50  # the bleed is real
    assert sum(int(rep_after_rule[span].sum()) for span in frames_in) == 0
    assert sum(int(customer_after_rule[span].sum()) for span in frames_in) > 50


def test_both_sides_count_when_both_clearly_speak():
    voiced = [np.array([True, True, True, False]), np.array([True, True, False, True])]
    levels = [np.array([-20.0, -20.0, -20.0, -60.0]), np.array([-22.0, -45.0, -60.0, -20.0])]

    left, right = apply_bleed_rule(voiced, levels)

    assert left.tolist() == [True, True, True, False]
    # Frame 0: both at speaking level (cross-talk); frame 1: right is 25 dB down (bleed).
    assert right.tolist() == [True, False, False, True]


@pytest.mark.parametrize("suffix", [".mp3", ".ogg", ".m4a", ".opus", ".webm", ".flac"])
def test_compressed_forms_measure_like_the_wav(call, stereo_wav, tmp_path, suffix):
    compressed = encode(stereo_wav, tmp_path / f"call{suffix}")

    analysis = analyse([(compressed.name, compressed)], max_seconds=HOUR)

    rep, customer = analysis.sides
    measured = customer.talk_seconds / (customer.talk_seconds + rep.talk_seconds)
    assert abs(measured - call.listening_ratio) <= 0.02


def test_one_file_per_participant_gives_one_side_each_named_by_file(call, tmp_path):
    left, right = call.channels()
    rita = write_wav(tmp_path / "Rita_Osei.wav", [left])
    dana = encode(
        write_wav(tmp_path / "dana.wav", [right[: len(right) - 16_000]]), tmp_path / "Dana_Reed.m4a"
    )

    analysis = analyse([("Rita_Osei.wav", rita), ("Dana_Reed.m4a", dana)], max_seconds=HOUR)

    assert analysis.layout == TRACKS
    assert [side.label for side in analysis.sides] == ["Rita Osei", "Dana Reed"]
    rep, customer = analysis.sides
    measured = customer.talk_seconds / (customer.talk_seconds + rep.talk_seconds)
    assert abs(measured - call.listening_ratio) <= 0.02


def test_a_mono_recording_is_refused_with_how_to_get_sides(call, tmp_path):
    left, right = call.channels(bleed_db=None)
    mixed = ((left.astype(np.int32) + right) // 2).astype(np.int16)
    path = write_wav(tmp_path / "mono.wav", [mixed])

    with pytest.raises(RecordingError) as refused:
        analyse([("mono.wav", path)], max_seconds=HOUR)

    assert refused.value.code == "mono"
    assert str(refused.value) == MONO_MESSAGE
    assert "separate audio file for each participant" in MONO_MESSAGE


def test_a_stereo_file_with_the_same_sound_on_both_channels_is_mono_in_disguise(call, tmp_path):
    left, right = call.channels(bleed_db=None, noise_dbfs=None)
    mixed = ((left.astype(np.int32) + right) // 2).astype(np.int16)
    panned = (mixed * 0.8).astype(np.int16)
    path = write_wav(tmp_path / "fake-stereo.wav", [mixed, panned])

    with pytest.raises(RecordingError) as refused:
        analyse([("fake-stereo.wav", path)], max_seconds=HOUR)

    assert refused.value.code == "mono"


def _refusal(path, **kwargs) -> str:
    with pytest.raises(RecordingError) as refused:
        analyse([(path.name, path)], max_seconds=kwargs.get("max_seconds", HOUR))
    return refused.value.code


def test_silence_is_refused(tmp_path):
    silence = np.zeros(RATE_SECONDS(20), dtype=np.int16)
    assert _refusal(write_wav(tmp_path / "s.wav", [silence, silence.copy()])) == "silence"


def RATE_SECONDS(seconds: float) -> int:  # noqa: N802 (reads as a unit)
    return int(seconds * 16_000)


def test_pure_noise_is_refused_as_no_speech(tmp_path):
    rng = np.random.default_rng(3)
    noise = [rng.normal(0, 800, RATE_SECONDS(20)).astype(np.int16) for _ in range(2)]
    assert _refusal(write_wav(tmp_path / "n.wav", noise)) == "no_speech"


def test_a_file_that_is_not_audio_is_refused(tmp_path):
    path = tmp_path / "notes.mp3"
    path.write_text("Rita: hello\nDana: hi there\n" * 50)
    assert _refusal(path) == "not_audio"


def test_a_truncated_file_is_refused(stereo_wav, tmp_path):
    data = stereo_wav.read_bytes()
    path = tmp_path / "cut.wav"
    path.write_bytes(data[: len(data) // 2])
    assert _refusal(path) == "truncated"


def test_a_recording_where_one_side_is_silent_is_refused(call, tmp_path):
    left, _right = call.channels(bleed_db=None)
    rng = np.random.default_rng(5)
    hiss = rng.normal(0, 30, len(left)).astype(np.int16)
    assert _refusal(write_wav(tmp_path / "one.wav", [left, hiss])) == "one_side_silent"


def test_a_recording_longer_than_the_limit_is_refused(stereo_wav):
    assert _refusal(stereo_wav, max_seconds=10) == "too_long"


def test_a_file_over_the_size_limit_is_refused_before_decoding():
    with pytest.raises(RecordingError) as refused:
        check_size(250_000_000, max_bytes=200_000_000)
    assert refused.value.code == "too_large"
    assert "250 MB" in str(refused.value)
