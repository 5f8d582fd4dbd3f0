"""Talk figures: the one place that turns talk time into the ratios the app shows.

Times are seconds of speech. Silence is not talk: pauses count towards no share.

Figures from a timeline (live tracker or transcript) come from `figures_from_segments`.
The choices it makes, and why:

- A segment of an unknown kind is refused (ValueError) when built: a misspelt kind
  would otherwise drop out of every share without a trace.
- Segments are sorted by start (ties by end, then kind) before anything, so the
  tracker's or a parser's emission order never changes a figure.
- A segment counts only when its end is after its start and both are finite numbers.
  Zero-length, negative and NaN segments are stumbles of the tracker or a parser,
  not talk, and must not shift any share.
- Gaps between segments count towards nothing, also inside a monologue or story:
  a rep who pauses for the customer to answer and gets silence is not talking.
- Overlapping segments each count their full duration for their own kind: cross-talk
  is talk by both sides, and clipping one side would need an arbitrary winner.
  Total talk can therefore exceed the wall-clock length of the conversation.
- A monologue (rep) or story (customer) is a run of consecutive same-side segments
  that only back-channels of the other side interrupt; any rep kind continues a rep run.
  Its length is the speech time inside the run, with same-side overlaps counted once
  (one voice cannot talk twice at a time) and silence inside the run left out.
- Back-channels: a segment of the side that is not holding the floor is a back-channel
  when it lasts under BACKCHANNEL_SECONDS (1.5 s) or when its words are only
  acknowledgements (ACKNOWLEDGEMENTS: "mm-hmm", "right", "yeah", "okay", "I see", ...;
  transcripts without timestamps give every line a duration from its word count, so the
  words decide there). A back-channel does not end the run: when the same side speaks
  again it is passed over, and its time counts in the shares but not in the run's
  length. When the other side then takes a real turn (or the talk ends), the
  back-channels before it open that side's run, as the first words of its turn.
  Interactivity still counts every switch, back-channels included: they are interaction.
- Patience: the average pause between the end of a customer run and the start of the
  rep run after it (the moment the customer stops and the rep answers). A rep who
  starts before the customer has finished waited 0 s. A gap over PATIENCE_BREAK_SECONDS
  (10 s) is a break (the tracker paused, a transcript skipping) and is left out. Only
  timed sources measure it (`timed=True`: transcripts with timestamps, later recordings);
  the live tracker's segments touch at each key press, so it never sees a pause, and
  its callers pass `timed=False`. None means "not measured".
- Talk share: the rep's talk over all talk (what Gong calls talk ratio), 1 - listening.
- Question rate: questions asked per hour of talk (the same total as the shares).
- Diagnosed first: True when a pain point was heard strictly before the first pitch
  (or there was no pitch); False when a pitch came first, at the same moment, or
  without any pain point; None when there is neither pain point nor pitch. Pain-point
  times that are None (not stamped) or not finite are left out.
- Questions asked: the caller's count when given (a transcript classifier may count
  several questions in one line), else the number of question segments.
- Interactivity: switches between the customer side and the rep side from one
  segment to the next, per minute of total talk (the same total as the ratios use).
  One side only gives 0.0; no talk at all gives None, as there is nothing to rate.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

# Talk kinds have one home (kinds.py); named here too, as the figures always named them.
from conversations.kinds import KINDS, Kind, is_rep_kind

BACKCHANNEL_SECONDS = 1.5
PATIENCE_BREAK_SECONDS = 10.0
# Words that only acknowledge the speaker; a line made of nothing else is a back-channel.
ACKNOWLEDGEMENT_WORDS = frozenset(
    {
        "mm", "mmm", "hmm", "mhm", "mm-hmm", "uh-huh", "aha", "ah", "oh", "yeah", "yes",
        "yep", "yup", "right", "ok", "okay", "sure", "exactly", "absolutely", "definitely",
        "totally", "true", "indeed", "wow", "nice", "great", "cool",
    }
)  # fmt: skip
ACKNOWLEDGEMENT_PHRASES = frozenset(
    {
        "mm hmm", "uh huh", "i see", "got it", "of course", "makes sense",
        "that makes sense", "fair enough", "sounds good", "i hear you",
    }
)  # fmt: skip
ACKNOWLEDGEMENTS = ACKNOWLEDGEMENT_WORDS | ACKNOWLEDGEMENT_PHRASES
# "that makes sense" must go before "makes sense" would leave a lone "that".
_PHRASES_LONGEST_FIRST = sorted(ACKNOWLEDGEMENT_PHRASES, key=len, reverse=True)
_WORDS = re.compile(r"[a-z]+(?:-[a-z]+)*")


@dataclass(frozen=True)
class Segment:
    """One stretch of talk, in seconds from the start of the conversation."""

    kind: str
    start: float
    end: float
    text: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown talk segment kind: {self.kind!r}")

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def counts(self) -> bool:
        """Whether this segment is talk at all (see the module docstring)."""
        return math.isfinite(self.start) and math.isfinite(self.end) and self.end > self.start

    @property
    def is_backchannel(self) -> bool:
        """Short, or only acknowledgements: it does not take the floor (module docstring)."""
        return self.duration < BACKCHANNEL_SECONDS or is_acknowledgement(self.text)


def is_acknowledgement(text: str) -> bool:
    """True when a line says nothing but "mm-hmm", "right", "okay, I see" and the like."""
    words = _WORDS.findall(text.lower().replace("’", "'"))
    if not words or len(words) > 4:
        return False
    rest = f" {' '.join(words)} "
    for phrase in _PHRASES_LONGEST_FIRST:
        rest = rest.replace(f" {phrase} ", " ")
    return all(word in ACKNOWLEDGEMENT_WORDS for word in rest.split())


@dataclass(frozen=True)
class Span:
    """Where on the timeline a figure happened, in seconds."""

    start: float
    end: float


@dataclass(frozen=True)
class TalkFigures:
    customer_talk: float
    rep_question: float
    rep_pitch: float
    rep_other: float
    diagnosed_first: bool | None = None
    questions_asked: int | None = None
    longest_rep_monologue: float | None = None
    longest_customer_story: float | None = None
    interactivity: float | None = None
    patience: float | None = None
    patience_pauses: int = 0
    longest_rep_monologue_span: Span | None = None
    longest_customer_story_span: Span | None = None

    @classmethod
    def from_estimate(
        cls,
        *,
        total_seconds: float,
        customer: int,
        asking: int,
        pitching: int,
        other: int,
        diagnosed_first: bool | None,
    ) -> TalkFigures:
        """Seconds from the rep's own percentage split of a conversation's length."""
        return cls(
            customer_talk=total_seconds * customer / 100,
            rep_question=total_seconds * asking / 100,
            rep_pitch=total_seconds * pitching / 100,
            rep_other=total_seconds * other / 100,
            diagnosed_first=diagnosed_first,
        )

    @property
    def total_talk(self) -> float:
        return self.customer_talk + self.rep_question + self.rep_pitch + self.rep_other

    @property
    def listening_ratio(self) -> float | None:
        return listening_ratio(self.customer_talk, self.total_talk)

    @property
    def pitch_share(self) -> float | None:
        total = self.total_talk
        return self.rep_pitch / total if total else None

    @property
    def talk_share(self) -> float | None:
        total = self.total_talk
        return (total - self.customer_talk) / total if total else None

    @property
    def question_rate(self) -> float | None:
        return per_hour(self.questions_asked, self.total_talk)

    @property
    def listening_to_pitching(self) -> float | None:
        """customer_talk : rep_pitch; None means no pitch at all (shown as infinity)."""
        return self.customer_talk / self.rep_pitch if self.rep_pitch else None


def listening_ratio(customer_talk: float, total_talk: float) -> float | None:
    """The listening ratio: the customer's talk over all talk; None when nobody talked.

    The one definition: a conversation's figures, the dashboards' pooled sums and the
    estimate-against-measured comparison all call this (the live tracker only shows a
    rounded copy of it while the clock runs, see static/js/tracker.js).
    """
    return customer_talk / total_talk if total_talk else None


def per_hour(count: float | None, seconds: float | None) -> float | None:
    """A count per hour of talk; unknown when the count is or there was no talk."""
    if count is None or not seconds:
        return None
    return count * 3600 / seconds


def format_listening_to_pitching(customer_talk: float | None, rep_pitch: float | None) -> str:
    if customer_talk is None or rep_pitch is None:
        return "–"
    if not rep_pitch:
        return "∞"
    return f"{customer_talk / rep_pitch:.1f} : 1"


def figures_from_segments(
    segments: Iterable[Segment],
    *,
    pain_points_heard_at: Iterable[float | None] = (),
    questions_asked: int | None = None,
    timed: bool = True,
) -> TalkFigures:
    """Every talk figure of one conversation from its timeline (see the module docstring)."""
    timeline = sorted(
        (segment for segment in segments if segment.counts),
        key=lambda segment: (segment.start, segment.end, segment.kind),
    )
    seconds = dict.fromkeys(Kind, 0.0)
    for segment in timeline:
        seconds[Kind(segment.kind)] += segment.duration
    total = sum(seconds.values())

    runs = _same_side_runs(timeline)
    longest: dict[bool, tuple[float, Span] | None] = {True: None, False: None}
    for run in runs:
        length, rep_side = _speech_time(run), is_rep_kind(run[0].kind)
        best = longest[rep_side]
        # The first of equally long runs wins, so the moment linked is stable.
        if best is None or length > best[0]:
            longest[rep_side] = (length, Span(run[0].start, max(s.end for s in run)))
    pauses = _pauses_before_the_rep(runs) if timed else []

    switches = sum(
        is_rep_kind(before.kind) != is_rep_kind(after.kind) for before, after in pairwise(timeline)
    )

    if questions_asked is None:
        questions_asked = sum(segment.kind == Kind.QUESTION for segment in timeline)

    return TalkFigures(
        customer_talk=seconds[Kind.CUSTOMER],
        rep_question=seconds[Kind.QUESTION],
        rep_pitch=seconds[Kind.PITCH],
        rep_other=seconds[Kind.OTHER],
        diagnosed_first=_diagnosed_first(timeline, pain_points_heard_at),
        questions_asked=questions_asked,
        longest_rep_monologue=longest[True][0] if longest[True] else None,
        longest_customer_story=longest[False][0] if longest[False] else None,
        interactivity=switches / (total / 60) if total else None,
        patience=sum(pauses) / len(pauses) if pauses else None,
        patience_pauses=len(pauses),
        longest_rep_monologue_span=longest[True][1] if longest[True] else None,
        longest_customer_story_span=longest[False][1] if longest[False] else None,
    )


def _same_side_runs(timeline: Sequence[Segment]) -> list[list[Segment]]:
    """Consecutive segments grouped while the side holding the floor stays the same;
    back-channels of the other side do not end a run (see the module docstring)."""
    runs: list[list[Segment]] = []
    waiting: list[Segment] = []  # the other side's back-channels since the run's last segment
    for segment in timeline:
        if runs and is_rep_kind(runs[-1][0].kind) == is_rep_kind(segment.kind):
            runs[-1].append(segment)
            waiting = []
        elif runs and segment.is_backchannel:
            waiting.append(segment)
        else:
            runs.append([*waiting, segment])
            waiting = []
    if waiting:
        runs.append(waiting)
    return runs


def _pauses_before_the_rep(runs: Sequence[Sequence[Segment]]) -> list[float]:
    """Each pause between a customer run's end and the next rep run's start."""
    pauses = []
    for before, after in pairwise(runs):
        if is_rep_kind(before[0].kind) or not is_rep_kind(after[0].kind):
            continue
        pause = max(0.0, after[0].start - max(segment.end for segment in before))
        if pause <= PATIENCE_BREAK_SECONDS:
            pauses.append(pause)
    return pauses


def _speech_time(run: Sequence[Segment]) -> float:
    """Length of the union of the run's segments: overlaps once, silence not at all."""
    spoken = 0.0
    covered_until = -math.inf
    for segment in run:  # already sorted by start
        spoken += max(0.0, segment.end - max(segment.start, covered_until))
        covered_until = max(covered_until, segment.end)
    return spoken


def _diagnosed_first(
    timeline: Sequence[Segment], pain_points_heard_at: Iterable[float | None]
) -> bool | None:
    heard = [at for at in pain_points_heard_at if at is not None and math.isfinite(at)]
    first_pitch = next((s.start for s in timeline if s.kind == Kind.PITCH), None)
    if first_pitch is None:
        return True if heard else None
    # A pain point heard at the very moment the pitch starts was not diagnosed first.
    return bool(heard) and min(heard) < first_pitch
