"""Which of a scenario's hidden pain points the rep found in their practice.

The rule, kept deliberately simple so a rep can predict it:

1. A text's *meaningful words* are its words of three or more letters, in lower
   case, minus common English words ("the", "their", "have", ...), each cut to a
   rough stem ("delays", "delayed" and "delay" are one word; "invoices" and
   "invoice" too).
2. A recorded pain point *matches* a hidden one when they share at least two
   meaningful words, or one when the hidden pain point has three meaningful
   words or fewer. The rep's description and its impact both count.
3. Each recorded pain point answers for at most one hidden pain point: the pair
   sharing the most words is matched first, so one long note cannot tick off
   every hidden point at once.

It misses synonyms ("staff" for "bakers"); the page says so, and the trainer
reads the reflection anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_COMMON_WORDS = """
    about above after again against all also and any are because been before being
    below between both but can cannot could did does doing down during each even
    every few for from further had has have having her here hers herself him himself
    his how into its itself just less let like made make many more most much must
    not now off once only other our ours ourselves out over own same she should
    since some still such than that the their theirs them themselves then there
    these they this those through too under until upon very was were what when
    where which while who whom whose why will with within without would yet you
    your yours yourself yourselves get gets got getting one ones lot lots thing
    things really quite way ways per via
"""
STOPWORDS = frozenset(_COMMON_WORDS.split())
SUFFIXES = ("ings", "ing", "edly", "ed", "es", "s", "ly")
MIN_STEM = 3
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def stem(word: str) -> str:
    """A rough English stem: enough to join plurals and tenses, not a linguist's root."""
    word = word.lower().removesuffix("'s")
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            word = word[: -len(suffix)]
            break
    if len(word) > MIN_STEM and word.endswith("e"):
        word = word[:-1]
    if len(word) > MIN_STEM and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]  # "shipp" (from "shipping") is "ship"
    return word


def meaningful_words(text: str) -> frozenset[str]:
    words = (match.group().lower().removesuffix("'s") for match in WORD.finditer(text))
    return frozenset(
        stem(word) for word in words if len(word) >= MIN_STEM and word not in STOPWORDS
    )


def words_needed(hidden_words: frozenset[str]) -> int:
    return 1 if len(hidden_words) <= 3 else 2


@dataclass(frozen=True)
class Finding:
    hidden: str
    found_in: str | None  # the rep's words that matched it, if any

    @property
    def found(self) -> bool:
        return self.found_in is not None


def match_pain_points(hidden: Sequence[str], recorded: Iterable[str]) -> list[Finding]:
    """One finding per hidden pain point, in the trainer's order."""
    hidden_words = [meaningful_words(text) for text in hidden]
    recorded = list(recorded)
    recorded_words = [meaningful_words(text) for text in recorded]
    pairs = []
    for h, words in enumerate(hidden_words):
        for r, theirs in enumerate(recorded_words):
            shared = len(words & theirs)
            if shared and shared >= words_needed(words):
                pairs.append((shared, h, r))
    # Best overlaps first; ties go to the earlier hidden and the earlier recorded point.
    pairs.sort(key=lambda pair: (-pair[0], pair[1], pair[2]))
    found: dict[int, int] = {}
    used: set[int] = set()
    for _, h, r in pairs:
        if h not in found and r not in used:
            found[h] = r
            used.add(r)
    return [
        Finding(hidden=text, found_in=recorded[found[h]] if h in found else None)
        for h, text in enumerate(hidden)
    ]
