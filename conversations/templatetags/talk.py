from __future__ import annotations

from django import template
from django.template.defaultfilters import pluralize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from conversations import bands
from conversations.metrics import format_listening_to_pitching
from conversations.models import Conversation
from conversations.readouts import Readout
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
    return "" if team is None else bands.listening_tone(ratio, team.listening_band)


ORDER_BADGES = {
    True: '<span class="badge good">Diagnosed first</span>',
    False: '<span class="badge bad">Pitched first</span>',
}


@register.simple_tag
def conversation_badges(conversation: Conversation, team: Team | None = None) -> str:
    """A conversation's badges (order, pain points, listening, practice).

    Written here rather than in a template: lists show twenty of these, and a template
    per row was a third of the list page's time (benchmarks/profile_page.py)."""
    order = ORDER_BADGES.get(conversation.diagnosed_first, "")
    if conversation.diagnosed_first is None and conversation.figures_source:
        order = '<span class="badge">Order not measured</span>'
    count = conversation.pain_point_count
    listening = ""
    if conversation.listening_ratio is not None:
        listening = format_html(
            '<span class="badge {}">Listening {} <span class="badge-source">({})</span></span>',
            listening_tone(conversation.listening_ratio, team),
            percent(conversation.listening_ratio),
            conversation.get_figures_source_display().lower(),
        )
    practice = '<span class="badge">Practice</span>' if conversation.kind == "practice" else ""
    return format_html(
        '<span class="badges">\n  {}\n  <span class="badge">{} pain point{}</span>\n  {}\n  {}'
        "\n</span>\n",
        mark_safe(order),  # noqa: S308 (constant markup above)
        count,
        pluralize(count),
        listening,
        mark_safe(practice),  # noqa: S308 (constant markup above)
    )


@register.simple_tag
def readout_cell(readout: Readout | None, label: str = "") -> str:
    """One table cell of a readout (the team table has one per rep and figure); `label`
    names the figure on a phone, where each row is a card."""
    cell = (
        format_html('<td class="readout-cell" data-label="{}">', label)
        if label
        else mark_safe('<td class="readout-cell">')
    )
    if readout is None:
        return cell + mark_safe("</td>\n")
    if readout.position:
        value = format_html(
            '<span class="badge {}">{}</span> <span class="meta">{}</span>',
            readout.tone,
            readout.value,
            readout.position_text,
        )
    else:
        value = conditional_escape(readout.value)
    extra = format_html('<br><span class="meta">{}</span>', readout.extra) if readout.extra else ""
    return cell + format_html("{}{}</td>\n", value, extra)


@register.filter
def epoch_ms(value) -> int:
    """A datetime as milliseconds since the epoch, for comparing with the browser's kept copies."""
    return int(value.timestamp() * 1000) if value else 0
