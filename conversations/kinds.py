"""Talk kinds: what a stretch of talk on a timeline is. Their one definition.

The talk figures (metrics.py), the stored timeline (TalkSegment.kind), the transcript
classifier and the re-tag control all use these values and nothing else. Plain Django
choices, no model: metrics.py stays free of the database.
"""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    """The customer talking, or one of three kinds of rep talk."""

    CUSTOMER = "customer", "Customer talking"
    QUESTION = "question", "Rep asking"  # asking or clarifying
    PITCH = "pitch", "Rep on the product"  # talking product
    OTHER = "other", "Rep, other"  # small talk, logistics


KINDS = frozenset(Kind)  # a set to look a kind up in: asking the enum is ten times slower
REP_KINDS = frozenset({Kind.QUESTION, Kind.PITCH, Kind.OTHER})

# The re-tag control offers the rep's kinds in the rep's own words.
REP_KIND_CHOICES = [
    (Kind.QUESTION, "Question"),
    (Kind.PITCH, "Product talk"),
    (Kind.OTHER, "Other"),
]


def is_rep_kind(kind: str) -> bool:
    """True for the selling side's kinds; False for the customer."""
    return kind in REP_KINDS
