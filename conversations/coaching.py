"""Who needs coaching, on what, and why: flags read from a rep's figures against the bands.

Each flag names the skill it points at (so an exercise tagged with that skill can be
offered), says its reason and size in words, and carries a need in points so a team can
be sorted by who needs their manager most. Good news is a flag too, so the page can say
it, but it never adds to the need.

Nothing here queries per rep: the team page hands over the rows it already computed
(conversations.dashboards.team_rows) and gets them back with flags and need.

Size: the flags, the need they add up to, the evidence behind each and the sparkline
that shows them are read together by the same three pages; apart they would import
each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from conversations import dashboards
from conversations.bands import DEFAULT_BANDS, GOOD, HIGH, LOW, Band, CallBands, bands_for, tone_of
from conversations.models import MEASURED_SOURCES, Conversation
from conversations.readouts import POSITION_TEXT, seconds_text

if TYPE_CHECKING:
    from conversations.dashboard_forms import DashboardFilterForm
    from conversations.dashboards import Summary
    from salesheart.models import Team, User


class Skill(models.TextChoices):
    """What an exercise trains, and what a flag asks to practise."""

    LISTENING = "listening", "Listening"
    QUESTIONS = "questions", "Asking questions"
    DIAGNOSING = "diagnosing", "Diagnosing before pitching"
    MONOLOGUES = "monologues", "Shorter monologues"
    STORIES = "stories", "Drawing out customer stories"


# Tones, one meaning each on every page (see the legend partial): "low" is too little of
# something, "high" is too much, "good" is in the band or moving the right way.

# Below this share of measured conversations diagnosed first, a manager should look; two
# measured calls at least, so one bad call is not a pattern.
DIAGNOSED_FLOOR = 0.7
DIAGNOSED_MIN_MEASURED = 2
# A rep whose last two weeks differ this much from their own period figure is moving.
DRIFT_POINTS = 10
# Points of need per point of pitched-first shortfall and per monologue overshoot (in
# percent of the band's limit): weighed so that the flags a manager would call equally
# worrying rank about equally; listening and pitch count one point per point.
DIAGNOSED_WEIGHT = 0.3
MONOLOGUE_WEIGHT = 0.25
# Without a chosen kind of call, a monologue is held to the most lenient default band, so
# a demo's longer talk is not flagged as a discovery call's.
LENIENT_MONOLOGUE = max(values["monologue_max"] for values in DEFAULT_BANDS.values())


@dataclass(frozen=True)
class Flag:
    skill: str
    figure: str  # what is measured: "listening", "pitch", "diagnosed", "monologue"
    text: str  # the reason and its size, in words
    tone: str  # LOW, HIGH or GOOD
    need: float = 0.0  # points; 0 for good news

    @property
    def is_good(self) -> bool:
        return self.tone == GOOD

    @property
    def skill_label(self) -> str:
        return Skill(self.skill).label

    @property
    def symbol(self) -> str:
        """Shape as well as colour: ▼ too little, ▲ too much, ✓ good news."""
        return {LOW: "▼", HIGH: "▲", GOOD: "✓"}[self.tone]


@dataclass(frozen=True)
class Limits:
    """The bands the flags are read against, in the units of the figures."""

    listening: Band  # ratio 0-1
    pitch_ceiling: float  # ratio 0-1
    monologue_max: float  # seconds

    @classmethod
    def for_team(cls, team: Team | None, call_bands: CallBands | None = None) -> Limits:
        if call_bands is not None:
            listening = call_bands.listening
            monologue = call_bands.monologue.high or LENIENT_MONOLOGUE
        else:
            low, high = team.listening_band if team else (50, 64)
            listening = Band(low / 100, high / 100)
            monologue = LENIENT_MONOLOGUE
        ceiling = (team.pitch_ceiling if team else 20) / 100
        return cls(listening, ceiling, monologue)

    @property
    def listening_text(self) -> str:
        return f"{round(self.listening.low * 100)}–{round(self.listening.high * 100)} %"


def points(value: float) -> int:
    return round(value * 100)


def flags_for(
    summary: Summary, limits: Limits, recent_listening: Iterable[float | None] = ()
) -> list[Flag]:
    """The flags of one rep's figures, worst first, good news last."""
    found: list[Flag] = []
    listening = summary.listening_ratio
    band = limits.listening
    if listening is not None:
        if band.low is not None and listening < band.low:
            gap = points(band.low - listening)
            found.append(
                Flag(
                    Skill.LISTENING,
                    "listening",
                    f"Listening {points(listening)} %: {gap} points below the band "
                    f"({limits.listening_text})",
                    LOW,
                    gap,
                )
            )
        elif band.high is not None and listening > band.high:
            gap = points(listening - band.high)
            found.append(
                Flag(
                    Skill.QUESTIONS,
                    "listening",
                    f"Listening {points(listening)} %: {gap} points above the band "
                    f"({limits.listening_text}); the customer may be left to lead",
                    HIGH,
                    gap,
                )
            )
    pitch = summary.pitch_share
    if pitch is not None and pitch > limits.pitch_ceiling + 0.005:
        over = points(pitch - limits.pitch_ceiling)
        found.append(
            Flag(
                Skill.DIAGNOSING,
                "pitch",
                f"Pitch share {points(pitch)} %, {over} over the ceiling "
                f"({points(limits.pitch_ceiling)} %)",
                HIGH,
                over,
            )
        )
    rate = summary.diagnosed_first_rate
    if (
        rate is not None
        and summary.diagnosed_known >= DIAGNOSED_MIN_MEASURED
        and rate < DIAGNOSED_FLOOR
    ):
        pitched_first = summary.diagnosed_known - summary.diagnosed_yes
        found.append(
            Flag(
                Skill.DIAGNOSING,
                "diagnosed",
                f"Pitched first in {pitched_first} of {summary.diagnosed_known} measured "
                "conversations",
                LOW,
                round((DIAGNOSED_FLOOR - rate) * 100 * DIAGNOSED_WEIGHT, 1),
            )
        )
    monologue = summary.monologue
    if monologue is not None and monologue > limits.monologue_max:
        over = monologue - limits.monologue_max
        found.append(
            Flag(
                Skill.MONOLOGUES,
                "monologue",
                f"Longest monologue {seconds_text(monologue)} on average, "
                f"{seconds_text(over)} over the band "
                f"(at most {seconds_text(limits.monologue_max)})",
                HIGH,
                round(over / limits.monologue_max * 100 * MONOLOGUE_WEIGHT, 1),
            )
        )
    found.sort(key=lambda flag: -flag.need)
    drift = listening_drift(listening, recent_listening)
    if drift is not None and abs(drift) >= DRIFT_POINTS:
        found.append(drift_flag(drift, listening, band))
    return found


def listening_drift(
    listening: float | None, recent_listening: Iterable[float | None]
) -> int | None:
    recent = [value for value in recent_listening if value is not None]
    if listening is None or not recent:
        return None
    return points(sum(recent) / len(recent) - listening)


def drift_flag(drift: int, listening: float | None, band: Band) -> Flag:
    """Listening more is good news unless the rep already listens more than the band."""
    more = drift > 0
    above = listening is not None and band.high is not None and listening > band.high
    below = listening is not None and band.low is not None and listening < band.low
    good = (more and not above) or (not more and above)
    tone = GOOD if good else (LOW if not more else HIGH)
    words = "more" if more else "less"
    need = 0.0 if good else abs(drift) / 2
    if not good and not below and not above:
        need = abs(drift) / 4
    return Flag(
        Skill.LISTENING,
        "listening",
        f"Listening {abs(drift)} points {words} in the last two weeks than over the period",
        tone,
        need,
    )


def need_of(flags: Iterable[Flag]) -> float:
    return round(sum(flag.need for flag in flags), 1)


def team_rows(
    team: Team, filters: DashboardFilterForm, members: list[User] | None = None
) -> tuple[list[dict[str, Any]], dashboards.Summary, dashboards.Trend]:
    """Read-only selector of the team page and its CSV: `dashboards.team_rows` (each
    rep's figures) with each row's flags, need, colours and sparkline added."""
    call_type = filters.chosen_call_type
    call_bands = bands_for(team)[call_type] if call_type else None
    rows, team_summary, trend = dashboards.team_rows(team, filters, call_bands, members)
    with_flags(rows, team, call_bands)
    return rows, team_summary, trend


def with_flags(
    rows: list[dict[str, Any]], team: Team, call_bands: CallBands | None = None
) -> list[dict[str, Any]]:
    """Adds "coaching" (the flags), "need", "flags" (their words) and "spark" to team rows."""
    limits = Limits.for_team(team, call_bands)
    for row in rows:
        trend = row.get("trend")
        recent = trend.listening[-2:] if trend is not None else []
        flags = flags_for(row["summary"], limits, recent)
        row["coaching"] = flags
        row["need"] = need_of(flags)
        row["flags"] = [flag.text for flag in flags]
        row["listening_tone"] = tone_of(limits.listening.position(row["summary"].listening_ratio))
        pitch = row["summary"].pitch_share
        row["pitch_tone"] = (
            "" if pitch is None else (HIGH if pitch > limits.pitch_ceiling else GOOD)
        )
        row["spark"] = spark(trend.listening if trend is not None else [], limits.listening)
    return rows


def by_need(row: dict[str, Any]) -> tuple[float, float, str]:
    """Most need first; among equals the one with figures, then by name."""
    rep = row["rep"]
    has_figures = 0 if row["summary"].with_figures else 1
    return (-row["need"], has_figures, (rep.get_full_name() or rep.username).lower())


# The conversations a flag stands on -------------------------------------------------

EVIDENCE_LIMIT = 5


@dataclass
class Evidence:
    flag: Flag
    conversations: list[Conversation] = field(default_factory=list)


def stands_on(flag: Flag, conversation: Conversation, limits: Limits) -> bool:
    """Whether this conversation is one of those that make the flag."""
    if flag.figure == "listening":
        ratio = conversation.listening_ratio
        return ratio is not None and limits.listening.position(ratio) not in ("", "within")
    if flag.figure == "pitch":
        share = conversation.pitch_share
        return share is not None and share > limits.pitch_ceiling
    if flag.figure == "diagnosed":
        return (
            conversation.figures_source in MEASURED_SOURCES
            and conversation.diagnosed_first is False
        )
    if flag.figure == "monologue":
        longest = conversation.longest_rep_monologue
        return longest is not None and longest > limits.monologue_max
    return False


def evidence(
    flags: Iterable[Flag], conversations: Iterable[Conversation], limits: Limits
) -> list[Evidence]:
    """Each flag with the latest conversations it stands on (from one list, no queries)."""
    conversations = list(conversations)
    found = []
    for flag in flags:
        if flag.is_good:
            continue
        behind = [c for c in conversations if stands_on(flag, c, limits)]
        found.append(Evidence(flag, behind[:EVIDENCE_LIMIT]))
    return found


def conversation_label(conversation: Conversation) -> str:
    return f"{conversation.customer} on {conversation.occurred_at:%d %b %Y}"


# Sparklines that say what they show --------------------------------------------------

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 28, 3


def _spark_y(value: float) -> float:
    return round(SPARK_PAD + (1 - value) * (SPARK_HEIGHT - 2 * SPARK_PAD), 2)


@dataclass(frozen=True)
class Spark:
    """A week-by-week line of listening with the band shaded and the last value marked."""

    path: str
    band_y: float
    band_height: float
    last_x: float | None
    last_y: float | None
    last_tone: str
    text: str

    last_value: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.path


def spark(values: list[float | None], band: Band) -> Spark:
    step = SPARK_WIDTH / max(len(values) - 1, 1)
    commands, pen_down, last = [], False, None
    for index, value in enumerate(values):
        if value is None:
            pen_down = False
            continue
        x, y = round(index * step, 1), _spark_y(value)
        commands.append(f"{'L' if pen_down else 'M'}{x} {y}")
        pen_down = True
        last = (x, y, value)
    low = band.low if band.low is not None else 0.0
    high = band.high if band.high is not None else 1.0
    band_y = _spark_y(high)
    weekly = ", ".join("–" if v is None else f"{points(v)} %" for v in values)
    band_words = f"band {points(low)}–{points(high)} %"
    if last is None:
        return Spark("", band_y, round(_spark_y(low) - band_y, 2), None, None, "", "")
    position = band.position(last[2])
    tone = tone_of(position)
    text = (
        f"Listening week by week: {weekly}; {band_words}; "
        f"last {points(last[2])} %, {POSITION_TEXT[position]}"
    )
    return Spark(
        " ".join(commands),
        band_y,
        round(_spark_y(low) - band_y, 2),
        last[0],
        last[1],
        tone,
        text,
        # A no-break space keeps "34 %" on one line in a narrow column.
        f"{points(last[2])}\u00a0%",
    )


# One rep's flags, for their page and for assigning from a flag -----------------------


@dataclass
class RepCoaching:
    summary: Summary
    limits: Limits
    flags: list[Flag]

    def flag_for(self, skill: str) -> Flag | None:
        """The worst flag asking for this skill, good news aside."""
        return next((f for f in self.flags if f.skill == skill and not f.is_good), None)


def for_rep(rep: Any, filters: Any) -> RepCoaching:
    """A rep's flags over the dashboard's filters: three queries (bands only with a kind)."""
    team = rep.team
    zone = dashboards.week_zone(rep)
    conversations, period = dashboards.chosen(
        Conversation.objects.alive().filter(rep=rep), filters, zone
    )
    with timezone.override(zone):
        summary = dashboards.summary(conversations)
        trend = dashboards.weekly(conversations, period)
    call_type = filters.chosen_call_type
    limits = Limits.for_team(team, bands_for(team)[call_type] if call_type else None)
    return RepCoaching(summary, limits, flags_for(summary, limits, trend.listening[-2:]))


def recent_conversations(rep: Any, filters: Any, limit: int = 50) -> list[Conversation]:
    """The rep's conversations in the period, latest first: what flags stand on."""
    conversations, _ = dashboards.chosen(
        Conversation.objects.alive().filter(rep=rep), filters, dashboards.week_zone(rep)
    )
    return list(conversations.select_related("customer").order_by("-occurred_at")[:limit])


FIGURE_NAMES = {
    "listening": "listening",
    "pitch": "pitch share",
    "diagnosed": "diagnosed first",
    "monologue": "longest monologue",
}


def figure_now(summary: dashboards.Summary, figure: str) -> str:
    """A figure as it stands, in words: "listening 58 %"."""
    name = FIGURE_NAMES.get(figure, figure)
    if figure == "listening" and summary.listening_ratio is not None:
        return f"{name} {points(summary.listening_ratio)} %"
    if figure == "pitch" and summary.pitch_share is not None:
        return f"{name} {points(summary.pitch_share)} %"
    if figure == "diagnosed" and summary.diagnosed_first_rate is not None:
        return f"{name} {summary.diagnosed_yes} of {summary.diagnosed_known} measured"
    if figure == "monologue" and summary.monologue is not None:
        return f"{name} {seconds_text(summary.monologue)} on average"
    return ""


def has_recovered(flags: Iterable[Flag], figure: str, summary: dashboards.Summary) -> bool:
    """The figure a flag was about is measured again and no longer flagged."""
    if not figure or not figure_now(summary, figure):
        return False
    return not any(flag.figure == figure and not flag.is_good for flag in flags)
