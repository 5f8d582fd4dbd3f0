"""The product's rule, checked over everything stored: what tests assert after a race,
an admin post or the demo data."""

from __future__ import annotations

from django.db.models import Count, F, Q

from conversations.models import Conversation, ProductTalk


def breaches_of_the_rule() -> list[str]:
    """Every way the stored data breaks the rule, in words (empty when it holds)."""
    breaches = []
    answering_nothing = ProductTalk.objects.annotate(n=Count("answers")).filter(n=0)
    breaches += [f"proposal {talk.pk} answers no pain point" for talk in answering_nothing]
    foreign_links = ProductTalk.answers.through.objects.exclude(
        painpoint__conversation=F("producttalk__conversation")
    )
    breaches += [
        f"proposal {link.producttalk_id} answers pain point {link.painpoint_id} "
        "of another conversation"
        for link in foreign_links
    ]
    counted = Conversation.objects.annotate(pains=Count("pain_points"))
    breaches += [
        f"logged conversation {c.pk} has no pain point"
        for c in counted.filter(status=Conversation.Status.LOGGED, pains=0)
    ]
    breaches += [
        f"conversation {c.pk} counts {c.pain_point_count} pain points but has {c.pains}"
        for c in counted.filter(~Q(pain_point_count=F("pains")))
    ]
    return breaches
