from __future__ import annotations

from django import template

from conversations.metrics import format_listening_to_pitching
from conversations.models import Conversation
from salesheart.models import Team

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.583 → "58 %"; unknown figures show as a dash, never as 0."""
    if value is None:
        return "–"
    return f"{round(value * 100)} %"


@register.filter
def seconds(value: float | None) -> str:
    if value is None:
        return "–"
    minutes, secs = divmod(round(value), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


@register.simple_tag
def listening_to_pitching(conversation: Conversation) -> str:
    return format_listening_to_pitching(conversation.customer_talk, conversation.rep_pitch)


def listening_tone(ratio: float | None, team: Team | None) -> str:
    if ratio is None or team is None:
        return ""
    low, high = team.listening_band
    # The legend's colours: too little and too much never share one.
    if ratio * 100 < low:
        return "low"
    return "high" if ratio * 100 > high else "good"


@register.inclusion_tag("conversations/partials/badges.html")
def conversation_badges(conversation: Conversation, team: Team | None = None) -> dict:
    return {
        "conversation": conversation,
        "listening_tone": listening_tone(conversation.listening_ratio, team),
    }


@register.filter
def epoch_ms(value) -> int:
    """A datetime as milliseconds since the epoch, for comparing with the browser's kept copies."""
    return int(value.timestamp() * 1000) if value else 0
