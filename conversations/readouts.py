"""Figures as people read them: value, band, where the value sits, how it was measured,
and where on the timeline it happened.

The conversation page and the dashboards both show figures this way; templates only
place what is built here (templates/conversations/partials/readouts.html).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from conversations.bands import Band, CallBands, tone_of
from conversations.metrics import per_hour
from conversations.models import Conversation
from conversations.timeline import clock

if TYPE_CHECKING:
    from conversations.dashboards import Summary
    from conversations.models import Transcript
    from conversations.timeline import Moment, Timeline

Show = Callable[[float | None], str]

NOT_MEASURED = "not measured"
POSITION_TEXT = {"below": "below the band", "within": "in the band", "above": "above the band"}


def percent_text(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def seconds_text(value: float | None) -> str:
    if value is None:
        return "–"
    minutes, secs = divmod(round(value), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def pause_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s"


def count_text(value: float | None) -> str:
    if value is None:
        return "–"
    return str(round(value)) if float(value).is_integer() else f"{value:.1f}"


SHOWN_DIGITS = {percent_text: 2, seconds_text: 0, pause_text: 1, count_text: 1}


@dataclass(frozen=True)
class Meter:
    """A 0-100 scale with the band shaded and the value marked, for an inline SVG."""

    band_x: float
    band_width: float
    value_x: float | None


def meter(value: float | None, band: Band, scale: float) -> Meter:
    def x(v: float) -> float:
        return round(min(max(v / scale, 0.0), 1.0) * 100, 2)

    low = x(band.low) if band.low is not None else 0.0
    high = x(band.high) if band.high is not None else 100.0
    return Meter(low, max(high - low, 0.5), None if value is None else x(value))


def scale_for(value: float | None, band: Band) -> float:
    """Room for the band and the value: twice the band's far end, or more if needed."""
    edge = band.high if band.high is not None else (band.low or 1.0)
    return max(edge * 2, (value or 0.0) * 1.15, 1.0)


@dataclass(frozen=True)
class Readout:
    key: str
    name: str
    value: str
    band_text: str = ""
    position: str = ""
    meter: Meter | None = None
    measured: str = NOT_MEASURED
    extra: str = ""
    moment_anchor: str = ""
    moment_label: str = ""
    line_href: str = ""

    @property
    def position_text(self) -> str:
        return POSITION_TEXT.get(self.position, "")

    @property
    def tone(self) -> str:
        return tone_of(self.position)


def band_text(band: Band, show: Show) -> str:
    if band.low is not None and band.high is not None:
        if show is percent_text:
            return f"{round(band.low * 100)}–{show(band.high)}"
        return f"{show(band.low)}–{show(band.high)}"
    if band.high is not None:
        return f"at most {show(band.high)}"
    return f"at least {show(band.low)}"


def _readout(
    key: str,
    name: str,
    value: float | None,
    band: Band,
    show: Show,
    *,
    measured: str,
    scale: float | None = None,
    extra: str = "",
    moment: Moment | None = None,
) -> Readout:
    if value is None:
        return Readout(key, name, NOT_MEASURED, band_text(band, show), measured=measured)
    return Readout(
        key,
        name,
        show(value),
        band_text(band, show),
        # Judged as shown: "64 %" must not read "above" a band that ends at 64 %.
        band.position(round(value, SHOWN_DIGITS[show])),
        meter(value, band, scale or scale_for(value, band)),
        measured,
        extra,
        moment.anchor if moment else "",
        moment.label if moment else "",
        moment.line_href if moment else "",
    )


def _source_label(conversation: Conversation, transcript: Transcript | None) -> str:
    source = conversation.figures_source
    if source == Conversation.Source.TRANSCRIPT and transcript and not transcript.timed:
        return "transcript (durations from word counts)"
    return Conversation.Source(source).label.lower() if source else NOT_MEASURED


def _patience_measured(conversation: Conversation, transcript: Transcript | None) -> str:
    if conversation.patience is not None:
        return "transcript timestamps"
    if conversation.figures_source == Conversation.Source.TRACKED:
        return f"{NOT_MEASURED}: the live tracker cannot time a pause"
    if conversation.figures_source == Conversation.Source.TRANSCRIPT:
        if transcript and not transcript.timed:
            return f"{NOT_MEASURED}: this transcript has no timestamps"
        return f"{NOT_MEASURED}: no answer after the customer stopped"
    return f"{NOT_MEASURED}: only a timed transcript or recording times a pause"


def conversation_readouts(
    conversation: Conversation,
    bands: CallBands,
    *,
    timeline: Timeline | None = None,
    transcript: Transcript | None = None,
) -> list[Readout]:
    """The anchored figures of one conversation against its kind of call's bands."""
    source = _source_label(conversation, transcript)
    timed_source = conversation.figures_source in {
        Conversation.Source.TRACKED,
        Conversation.Source.TRANSCRIPT,
    }
    timeline_only = source if timed_source else f"{NOT_MEASURED}: needs a timeline"
    figures = conversation.figures

    def moment(key: str) -> Moment | None:
        return timeline.moment(key) if timeline else None

    rate = per_hour(conversation.questions_asked, figures.total_talk if figures else None)
    return [
        _readout(
            "listening",
            "Listening",
            conversation.listening_ratio,
            bands.listening,
            percent_text,
            measured=source,
            scale=1.0,
        ),
        _readout(
            "talk_share",
            "Talk share",
            figures.talk_share if figures else None,
            bands.talk_share,
            percent_text,
            measured=source,
            scale=1.0,
        ),
        _readout(
            "questions",
            "Questions asked",
            conversation.questions_asked if timed_source else None,
            bands.questions,
            count_text,
            measured=timeline_only,
            extra="" if rate is None else f"{rate:.0f} an hour",
        ),
        _readout(
            "monologue",
            "Longest monologue",
            conversation.longest_rep_monologue if timed_source else None,
            bands.monologue,
            seconds_text,
            measured=timeline_only,
            moment=moment("monologue"),
        ),
        _readout(
            "story",
            "Longest customer story",
            conversation.longest_customer_story if timed_source else None,
            bands.story,
            seconds_text,
            measured=timeline_only,
            moment=moment("story"),
        ),
        _readout(
            "patience",
            "Patience",
            conversation.patience,
            bands.patience,
            pause_text,
            measured=_patience_measured(conversation, transcript),
        ),
        _moment_readout(
            "first_pain", "First pain point heard", moment("first-pain"), timeline_only
        ),
        _moment_readout("first_pitch", "First pitch", moment("first-pitch"), timeline_only),
    ]


def _moment_readout(key: str, name: str, moment: Moment | None, source: str) -> Readout:
    """When something first happened: only a timeline can say."""
    if moment is None:
        measured = source.startswith(NOT_MEASURED)
        return Readout(key, name, NOT_MEASURED if measured else "none", measured=source)
    return Readout(
        key,
        name,
        f"at {clock(moment.start)}",
        measured=source,
        moment_anchor=moment.anchor,
        moment_label=moment.label,
        line_href=moment.line_href,
    )


def summary_readouts(summary: Summary, bands: CallBands | None) -> list[Readout]:
    """A dashboard's pooled figures; against a kind of call's bands when one is chosen."""
    readouts = [
        ("listening", "Listening", summary.listening_ratio, "listening", percent_text, 1.0),
        ("talk_share", "Talk share", summary.talk_share, "talk_share", percent_text, 1.0),
        ("questions", "Questions per call", summary.questions, "questions", count_text, None),
        (
            "monologue",
            "Longest monologue (average)",
            summary.monologue,
            "monologue",
            seconds_text,
            None,
        ),
        ("story", "Longest customer story (average)", summary.story, "story", seconds_text, None),
        ("patience", "Patience", summary.patience, "patience", pause_text, None),
    ]
    out = []
    for key, name, value, band_name, show, scale in readouts:
        source = {
            "listening": _counted(summary.with_figures, "conversation", "any source"),
            "talk_share": _counted(summary.with_figures, "conversation", "any source"),
            "questions": _counted(summary.questions_known, "tracked or transcript call"),
            "monologue": _counted(summary.monologue_known, "tracked or transcript call"),
            "story": _counted(summary.story_known, "tracked or transcript call"),
            "patience": _counted(summary.patience_known, "timed transcript"),
        }[key]
        extra = ""
        if key == "questions" and summary.question_rate is not None:
            extra = f"{summary.question_rate:.0f} an hour"
        if bands is None:
            out.append(
                Readout(
                    key,
                    name,
                    NOT_MEASURED if value is None else show(value),
                    measured=source,
                    extra=extra,
                )
            )
            continue
        out.append(
            _readout(
                key,
                name,
                value,
                getattr(bands, band_name),
                show,
                measured=source,
                scale=scale,
                extra=extra,
            )
        )
    return out


def _counted(count: int, what: str, how: str = "") -> str:
    if not count:
        return f"{NOT_MEASURED}: no {what} in this selection"
    text = f"{count} {what}{'' if count == 1 else 's'}"
    return f"{text}, {how}" if how else text
