"""Talk figures: the one place that turns talk time into the ratios the app shows.

Times are seconds of speech. Silence is not talk: pauses count towards no share.
"""

from __future__ import annotations

from dataclasses import dataclass


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
        total = self.total_talk
        return self.customer_talk / total if total else None

    @property
    def pitch_share(self) -> float | None:
        total = self.total_talk
        return self.rep_pitch / total if total else None

    @property
    def listening_to_pitching(self) -> float | None:
        """customer_talk : rep_pitch; None means no pitch at all (shown as infinity)."""
        return self.customer_talk / self.rep_pitch if self.rep_pitch else None


def format_listening_to_pitching(customer_talk: float | None, rep_pitch: float | None) -> str:
    if customer_talk is None or rep_pitch is None:
        return "–"
    if not rep_pitch:
        return "∞"
    return f"{customer_talk / rep_pitch:.1f} : 1"
