"""The dashboards' one-query selectors give exactly the figures of the metrics module.

`rep_figures` and `team_figures` read a page's figures in one grouped query and add the
groups up in Python (see conversations/dashboards.py). These tests build random
conversations (every source, kind, kind of call, drafts, deleted ones, estimates, rows
without figures, weeks outside the period) and compare the fast path with a
straightforward recomputation from the stored rows, figure by figure, on both databases.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from conversations import dashboards
from conversations.dashboards import Period, Summary
from conversations.metrics import TalkFigures, listening_ratio
from conversations.models import MEASURED_SOURCES, Conversation
from tests.conftest import make_user
from tests.factories import make_customer

SOURCES = [value for value, _ in Conversation.Source.choices]


def random_conversations(rng: random.Random, reps, count: int) -> None:
    today = timezone.now()
    for rep in reps:
        customer = make_customer(rep)
        for _ in range(count):
            conversation = Conversation(
                rep=rep,
                customer=customer,
                status=rng.choice(["logged", "logged", "logged", "draft"]),
                occurred_at=today - timedelta(days=rng.uniform(0, 130)),
                kind=rng.choice(Conversation.Kind.values),
                call_type=rng.choice(Conversation.CallType.values),
                outcome="next_meeting",
                pain_point_count=rng.randint(0, 4),
                deleted_at=today if rng.random() < 0.1 else None,
            )
            source = rng.choice([*SOURCES, ""])
            if source:
                measured = source in MEASURED_SOURCES
                conversation.store_figures(
                    TalkFigures(
                        customer_talk=rng.choice([0.0, rng.uniform(0, 900)]),
                        rep_question=rng.uniform(0, 200),
                        rep_pitch=rng.choice([0.0, rng.uniform(0, 400)]),
                        rep_other=rng.uniform(0, 100),
                        diagnosed_first=rng.choice([True, False, None]),
                        questions_asked=rng.choice([None, rng.randint(0, 20)])
                        if measured
                        else None,
                        longest_rep_monologue=rng.choice([None, rng.uniform(1, 300)]),
                        longest_customer_story=rng.choice([None, rng.uniform(1, 300)]),
                        patience=rng.choice([None, rng.uniform(0, 3)]),
                        patience_pauses=rng.randint(0, 9),
                    ),
                    source,
                )
            if rng.random() < 0.5:
                conversation.estimate_customer = rng.randint(0, 100)
            conversation.save()


def recomputed(rows: list[Conversation]) -> Summary:
    """Each figure of a Summary straight from its definition, one conversation at a time."""
    with_figures = [c for c in rows if c.figures_source]
    measured = [c for c in rows if c.figures_source in MEASURED_SOURCES]
    asked = [c for c in rows if c.questions_asked is not None]
    latest = [c.occurred_at for c in rows]
    return Summary(
        conversations=len(rows),
        with_figures=len(with_figures),
        customer_talk=sum(c.customer_talk for c in with_figures),
        rep_question=sum(c.rep_question for c in with_figures),
        rep_pitch=sum(c.rep_pitch for c in with_figures),
        rep_other=sum(c.rep_other for c in with_figures),
        diagnosed_yes=sum(c.diagnosed_first is True for c in measured),
        diagnosed_known=sum(c.diagnosed_first is not None for c in measured),
        pain_points_total=sum(c.pain_point_count for c in rows),
        questions_total=sum(c.questions_asked for c in asked),
        questions_known=len(asked),
        questions_talk=sum(
            c.customer_talk + c.rep_question + c.rep_pitch + c.rep_other for c in asked
        ),
        monologue_total=sum(c.longest_rep_monologue or 0 for c in rows),
        monologue_known=sum(c.longest_rep_monologue is not None for c in rows),
        story_total=sum(c.longest_customer_story or 0 for c in rows),
        story_known=sum(c.longest_customer_story is not None for c in rows),
        patience_total=sum((c.patience or 0) * c.patience_pauses for c in rows),
        patience_pauses=sum(c.patience_pauses for c in rows if c.patience is not None),
        patience_known=sum(c.patience is not None for c in rows),
        last_activity=max(latest) if latest else None,
    )


FIGURES = [
    "listening_ratio",
    "pitch_share",
    "talk_share",
    "question_rate",
    "questions",
    "pain_points",
    "monologue",
    "story",
    "patience",
    "diagnosed_first_rate",
]


def assert_same(fast: Summary, slow: Summary) -> None:
    for name in dashboards.ADDITIVE:
        assert getattr(fast, name) == pytest.approx(getattr(slow, name)), name
    assert fast.last_activity == slow.last_activity
    for name in FIGURES:
        expected = getattr(slow, name)
        assert getattr(fast, name) == (None if expected is None else pytest.approx(expected))
    assert fast.diagnosed_first_basis == slow.diagnosed_first_basis


@pytest.fixture
def organisation(team):
    reps = [make_user(f"rep{n}", team=team) for n in range(3)]
    random_conversations(random.Random(15), reps, 60)
    return reps


PERIOD = Period.last_days(90)


def in_period(**filters):
    return dashboards.in_period(Conversation.objects.alive(), PERIOD, **filters)


@pytest.mark.parametrize(
    "filters",
    [{}, {"kind": "practice"}, {"source": "tracked"}, {"call_type": "demo"}],
    ids=["all", "practice", "tracked", "demo"],
)
def test_the_rep_figures_from_one_query_are_the_figures_recomputed_from_the_rows(
    organisation, filters
):
    rep = organisation[0]
    conversations = in_period(**filters).filter(rep=rep)
    rows = list(conversations)
    assert len(rows) > 5  # the random data reaches every filter

    fast = dashboards.rep_figures(conversations, PERIOD)

    assert_same(fast.summary, recomputed(rows))
    for call_type in Conversation.CallType.values:
        of_type = [c for c in rows if c.call_type == call_type]
        if of_type:
            assert_same(fast.per_call_type[call_type], recomputed(of_type))
        else:
            assert call_type not in fast.per_call_type
    for week, point in zip(fast.trend.weeks, fast.trend.points, strict=True):
        assert_same(point, recomputed([c for c in rows if c.occurred_week == week]))
    assert fast.sources == {
        source: sum(c.figures_source == source for c in rows)
        for source in SOURCES
        if any(c.figures_source == source for c in rows)
    }
    both = [c for c in rows if c.figures_source in MEASURED_SOURCES and c.has_estimate]
    talk = sum(c.figures.total_talk for c in both)
    assert fast.estimate_gap.conversations == len(both)
    if talk:
        believed = sum(
            c.estimate_customer
            / 100
            * (c.customer_talk + c.rep_question + c.rep_pitch + c.rep_other)
            for c in both
        )
        assert fast.estimate_gap.believed_listening == pytest.approx(believed / talk)
        assert fast.estimate_gap.measured_listening == pytest.approx(
            listening_ratio(sum(c.customer_talk for c in both), talk)
        )
    # And the figures the page used to read with one query each.
    one_by_one = dashboards.estimate_vs_measured(conversations)
    assert fast.estimate_gap.conversations == one_by_one.conversations
    for name in ("believed_listening", "measured_listening", "gap"):
        expected = getattr(one_by_one, name)
        assert getattr(fast.estimate_gap, name) == (
            None if expected is None else pytest.approx(expected)
        )
    assert_same(fast.summary, dashboards.summary(conversations))


def test_the_team_figures_from_one_query_are_the_figures_recomputed_from_the_rows(organisation):
    conversations = in_period().filter(rep__in=organisation)
    rows = list(conversations)

    per_rep, trends = dashboards.team_figures(conversations, PERIOD)

    assert set(per_rep) == {rep.pk for rep in organisation}
    for rep in organisation:
        mine = [c for c in rows if c.rep_id == rep.pk]
        assert_same(per_rep[rep.pk], recomputed(mine))
        for week, point in zip(PERIOD.weeks, trends[rep.pk].points, strict=True):
            assert_same(point, recomputed([c for c in mine if c.occurred_week == week]))
    assert_same(dashboards.total(per_rep.values()), recomputed(rows))


def test_the_team_rows_flag_and_sort_from_the_same_figures(client, team, organisation):
    """The selector's rows carry each rep's recomputed figures (what the page shows)."""
    from conversations.dashboard_forms import DashboardFilterForm

    rows, team_summary, trend = dashboards.team_rows(team, DashboardFilterForm({"period": "90"}))

    everyone = list(in_period().filter(rep__in=organisation))
    assert [row["rep"] for row in rows] == sorted(
        organisation, key=lambda rep: (rep.first_name, rep.last_name, rep.username)
    )
    for row in rows:
        assert_same(row["summary"], recomputed([c for c in everyone if c.rep_id == row["rep"].pk]))
        assert set(row) == {"rep", "summary", "trend", "readouts"}
    assert_same(team_summary, recomputed(everyone))
    for week, point in zip(trend.weeks, trend.points, strict=True):
        assert_same(point, recomputed([c for c in everyone if c.occurred_week == week]))


@pytest.mark.parametrize("ratio", [0.0, 0.4999, 0.5, 0.57, 0.64, 0.6401, 1.0, None])
def test_inside_the_listening_band_is_decided_by_band_position_alone(ratio):
    """The team target's tone (dashboards, badges) and the bands' readouts agree, also
    exactly on an edge: 64 % with a 50-64 % target is inside."""
    from conversations.bands import Band, listening_tone

    where = Band(0.5, 0.64).position(ratio)

    assert listening_tone(ratio, (50, 64)) == {
        "below": "low",
        "within": "good",
        "above": "high",
    }.get(where, "")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "period=90",
        "period=90&kind=practice&call=demo&source=tracked",
        "period=custom&start=2026-03-02&end=2025-01-01",
        "period=custom",
        "kind=nonsense",
    ],
)
def test_the_filter_fields_kept_per_request_are_the_fields_rendered_afresh(query):
    from django.http import QueryDict

    from conversations.dashboard_forms import DashboardFilterForm

    def form() -> DashboardFilterForm:
        return DashboardFilterForm(QueryDict(query) if query else None)

    fresh = form()
    afresh = "\n  ".join(fresh[name].as_field_group() for name in fresh.fields)

    assert form().rendered_fields == afresh  # rendered and kept
    assert form().rendered_fields == afresh  # read from what was kept
    if "end=2025" in query:
        assert "The end date is before the start date." in afresh
