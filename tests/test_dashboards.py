"""Dashboard selectors on known data: every figure worked out by hand beside its test."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from conversations import dashboards, services
from conversations.dashboards import Period, Summary
from conversations.models import Conversation
from tests.conftest import make_user
from tests.factories import logged_conversation, start_conversation

LONDON = ZoneInfo("Europe/London")

# Monday 3 to Sunday 16 March 2025: London is on GMT the whole time.
FORTNIGHT = Period(date(2025, 3, 3), date(2025, 3, 16), "Fortnight")


@pytest.fixture(autouse=True)
def _london():
    with timezone.override(LONDON):
        yield


def at(day: int, hour: int = 10, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=LONDON)


def seg(kind: str, start: float, end: float) -> dict:
    return {"kind": kind, "start": start, "end": end}


def tracked(rep, occurred_at, segments, pains=(), **fields) -> Conversation:
    """A logged conversation whose figures come from a live tracker run."""
    conversation = start_conversation(rep, occurred_at=occurred_at, **fields)
    conversation = services.tracking_save(
        conversation=conversation,
        run=f"run-{conversation.pk}",
        segments=segments,
        pain_points=pains,
    )
    return services.conversation_finish(conversation=conversation)


def alive_in(period: Period = FORTNIGHT, **filters) -> dashboards.QuerySet[Conversation]:
    """Conversations of the period as every dashboard asks for them: alive ones only."""
    return dashboards.in_period(Conversation.objects.alive(), period, **filters)


@pytest.fixture
def fortnight(rep, teammate) -> dict[str, Conversation]:
    """Rita's fortnight, with the rows that must stay out of her figures.

    In the period (all alive and logged):
      A  estimated, real, 60 min at 40/20/30/10 → 1440 s customer, 720 ask, 1080 pitch, 360 other
      B  estimated, real, 20 min at 80/10/0/10  → 960, 120, 0, 120
      E  real, no split length: no figures at all; one pain point
      C  tracked, practice: customer 390 s, asking 90 s (two questions), pitch 120 s;
         pain points at 30 s and 500 s, the first before the pitch at 300 s → diagnosed first
      D  tracked, real: pitch 0–100 s, customer 300 s, asking 100 s (one question);
         its only pain point at 200 s, after the pitch → not diagnosed first
    Out: a draft with tracked figures, a soft-deleted log, a log a minute before the
    period and one at the first minute after it, and Rosa's conversation.
    """
    a = logged_conversation(rep, occurred_at=at(4), split=(40, 20, 30, 10), minutes=60)
    b = logged_conversation(rep, occurred_at=at(5), split=(80, 10, 0, 10), minutes=20)
    e = logged_conversation(rep, occurred_at=at(6), minutes=0)
    c = tracked(
        rep,
        at(11),
        [
            seg("customer", 0, 240),
            seg("question", 240, 300),
            seg("pitch", 300, 420),
            seg("question", 420, 450),
            seg("customer", 450, 600),
        ],
        [{"at": 30, "note": "Month-end takes nine days"}, {"at": 500, "note": "Audits"}],
        kind=Conversation.Kind.PRACTICE,
    )
    d = tracked(
        rep,
        at(12),
        [seg("pitch", 0, 100), seg("customer", 100, 400), seg("question", 400, 500)],
        [{"at": 200, "note": "Approvals wait on one person"}],
    )
    draft = services.tracking_save(
        conversation=start_conversation(rep, occurred_at=at(6)),
        run="draft-run",
        segments=[seg("pitch", 0, 600)],
    )
    deleted = logged_conversation(rep, occurred_at=at(7), split=(10, 10, 70, 10), minutes=60)
    services.conversation_delete(conversation=deleted)
    logged_conversation(rep, occurred_at=at(2, 23, 59), split=(10, 10, 70, 10), minutes=60)
    logged_conversation(rep, occurred_at=at(17, 0, 0), split=(10, 10, 70, 10), minutes=60)
    logged_conversation(teammate, occurred_at=at(5), split=(20, 20, 50, 10), minutes=30)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "draft": draft, "deleted": deleted}


# Pooled ratios ------------------------------------------------------------------


def test_listening_is_pooled_over_all_talk_so_an_hour_long_call_weighs_more_than_a_short_one(
    rep,
):
    # 60 min at 40 % listening and 20 min at 80 %: pooled (1440 + 960) / 4800 = 50 %,
    # where an average of the two conversations' ratios would say 60 %.
    logged_conversation(rep, occurred_at=at(4), split=(40, 20, 30, 10), minutes=60)
    logged_conversation(rep, occurred_at=at(5), split=(80, 10, 0, 10), minutes=20)

    figures = dashboards.summary(alive_in())

    assert figures.customer_talk == 2400
    assert figures.total_talk == 4800
    assert figures.listening_ratio == pytest.approx(0.5)
    assert figures.listening_ratio != pytest.approx((0.4 + 0.8) / 2)


def test_pitch_share_is_pooled_product_talk_over_all_talk(rep):
    # 1080 s of pitch in 4800 s of talk: 22.5 %, not the 15 % mean of 30 % and 0 %.
    logged_conversation(rep, occurred_at=at(4), split=(40, 20, 30, 10), minutes=60)
    logged_conversation(rep, occurred_at=at(5), split=(80, 10, 0, 10), minutes=20)

    figures = dashboards.summary(alive_in())

    assert figures.rep_pitch == 1080
    assert figures.pitch_share == pytest.approx(0.225)


def test_a_fortnight_of_estimated_and_tracked_talk_sums_every_kind_of_talk(fortnight):
    figures = dashboards.summary(alive_in().filter(rep=fortnight["a"].rep))

    assert figures.conversations == 5
    assert figures.with_figures == 4
    assert figures.customer_talk == pytest.approx(1440 + 960 + 390 + 300)
    assert figures.rep_question == pytest.approx(720 + 120 + 90 + 100)
    assert figures.rep_pitch == pytest.approx(1080 + 0 + 120 + 100)
    assert figures.rep_other == pytest.approx(360 + 120)
    assert figures.total_talk == pytest.approx(5900)
    assert figures.listening_ratio == pytest.approx(3090 / 5900)
    assert figures.pitch_share == pytest.approx(1300 / 5900)
    assert figures.last_activity == at(12)


def test_diagnosed_first_rate_counts_only_measured_conversations(fortnight):
    # C yes, D no; A and B are estimates (the order is not measured), E has no figures.
    figures = dashboards.summary(alive_in().filter(rep=fortnight["a"].rep))

    assert fortnight["a"].diagnosed_first is None
    assert fortnight["b"].diagnosed_first is None
    assert (figures.diagnosed_yes, figures.diagnosed_known) == (1, 2)
    assert figures.diagnosed_first_rate == pytest.approx(0.5)
    assert figures.diagnosed_first_basis == "2 of 5 measured"


def test_an_estimate_stored_as_diagnosed_first_before_this_rule_stays_out_of_the_rate(rep):
    # Rows written before estimates stopped claiming an order still say True.
    estimate = logged_conversation(rep, occurred_at=at(4))
    Conversation.objects.filter(pk=estimate.pk).update(diagnosed_first=True)
    tracked(rep, at(5), [seg("pitch", 0, 60), seg("customer", 60, 240)], pains=[{"at": 100}])

    figures = dashboards.summary(alive_in())

    assert (figures.diagnosed_yes, figures.diagnosed_known) == (0, 1)
    assert figures.diagnosed_first_basis == "1 of 2 measured"


def test_a_tracked_pitch_with_only_unstamped_pain_points_leaves_diagnosed_first_unknown(rep):
    # The hand-logged pain point has no moment, so the timeline cannot say what came first.
    known = tracked(rep, at(4), [seg("customer", 0, 60), seg("pitch", 60, 90)], pains=[{"at": 30}])
    unknown = logged_conversation(rep, occurred_at=at(5))
    services.tracking_save(
        conversation=unknown,
        run="no-stamps",
        segments=[seg("pitch", 0, 60), seg("customer", 60, 240)],
    )

    figures = dashboards.summary(alive_in())

    assert known.diagnosed_first is True
    assert unknown.diagnosed_first is None
    assert (figures.diagnosed_yes, figures.diagnosed_known) == (1, 1)
    assert figures.diagnosed_first_rate == 1.0


def test_pain_points_are_per_logged_conversation_and_questions_per_measured_one(fortnight):
    # Pain points 1 + 1 + 1 + 2 + 1 over five conversations; questions 2 + 1 over the two
    # whose questions were counted (an estimate counts no questions).
    figures = dashboards.summary(alive_in().filter(rep=fortnight["a"].rep))

    assert figures.pain_points == pytest.approx(6 / 5)
    assert figures.questions == pytest.approx(1.5)


def test_a_conversation_without_figures_is_counted_but_leaves_the_ratios_alone(rep):
    logged_conversation(rep, occurred_at=at(4), split=(40, 20, 30, 10), minutes=60)
    before = dashboards.summary(alive_in())
    without = logged_conversation(rep, occurred_at=at(5), minutes=0)

    after = dashboards.summary(alive_in())

    assert without.figures_source == ""
    assert (before.conversations, after.conversations) == (1, 2)
    assert (before.with_figures, after.with_figures) == (1, 1)
    assert after.listening_ratio == before.listening_ratio == pytest.approx(0.4)
    assert after.pitch_share == before.pitch_share == pytest.approx(0.3)


def test_drafts_and_soft_deleted_conversations_are_left_out(fortnight):
    chosen = alive_in().filter(rep=fortnight["a"].rep)

    assert fortnight["draft"].figures_source == Conversation.Source.TRACKED
    assert fortnight["draft"].pk not in set(chosen.values_list("pk", flat=True))
    assert fortnight["deleted"].pk not in set(chosen.values_list("pk", flat=True))
    assert set(chosen.values_list("pk", flat=True)) == {
        fortnight[name].pk for name in ("a", "b", "c", "d", "e")
    }
    everything = dashboards.in_period(Conversation.objects.all(), FORTNIGHT)
    assert not everything.filter(pk=fortnight["draft"].pk).exists()


def test_no_conversations_give_zero_counts_and_no_ratios(rep):
    figures = dashboards.summary(alive_in())

    assert figures == Summary()
    assert figures.conversations == 0
    assert figures.listening_ratio is None
    assert figures.pitch_share is None
    assert figures.diagnosed_first_rate is None
    assert figures.pain_points is None
    assert figures.questions is None


# Filters ------------------------------------------------------------------------


def test_the_practice_filter_keeps_only_role_plays(fortnight):
    figures = dashboards.summary(alive_in(kind="practice").filter(rep=fortnight["a"].rep))

    assert figures.conversations == 1
    assert figures.listening_ratio == pytest.approx(390 / 600)
    assert figures.pitch_share == pytest.approx(120 / 600)


def test_the_real_filter_keeps_real_customers_including_ones_without_figures(fortnight):
    figures = dashboards.summary(alive_in(kind="real").filter(rep=fortnight["a"].rep))

    assert figures.conversations == 4
    assert figures.with_figures == 3
    assert figures.listening_ratio == pytest.approx((1440 + 960 + 300) / 5300)


def test_the_source_filter_keeps_only_figures_from_that_source(fortnight):
    rep = fortnight["a"].rep
    tracked_only = dashboards.summary(alive_in(source="tracked").filter(rep=rep))
    estimated_only = dashboards.summary(alive_in(source="estimated").filter(rep=rep))

    assert tracked_only.conversations == 2
    assert tracked_only.listening_ratio == pytest.approx((390 + 300) / (600 + 500))
    assert tracked_only.questions == pytest.approx(1.5)
    assert estimated_only.conversations == 2
    assert estimated_only.listening_ratio == pytest.approx(0.5)
    assert estimated_only.questions is None
    assert dashboards.summary(alive_in(source="transcript").filter(rep=rep)).conversations == 0


def test_kind_and_source_filters_combine(fortnight):
    figures = dashboards.summary(
        alive_in(kind="real", source="tracked").filter(rep=fortnight["a"].rep)
    )

    assert figures.conversations == 1
    assert figures.listening_ratio == pytest.approx(300 / 500)


# Periods ------------------------------------------------------------------------


def test_a_period_runs_from_local_midnight_to_local_midnight_in_summer_time():
    day = Period(date(2025, 6, 10), date(2025, 6, 10), "One day")

    start, end = day.bounds()

    assert start == datetime(2025, 6, 9, 23, 0, tzinfo=UTC)
    assert end == datetime(2025, 6, 10, 23, 0, tzinfo=UTC)


def test_conversations_belong_to_the_london_calendar_day_they_happened_on(rep):
    day = Period(date(2025, 6, 10), date(2025, 6, 10), "One day")
    late_on_the_ninth = logged_conversation(
        rep, occurred_at=datetime(2025, 6, 9, 22, 59, tzinfo=UTC)
    )
    early_on_the_tenth = logged_conversation(
        rep, occurred_at=datetime(2025, 6, 9, 23, 30, tzinfo=UTC)
    )
    late_on_the_tenth = logged_conversation(
        rep, occurred_at=datetime(2025, 6, 10, 22, 59, tzinfo=UTC)
    )
    midnight_after = logged_conversation(rep, occurred_at=datetime(2025, 6, 10, 23, 0, tzinfo=UTC))

    chosen = set(alive_in(day).values_list("pk", flat=True))

    assert chosen == {early_on_the_tenth.pk, late_on_the_tenth.pk}
    assert late_on_the_ninth.pk not in chosen
    assert midnight_after.pk not in chosen


def test_the_first_and_last_minute_of_a_period_are_inside_it(rep):
    first = logged_conversation(rep, occurred_at=at(3, 0, 0))
    last = logged_conversation(rep, occurred_at=at(16, 23, 59))
    logged_conversation(rep, occurred_at=at(2, 23, 59))
    logged_conversation(rep, occurred_at=at(17, 0, 0))

    assert set(alive_in().values_list("pk", flat=True)) == {first.pk, last.pk}


def test_period_weeks_are_the_mondays_of_every_week_it_touches():
    assert Period(date(2025, 3, 5), date(2025, 3, 18), "").weeks == [
        date(2025, 3, 3),
        date(2025, 3, 10),
        date(2025, 3, 17),
    ]
    assert Period(date(2025, 3, 3), date(2025, 3, 9), "").weeks == [date(2025, 3, 3)]
    assert Period(date(2025, 3, 9), date(2025, 3, 10), "").weeks == [
        date(2025, 3, 3),
        date(2025, 3, 10),
    ]
    assert Period(date(2025, 12, 29), date(2026, 1, 5), "").weeks == [
        date(2025, 12, 29),
        date(2026, 1, 5),
    ]


def test_the_last_thirty_days_end_today_and_start_twenty_nine_days_before():
    period = Period.last_days(30, today=date(2025, 3, 31))

    assert period == Period(date(2025, 3, 2), date(2025, 3, 31), "Last 30 days")
    assert Period.last_days(90, today=date(2025, 3, 31)).start == date(2025, 1, 1)


# Weekly trends ------------------------------------------------------------------


def test_weekly_figures_are_bucketed_by_monday_with_empty_weeks_as_zero(rep):
    three_weeks = Period(date(2025, 3, 3), date(2025, 3, 23), "Three weeks")
    logged_conversation(rep, occurred_at=at(3, 9), split=(40, 20, 30, 10), minutes=60)
    logged_conversation(rep, occurred_at=at(9, 23, 30), split=(80, 10, 0, 10), minutes=20)
    logged_conversation(rep, occurred_at=at(17, 0, 15), split=(60, 20, 10, 10), minutes=30)

    trend = dashboards.weekly(alive_in(three_weeks), three_weeks)

    assert trend.weeks == [date(2025, 3, 3), date(2025, 3, 10), date(2025, 3, 17)]
    assert [point.conversations for point in trend.points] == [2, 0, 1]
    assert trend.points[1] == Summary()
    assert trend.listening == [pytest.approx(0.5), None, pytest.approx(0.6)]
    assert trend.pitch == [pytest.approx(0.225), None, pytest.approx(0.1)]


def test_weekly_figures_of_a_fortnight_pool_each_week_on_its_own(fortnight):
    trend = dashboards.weekly(alive_in().filter(rep=fortnight["a"].rep), FORTNIGHT)

    first, second = trend.points
    assert (first.conversations, first.with_figures) == (3, 2)
    assert first.listening_ratio == pytest.approx(2400 / 4800)
    assert (second.conversations, second.with_figures) == (2, 2)
    assert second.listening_ratio == pytest.approx(690 / 1100)
    assert (second.diagnosed_yes, second.diagnosed_known) == (1, 2)
    assert second.last_activity == at(12)


def test_a_sunday_evening_in_utc_that_is_monday_in_london_counts_in_the_new_week(rep):
    june = Period(date(2025, 6, 9), date(2025, 6, 22), "June")
    logged_conversation(rep, occurred_at=datetime(2025, 6, 15, 22, 30, tzinfo=UTC), minutes=10)
    logged_conversation(rep, occurred_at=datetime(2025, 6, 15, 23, 30, tzinfo=UTC), minutes=20)

    trend = dashboards.weekly(alive_in(june), june)

    assert trend.weeks == [date(2025, 6, 9), date(2025, 6, 16)]
    assert [point.conversations for point in trend.points] == [1, 1]
    assert [point.total_talk for point in trend.points] == [600, 1200]


# Per rep ------------------------------------------------------------------------


def test_figures_per_rep_keep_each_reps_talk_apart(fortnight, rep, teammate, other_rep):
    make_user("quiet", first_name="Quinn", team=rep.team)
    logged_conversation(other_rep, occurred_at=at(5), split=(90, 5, 0, 5), minutes=30)

    per_rep = dashboards.summary_per_rep(alive_in().filter(rep__team=rep.team))

    assert set(per_rep) == {rep.pk, teammate.pk}
    assert per_rep[rep.pk].conversations == 5
    assert per_rep[rep.pk].listening_ratio == pytest.approx(3090 / 5900)
    assert per_rep[teammate.pk].conversations == 1
    assert per_rep[teammate.pk].listening_ratio == pytest.approx(0.2)
    assert per_rep[teammate.pk].pitch_share == pytest.approx(0.5)


def test_weekly_figures_per_rep_fill_each_reps_empty_weeks(fortnight, rep, teammate):
    trends = dashboards.weekly_per_rep(alive_in().filter(rep__team=rep.team), FORTNIGHT)

    assert set(trends) == {rep.pk, teammate.pk}
    assert trends[rep.pk].weeks == FORTNIGHT.weeks
    assert [p.conversations for p in trends[rep.pk].points] == [3, 2]
    assert trends[rep.pk].listening == [pytest.approx(0.5), pytest.approx(690 / 1100)]
    assert [p.conversations for p in trends[teammate.pk].points] == [1, 0]
    assert trends[teammate.pk].points[1] == Summary()
    assert trends[teammate.pk].listening == [pytest.approx(0.2), None]


def test_a_teams_figures_add_up_from_its_reps_rows(fortnight, rep, teammate):
    team_conversations = alive_in().filter(rep__team=rep.team)

    added = dashboards.total(dashboards.summary_per_rep(team_conversations).values())
    direct = dashboards.summary(team_conversations)

    assert added == direct
    assert added.conversations == 6
    assert added.listening_ratio == pytest.approx((3090 + 360) / (5900 + 1800))
    assert added.pain_points == pytest.approx(7 / 6)
    assert added.questions == pytest.approx(1.5)
    assert added.last_activity == at(12)


def test_a_teams_weekly_trend_adds_up_from_its_reps_trends(fortnight, rep, teammate):
    team_conversations = alive_in().filter(rep__team=rep.team)
    trends = dashboards.weekly_per_rep(team_conversations, FORTNIGHT)

    added = trends[rep.pk] + trends[teammate.pk]

    assert added == dashboards.weekly(team_conversations, FORTNIGHT)
    assert [point.conversations for point in added.points] == [4, 2]
    assert added.listening == [
        pytest.approx((2400 + 360) / (4800 + 1800)),
        pytest.approx(690 / 1100),
    ]


def test_nothing_added_to_nothing_is_an_empty_summary():
    assert dashboards.total([]) == Summary()
    assert Summary() + Summary() == Summary()


# What the rep believed against what was measured ---------------------------------


def estimated_then_tracked(rep, day: int, believed: int, segments: list[dict]) -> Conversation:
    conversation = logged_conversation(
        rep, occurred_at=at(day), split=(believed, 100 - believed, 0, 0), minutes=10
    )
    return services.tracking_save(
        conversation=conversation, run=f"run-{conversation.pk}", segments=segments
    )


def test_estimate_against_measured_compares_only_conversations_with_both(rep):
    # Believed 70 % and 80 %; measured 300 of 600 s and 240 of 600 s.
    estimated_then_tracked(rep, 4, 70, [seg("customer", 0, 300), seg("pitch", 300, 600)])
    estimated_then_tracked(rep, 5, 80, [seg("customer", 0, 240), seg("question", 240, 600)])
    logged_conversation(rep, occurred_at=at(6), split=(95, 5, 0, 0), minutes=30)
    tracked(rep, at(7), [seg("customer", 0, 60), seg("pitch", 60, 600)], [{"at": 10}])

    gap = dashboards.estimate_vs_measured(alive_in())

    assert gap.conversations == 2
    assert gap.believed_listening == pytest.approx(0.75)
    assert gap.measured_listening == pytest.approx(0.45)
    assert gap.gap == pytest.approx(0.30)


def test_estimate_against_measured_is_empty_without_a_measured_estimate(rep):
    logged_conversation(rep, occurred_at=at(6), split=(95, 5, 0, 0), minutes=30)

    gap = dashboards.estimate_vs_measured(alive_in())

    assert gap.conversations == 0
    assert gap.believed_listening is None
    assert gap.measured_listening is None
    assert gap.gap is None


def test_estimate_against_measured_weighs_each_call_by_its_talk(rep):
    from conversations import services as conversation_services
    from conversations.dashboards import estimate_vs_measured
    from conversations.models import Conversation as Model
    from tests.factories import start_conversation as start

    def measured(listened: int, talked: int, believed: int) -> None:
        conversation = start(rep)
        conversation_services.tracking_save(
            conversation=conversation,
            run=f"r{listened}",
            segments=[
                {"kind": "customer", "start": 0, "end": listened},
                {"kind": "question", "start": listened, "end": talked},
            ],
        )
        Model.objects.filter(pk=conversation.pk).update(
            estimate_customer=believed, status=Model.Status.LOGGED
        )

    measured(listened=30, talked=60, believed=70)  # a minute: believed 70 %, measured 50 %
    measured(listened=900, talked=3600, believed=40)  # an hour: believed 40 %, measured 25 %
    gap = estimate_vs_measured(Model.objects.filter(rep=rep))
    assert gap.conversations == 2
    assert gap.measured_listening == pytest.approx(930 / 3660)
    assert gap.believed_listening == pytest.approx((0.7 * 60 + 0.4 * 3600) / 3660)
