"""Talk figures from a timeline: each definition of DESIGN.md pinned on a small hand-made case."""

from __future__ import annotations

import math

import pytest

from conversations.metrics import (
    Kind,
    Segment,
    Span,
    TalkFigures,
    figures_from_segments,
    format_listening_to_pitching,
    is_acknowledgement,
    is_rep_kind,
    per_hour,
)

# R for the rep's other talk: ruff refuses a variable named O.
C, Q, P, R = Kind.CUSTOMER, Kind.QUESTION, Kind.PITCH, Kind.OTHER


def seg(kind: str, start: float, end: float) -> Segment:
    return Segment(kind=kind, start=start, end=end)


# 187 s on the clock, 180 s of talk: silence at 15-17 and 125-130.
# customer 8 + 60 + 30 + 22 = 120, question 3 x 5 = 15, pitch 30, other 15.
NORMAL = [
    seg(R, 0, 15),
    seg(C, 17, 25),
    seg(Q, 25, 30),
    seg(C, 30, 90),
    seg(Q, 90, 95),
    seg(C, 95, 125),
    seg(P, 130, 160),
    seg(Q, 160, 165),
    seg(C, 165, 187),
]


def test_a_normal_conversation_gives_exact_figures():
    figures = figures_from_segments(NORMAL, pain_points_heard_at=[40.0, 100.0])

    assert figures.customer_talk == 120
    assert figures.rep_question == 15
    assert figures.rep_pitch == 30
    assert figures.rep_other == 15
    assert figures.total_talk == 180
    assert figures.listening_ratio == pytest.approx(2 / 3)
    assert figures.pitch_share == pytest.approx(1 / 6)
    assert figures.listening_to_pitching == pytest.approx(4.0)
    assert format_listening_to_pitching(figures.customer_talk, figures.rep_pitch) == "4.0 : 1"
    assert figures.diagnosed_first is True
    assert figures.questions_asked == 3
    # The pitch and the question straight after it are one monologue: 30 + 5.
    assert figures.longest_rep_monologue == 35
    assert figures.longest_customer_story == 60
    # other>C, C>Q, Q>C, C>Q, Q>C, C>P, Q>C: 7 switches in 3 minutes of talk.
    assert figures.interactivity == pytest.approx(7 / 3)


def test_silence_between_segments_counts_towards_nothing():
    figures = figures_from_segments([seg(C, 0, 10), seg(P, 40, 50)])

    assert figures.total_talk == 20
    assert figures.listening_ratio == pytest.approx(0.5)
    # One switch per 20 s of talk, not per 50 s on the clock.
    assert figures.interactivity == pytest.approx(3.0)


def test_silence_inside_a_monologue_is_not_part_of_it():
    figures = figures_from_segments([seg(Q, 0, 10), seg(P, 50, 60), seg(C, 100, 130)])

    assert figures.longest_rep_monologue == 20
    assert figures.longest_customer_story == 30


def test_a_customer_segment_between_rep_segments_ends_the_monologue():
    figures = figures_from_segments([seg(Q, 0, 10), seg(C, 10, 12), seg(P, 12, 24)])

    assert figures.longest_rep_monologue == 12
    assert figures.longest_customer_story == 2


def test_any_rep_kind_continues_a_monologue_and_is_no_speaker_switch():
    figures = figures_from_segments([seg(Q, 0, 10), seg(P, 10, 20), seg(R, 20, 30)])

    assert figures.longest_rep_monologue == 30
    assert figures.interactivity == 0.0


def test_no_pitch_shows_the_ratio_as_infinity():
    figures = figures_from_segments([seg(C, 0, 30), seg(Q, 30, 40)])

    assert figures.rep_pitch == 0.0
    assert figures.listening_to_pitching is None
    assert format_listening_to_pitching(figures.customer_talk, figures.rep_pitch) == "∞"
    assert figures.pitch_share == 0.0


def test_no_customer_talk_gives_a_listening_ratio_of_zero():
    figures = figures_from_segments([seg(Q, 0, 10), seg(P, 10, 40)])

    assert figures.customer_talk == 0.0
    assert figures.listening_ratio == 0.0
    assert figures.listening_to_pitching == 0.0
    assert format_listening_to_pitching(figures.customer_talk, figures.rep_pitch) == "0.0 : 1"


def test_cross_talk_counts_for_both_sides():
    figures = figures_from_segments([seg(C, 0, 10), seg(P, 5, 15)])

    assert figures.customer_talk == 10
    assert figures.rep_pitch == 10
    # 20 s of talk in 15 s on the clock: both voices were talking at 5-10.
    assert figures.total_talk == 20
    assert figures.listening_ratio == pytest.approx(0.5)
    assert figures.interactivity == pytest.approx(3.0)


def test_overlapping_rep_segments_count_once_in_the_monologue():
    figures = figures_from_segments([seg(Q, 0, 10), seg(P, 5, 15)])

    # Each kind keeps its own full time...
    assert figures.rep_question == 10
    assert figures.rep_pitch == 10
    # ...but one voice talked for 15 s, not 20.
    assert figures.longest_rep_monologue == 15


def test_a_segment_inside_another_adds_nothing_to_the_story():
    figures = figures_from_segments([seg(C, 0, 30), seg(C, 10, 20), seg(C, 40, 45)])

    assert figures.customer_talk == 45
    assert figures.longest_customer_story == 35


def test_zero_length_and_negative_segments_are_ignored():
    segments = [
        seg(Q, 0, 10),
        seg(C, 10, 10),  # zero length: must not split the monologue or add a switch
        seg(Q, 12, 12),  # zero length: must not count as a question
        seg(P, 50, 40),  # negative: must not be the first pitch or subtract time
        seg(P, 100, 110),
    ]

    figures = figures_from_segments(segments, pain_points_heard_at=[60.0])

    assert figures.customer_talk == 0.0
    assert figures.rep_question == 10
    assert figures.rep_pitch == 10
    assert figures.questions_asked == 1
    assert figures.longest_rep_monologue == 20
    assert figures.longest_customer_story is None
    assert figures.interactivity == 0.0
    assert figures.diagnosed_first is True


def test_segments_with_nan_or_infinite_times_are_ignored():
    segments = [seg(C, 0, 10), seg(P, math.nan, 20), seg(P, 5, math.inf), seg(Q, 10, 20)]

    figures = figures_from_segments(segments)

    assert figures.rep_pitch == 0.0
    assert figures.total_talk == 20
    assert figures.interactivity == pytest.approx(3.0)


def test_only_the_customer_speaking_has_no_monologue_and_no_switches():
    figures = figures_from_segments([seg(C, 0, 20), seg(C, 25, 40)])

    assert figures.interactivity == 0.0
    assert figures.longest_rep_monologue is None
    assert figures.longest_customer_story == 35
    assert figures.listening_ratio == 1.0
    assert figures.questions_asked == 0


def test_only_the_rep_speaking_has_no_customer_story_and_no_switches():
    figures = figures_from_segments([seg(R, 0, 5), seg(P, 5, 65)])

    assert figures.interactivity == 0.0
    assert figures.longest_customer_story is None
    assert figures.longest_rep_monologue == 65
    assert figures.listening_ratio == 0.0


def test_unsorted_input_gives_the_same_figures_as_sorted_input():
    pains = [40.0, 100.0]
    shuffled = [NORMAL[i] for i in (5, 0, 8, 2, 6, 1, 7, 4, 3)]

    assert figures_from_segments(shuffled, pain_points_heard_at=pains) == figures_from_segments(
        NORMAL, pain_points_heard_at=pains
    )
    assert figures_from_segments(reversed(NORMAL), pain_points_heard_at=pains) == (
        figures_from_segments(NORMAL, pain_points_heard_at=pains)
    )


def test_the_first_pitch_is_the_earliest_even_when_listed_last():
    segments = [seg(P, 200, 210), seg(C, 0, 100), seg(P, 50, 60)]

    assert figures_from_segments(segments, pain_points_heard_at=[70.0]).diagnosed_first is False


def test_segments_starting_together_give_figures_independent_of_input_order():
    tie = [seg(C, 0, 10), seg(Q, 0, 10), seg(C, 10, 20)]

    assert figures_from_segments(tie) == figures_from_segments(tie[::-1])
    assert figures_from_segments(tie) == figures_from_segments([tie[1], tie[0], tie[2]])


@pytest.mark.parametrize(
    ("pains", "segments", "expected"),
    [
        pytest.param([40.0], [seg(C, 0, 50), seg(P, 50, 60)], True, id="pain-before-pitch"),
        pytest.param([55.0], [seg(C, 0, 50), seg(P, 50, 60)], False, id="pain-after-pitch"),
        pytest.param([50.0], [seg(C, 0, 50), seg(P, 50, 60)], False, id="pain-at-pitch-start"),
        pytest.param([90.0, 10.0], [seg(C, 0, 50), seg(P, 50, 60)], True, id="earliest-pain"),
        pytest.param([10.0], [seg(C, 0, 50), seg(Q, 50, 60)], True, id="pain-and-no-pitch"),
        pytest.param([], [seg(C, 0, 50), seg(P, 50, 60)], False, id="pitch-and-no-pain"),
        pytest.param([None], [seg(C, 0, 50), seg(P, 50, 60)], False, id="unstamped-and-pitch"),
        pytest.param([None, 20.0], [seg(C, 0, 50), seg(P, 50, 60)], True, id="unstamped-skipped"),
        pytest.param([math.nan, 20.0], [seg(C, 0, 50), seg(P, 50, 60)], True, id="nan-skipped"),
        pytest.param([math.nan], [seg(C, 0, 50)], None, id="only-nan-no-pitch"),
        pytest.param([], [seg(C, 0, 50), seg(Q, 50, 60)], None, id="nothing-to-judge"),
        pytest.param([None], [seg(C, 0, 50)], None, id="only-unstamped-no-pitch"),
        pytest.param([10.0], [], True, id="pain-and-no-talk"),
    ],
)
def test_diagnosed_first_means_a_pain_point_heard_before_the_first_pitch(
    pains: list[float | None], segments: list[Segment], expected: bool | None
):
    assert figures_from_segments(segments, pain_points_heard_at=pains).diagnosed_first is expected


def test_questions_asked_counts_question_segments_when_no_count_is_given():
    segments = [seg(Q, 0, 5), seg(C, 5, 20), seg(Q, 20, 25), seg(P, 25, 30), seg(R, 30, 35)]

    assert figures_from_segments(segments).questions_asked == 2


def test_questions_asked_uses_the_callers_count_even_when_it_is_zero():
    segments = [seg(Q, 0, 5), seg(C, 5, 20), seg(Q, 20, 25)]

    assert figures_from_segments(segments, questions_asked=7).questions_asked == 7
    assert figures_from_segments(segments, questions_asked=0).questions_asked == 0


def test_no_segments_gives_zero_talk_and_nothing_to_rate():
    figures = figures_from_segments([])

    assert figures == TalkFigures(
        customer_talk=0.0,
        rep_question=0.0,
        rep_pitch=0.0,
        rep_other=0.0,
        diagnosed_first=None,
        questions_asked=0,
        longest_rep_monologue=None,
        longest_customer_story=None,
        interactivity=None,
    )
    assert figures.listening_ratio is None
    assert figures.pitch_share is None


def test_no_segments_keeps_a_question_count_given_by_the_caller():
    assert figures_from_segments([], questions_asked=4).questions_asked == 4


def test_only_empty_segments_count_as_no_talk():
    figures = figures_from_segments([seg(C, 10, 10), seg(P, 30, 20)])

    assert figures.total_talk == 0.0
    assert figures.interactivity is None
    assert figures.diagnosed_first is None


def test_a_timeline_can_be_read_from_a_generator():
    figures = figures_from_segments(s for s in NORMAL)

    assert figures.total_talk == 180
    assert figures.questions_asked == 3


def test_an_unknown_segment_kind_is_refused():
    with pytest.raises(ValueError, match="pause"):
        Segment(kind="pause", start=0, end=10)


def test_segment_kinds_are_plain_strings_that_tell_rep_from_customer():
    assert Segment(kind="pitch", start=0, end=1).kind == Kind.PITCH
    assert not is_rep_kind("customer")
    assert all(is_rep_kind(kind) for kind in ("question", "pitch", "other"))


def test_the_estimate_path_is_unchanged():
    figures = TalkFigures.from_estimate(
        total_seconds=600, customer=60, asking=20, pitching=15, other=5, diagnosed_first=True
    )

    assert (figures.customer_talk, figures.rep_question, figures.rep_pitch, figures.rep_other) == (
        360,
        120,
        90,
        30,
    )
    assert figures.diagnosed_first is True
    assert figures.questions_asked is None
    assert figures.longest_rep_monologue is None
    assert figures.longest_customer_story is None
    assert figures.interactivity is None
    assert figures.listening_ratio == pytest.approx(0.6)
    assert figures.pitch_share == pytest.approx(0.15)
    assert figures.listening_to_pitching == pytest.approx(4.0)
    assert format_listening_to_pitching(figures.customer_talk, figures.rep_pitch) == "4.0 : 1"


def test_unknown_figures_are_shown_as_a_dash():
    assert format_listening_to_pitching(None, 10.0) == "–"
    assert format_listening_to_pitching(10.0, None) == "–"


def said(kind: str, start: float, end: float, text: str) -> Segment:
    return Segment(kind=kind, start=start, end=end, text=text)


def test_a_short_mm_hmm_from_the_customer_does_not_end_the_monologue():
    figures = figures_from_segments([seg(P, 0, 60), seg(C, 60, 61), seg(P, 61, 121)])

    # 120 s of the rep's voice; the customer's second counts in the shares only.
    assert figures.longest_rep_monologue == 120
    assert figures.customer_talk == 1
    assert figures.longest_rep_monologue_span == Span(0, 121)


def test_a_customer_segment_of_one_and_a_half_seconds_is_a_turn():
    figures = figures_from_segments([seg(P, 0, 60), seg(C, 60, 61.5), seg(P, 61.5, 121.5)])

    assert figures.longest_rep_monologue == 60
    assert figures.longest_customer_story == 1.5


def test_the_reps_right_does_not_end_the_customers_story():
    figures = figures_from_segments(
        [seg(C, 0, 120), seg(Q, 121, 122), seg(C, 122, 242), seg(Q, 243, 250)]
    )

    assert figures.longest_customer_story == 240
    assert figures.longest_customer_story_span == Span(0, 242)
    assert figures.longest_rep_monologue == 7


def test_several_back_channels_in_a_row_do_not_end_the_story():
    figures = figures_from_segments(
        [seg(C, 0, 50), seg(Q, 50, 51), seg(C, 51, 52), seg(R, 52, 53), seg(C, 53, 103)]
    )

    assert figures.longest_customer_story == 101


def test_an_acknowledgement_line_of_a_transcript_is_a_back_channel_however_long():
    figures = figures_from_segments(
        [
            said(C, 0, 60, "We lose two days every month closing the books."),
            said(R, 60, 63, "Right, right."),
            said(C, 63, 90, "And the auditors find the same mistakes every year."),
            said(R, 90, 93, "Mm-hmm, I see."),
            said(C, 93, 120, "So the team dreads the quarter end."),
            said(Q, 120, 130, "What does that cost you?"),
        ]
    )

    assert figures.longest_customer_story == 114
    # The acknowledgements were passed over: the only rep turn is the question.
    assert figures.longest_rep_monologue == 10


def test_a_line_with_words_beyond_acknowledgements_takes_the_floor():
    figures = figures_from_segments(
        [
            said(C, 0, 60, "We lose two days every month."),
            said(R, 60, 63, "Right, and who does it?"),
            said(C, 63, 90, "Two of us."),
        ]
    )

    assert figures.longest_customer_story == 60
    assert figures.longest_rep_monologue == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mm-hmm.", True),
        ("mhm", True),
        ("Yeah, yeah.", True),
        ("Okay, I see", True),
        ("I see.", True),
        ("That makes sense!", True),
        ("Uh huh", True),
        ("Right, and who does it?", False),
        ("", False),
        ("No.", False),
        ("yeah yeah yeah yeah yeah", False),
    ],
)
def test_acknowledgements_are_a_defined_set(text, expected):
    assert is_acknowledgement(text) is expected


def test_back_channels_before_a_real_turn_open_that_turn():
    # The rep's "okay" is the start of the answer: the rep took the floor at 100.5.
    figures = figures_from_segments([seg(C, 0, 100), seg(R, 100.5, 101), seg(Q, 101, 110)])

    assert figures.longest_rep_monologue == 9.5
    assert figures.longest_rep_monologue_span == Span(100.5, 110)
    assert figures.patience == pytest.approx(0.5)


def test_back_channels_still_count_as_switches_for_interactivity():
    figures = figures_from_segments([seg(P, 0, 59), seg(C, 59, 60), seg(P, 60, 120)])

    # Two switches in two minutes of talk.
    assert figures.interactivity == pytest.approx(1.0)


def test_patience_is_the_average_pause_before_the_rep_answers_the_customer():
    figures = figures_from_segments(
        [
            seg(Q, 0, 10),
            seg(C, 11, 40),  # the customer waited 1 s: not the rep's patience
            seg(Q, 42, 50),  # 2 s after the customer stopped
            seg(C, 50, 80),
            seg(P, 79, 90),  # started before the customer finished: 0 s
            seg(C, 91, 120),
            seg(Q, 121, 130),  # 1 s
        ]
    )

    assert figures.patience == pytest.approx(1.0)
    assert figures.patience_pauses == 3


def test_a_customer_mm_hmm_is_not_the_customer_stopping():
    figures = figures_from_segments(
        [seg(C, 0, 30), seg(Q, 30.5, 31), seg(C, 31, 60), seg(P, 62, 90)]
    )

    # The rep's half-second "mm" is a back-channel; the answer came 2 s after 60.
    assert figures.patience == pytest.approx(2.0)
    assert figures.patience_pauses == 1


def test_a_gap_longer_than_a_break_is_no_pause():
    figures = figures_from_segments([seg(C, 0, 30), seg(Q, 45, 50), seg(C, 50, 60)])

    assert figures.patience is None
    assert figures.patience_pauses == 0


def test_patience_is_not_measured_from_an_untimed_source():
    figures = figures_from_segments([seg(C, 0, 30), seg(Q, 32, 40)], timed=False)

    assert figures.patience is None
    assert figures.longest_customer_story == 30


def test_talk_share_is_the_reps_part_of_all_talk():
    figures = figures_from_segments(NORMAL)

    assert figures.talk_share == pytest.approx(1 / 3)
    assert figures.talk_share + figures.listening_ratio == pytest.approx(1.0)


def test_question_rate_is_questions_per_hour_of_talk():
    figures = figures_from_segments(NORMAL)

    # 3 questions in 180 s of talk.
    assert figures.question_rate == pytest.approx(60.0)
    assert per_hour(None, 100) is None
    assert per_hour(3, 0) is None


def test_the_longest_of_equal_runs_is_the_first():
    figures = figures_from_segments([seg(P, 0, 30), seg(C, 30, 40), seg(P, 40, 70)])

    assert figures.longest_rep_monologue_span == Span(0, 30)
