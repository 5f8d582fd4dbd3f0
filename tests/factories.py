"""Test data made through the real service functions, as the app makes it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from conversations import services
from conversations.models import Conversation, Customer, PainPoint, ProductTalk
from salesheart.models import User


def make_customer(rep: User, name: str = "Amira Haddad", **fields) -> Customer:
    fields.setdefault("company", "Harbour Freight Ltd")
    return Customer.objects.create(rep=rep, name=name, **fields)


def start_conversation(
    rep: User,
    customer: Customer | None = None,
    occurred_at: datetime | None = None,
    **fields,
) -> Conversation:
    return services.conversation_start(
        rep=rep,
        customer=customer or make_customer(rep),
        occurred_at=occurred_at or timezone.now() - timedelta(hours=2),
        **fields,
    )


def add_pain_point(
    conversation: Conversation, description: str = "Month-end takes nine days.", **fields
) -> PainPoint:
    fields.setdefault("impact", "The board sees numbers too late.")
    return services.pain_point_add(conversation=conversation, description=description, **fields)


def add_proposal(
    conversation: Conversation, answers: list[PainPoint], proposal: str = "A close checklist pilot."
) -> ProductTalk:
    return services.product_talk_add(conversation=conversation, proposal=proposal, answers=answers)


def logged_conversation(
    rep: User,
    customer: Customer | None = None,
    *,
    occurred_at: datetime | None = None,
    split: tuple[int, int, int, int] = (60, 20, 10, 10),
    minutes: int = 30,
    pitch: bool = True,
    **fields,
) -> Conversation:
    """A finished log: one pain point, optionally a proposal answering it, the rep's split."""
    conversation = start_conversation(rep, customer, occurred_at, **fields)
    pain = add_pain_point(conversation)
    if pitch:
        add_proposal(conversation, [pain])
    (
        conversation.estimate_customer,
        conversation.estimate_asking,
        conversation.estimate_pitching,
        conversation.estimate_other,
    ) = split
    conversation.duration_minutes = minutes
    return services.conversation_finish(conversation=conversation)


# An hour's transcript -------------------------------------------------------------------

_HOUR_REP_LINES = [
    "What does a typical month-end look like for your team, from the first invoice on?",
    "Our platform imports the orders automatically, so nobody re-keys them again.",
    "Thanks, that is really helpful to hear, and it matches what others told us.",
]
_HOUR_CUSTOMER_LINES = [
    "Honestly it is a nightmare, we re-key every order by hand and it takes all of Monday.",
    "Last quarter we paid penalties because jobs were late and nobody noticed in time.",
]


def _cue_time(seconds: float) -> str:
    # Whole milliseconds first: rounding after would write "00:00:60.000".
    whole, milliseconds = divmod(round(seconds * 1000), 1000)
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{milliseconds:03d}"


def hour_call(cues: int = 1500, note_every: int = 37) -> str:
    """A one-hour WebVTT call, two speakers taking turns, with "[laughter]" now and then:
    some notes share their time with a line's start, as at a page's edge."""
    rows, clock = ["WEBVTT", ""], 0.0
    length = 3600 / cues
    for number in range(1, cues + 1):
        rep = number % 2 == 0
        text = (_HOUR_REP_LINES if rep else _HOUR_CUSTOMER_LINES)[number % (3 if rep else 2)]
        rows += [f"{_cue_time(clock)} --> {_cue_time(clock + length - 0.2)}"]
        rows += [f"{'Rita Osei' if rep else 'Sam Patel'}: {text}", ""]
        if number % note_every == 0:
            rows += [
                f"{_cue_time(clock + length)} --> {_cue_time(clock + length)}",
                "[laughter]",
                "",
            ]
        clock += length
    return "\n".join(rows)
