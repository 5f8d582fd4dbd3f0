"""Healthy ranges ("bands") of the talk figures, per team and kind of call, and where a
value sits against them.

The defaults come from published conversation research (sources in the README,
"Bands per kind of call"); a team's manager may change them in the app or the admin.
Where the research gives a number for discovery calls only, the other kinds start from
SalesHeart's own choice, said so in the README.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from conversations.models import Conversation, TalkBand

if TYPE_CHECKING:
    from salesheart.models import Team

CallType = Conversation.CallType

# Field values of TalkBand for a team that has not changed them.
DEFAULT_BANDS: dict[str, dict[str, float]] = {
    CallType.DISCOVERY: {
        "listening_min": 50,  # Gong Labs: top performers listen 57 %; 57 ± 7
        "listening_max": 64,
        "monologue_max": 120,  # Gong Labs: win rates fall past a 2-minute pitch
        "story_min": 240,  # Gong Labs: a 4-minute customer story goes with won deals
        "questions_min": 11,  # Gong Labs: 11-14 questions in a discovery call
        "questions_max": 14,
        "patience_min": 1.0,  # Gong Labs: top reps pause ~1.5 s, others ~0.3 s
    },
    CallType.DEMO: {
        "listening_min": 35,
        "listening_max": 55,
        "monologue_max": 150,
        "story_min": 120,
        "questions_min": 6,
        "questions_max": 14,
        "patience_min": 1.0,
    },
    CallType.FOLLOW_UP: {
        "listening_min": 50,
        "listening_max": 64,
        "monologue_max": 120,
        "story_min": 120,
        "questions_min": 6,
        "questions_max": 14,
        "patience_min": 1.0,
    },
    CallType.PRACTICE: {
        "listening_min": 50,
        "listening_max": 64,
        "monologue_max": 120,
        "story_min": 120,
        "questions_min": 6,
        "questions_max": 12,
        "patience_min": 1.0,
    },
}
BAND_FIELDS = list(DEFAULT_BANDS[CallType.DISCOVERY])


@dataclass(frozen=True)
class Band:
    """A healthy range; an open end (None) means "no limit that side"."""

    low: float | None
    high: float | None

    def position(self, value: float | None) -> str:
        """ "below", "within" or "above"; "" when there is no value to place."""
        if value is None:
            return ""
        if self.low is not None and value < self.low:
            return "below"
        if self.high is not None and value > self.high:
            return "above"
        return "within"


# The legend's colours (partials/tone_legend.html): one colour per direction, so the
# same colour never means both too little and too much.
LOW, HIGH, GOOD = "low", "high", "good"


def tone_of(position: str) -> str:
    """A band position ("below", "within", "above", "") as its colour on every page."""
    return {"below": LOW, "within": GOOD, "above": HIGH}.get(position, "")


def listening_tone(ratio: float | None, band: tuple[int, int]) -> str:
    """The colour of a listening ratio against a band given in whole percent (a team's
    target). Inside is what `Band.position` says, the one place that decides it; the
    live tracker only shows a copy (static/js/tracker.js)."""
    return tone_of(Band(band[0] / 100, band[1] / 100).position(ratio))


@dataclass(frozen=True)
class CallBands:
    """Every band of one kind of call, in the units the figures are stored in."""

    call_type: str
    listening: Band  # ratio 0-1
    monologue: Band  # seconds
    story: Band  # seconds
    questions: Band  # per call
    patience: Band  # seconds
    changed: bool = False  # False: the research defaults

    @property
    def label(self) -> str:
        return CallType(self.call_type).label

    @property
    def talk_share(self) -> Band:
        """The rep's share is the other side of listening."""
        low, high = self.listening.low, self.listening.high
        return Band(
            None if high is None else round(1 - high, 4),
            None if low is None else round(1 - low, 4),
        )

    @classmethod
    def from_values(cls, call_type: str, values: dict, *, changed: bool) -> CallBands:
        return cls(
            call_type=call_type,
            listening=Band(values["listening_min"] / 100, values["listening_max"] / 100),
            monologue=Band(None, values["monologue_max"]),
            story=Band(values["story_min"], None),
            questions=Band(values["questions_min"], values["questions_max"]),
            patience=Band(values["patience_min"], None),
            changed=changed,
        )


# Kinds whose default listening band is the team's own listening target (57 ± 7 % unless
# changed), so a team's target and these bands never disagree until a manager says so.
FOLLOWS_TEAM_TARGET = {CallType.DISCOVERY, CallType.FOLLOW_UP, CallType.PRACTICE}


def default_values(call_type: str, team: Team | None = None) -> dict[str, float]:
    values = dict(DEFAULT_BANDS[call_type])
    if team is not None and call_type in FOLLOWS_TEAM_TARGET:
        values["listening_min"], values["listening_max"] = team.listening_band
    return values


def bands_for(team: Team | None) -> dict[str, CallBands]:
    """Each kind of call's bands for a team: its own where it changed them (one query)."""
    bands = {
        call_type: CallBands.from_values(call_type, default_values(call_type, team), changed=False)
        for call_type in CallType.values
    }
    if team is None:
        return bands
    for row in TalkBand.objects.filter(team=team):
        values = {name: getattr(row, name) for name in BAND_FIELDS}
        bands[row.call_type] = CallBands.from_values(row.call_type, values, changed=True)
    return bands
