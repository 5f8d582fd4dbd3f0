"""Dashboard figures, computed by the database.

Every figure here is one aggregate query over the stored conversation figures
(per rep, per week or both), never a loop over conversations in Python, so a
dashboard costs the same few queries at any size.

Ratios are pooled over time, not averaged over conversations: a rep's listening
ratio is all the customer's talk divided by all the talk. A five-minute call
then weighs less than an hour-long one, as it should.

Size: the figures, the periods they cover and the selectors that read them (a rep's, a
team's) share one grouped query's shape; apart, each would rebuild it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone

from conversations.bands import CallBands, bands_for
from conversations.metrics import listening_ratio, per_hour
from conversations.models import MEASURED_SOURCES, Conversation
from conversations.readouts import summary_readouts
from salesheart.time_zones import zone_named

if TYPE_CHECKING:
    from conversations.dashboard_forms import DashboardFilterForm
    from salesheart.models import Team, User

MEASURED = tuple(MEASURED_SOURCES)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    @classmethod
    def last_days(cls, days: int, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(today - timedelta(days=days - 1), today, f"Last {days} days")

    def bounds(self) -> tuple[datetime, datetime]:
        zone = timezone.get_current_timezone()
        start = datetime.combine(self.start, time.min, tzinfo=zone)
        end = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone)
        return start, end

    @property
    def weeks(self) -> list[date]:
        """Mondays of every week the period touches, oldest first."""
        monday = self.start - timedelta(days=self.start.weekday())
        weeks = []
        while monday <= self.end:
            weeks.append(monday)
            monday += timedelta(days=7)
        return weeks


def _figure_sums() -> dict[str, Any]:
    with_figures = Q(figures_source__gt="")
    talk = F("customer_talk") + F("rep_question") + F("rep_pitch") + F("rep_other")
    # First: later keys reuse the names of the fields they sum, and an expression after
    # them would read the sum instead of the field.
    return {
        # Talk of the conversations that counted questions, for questions per hour.
        "questions_talk": Sum(talk, filter=Q(questions_asked__isnull=False)),
        "conversations": Count("pk"),
        "with_figures": Count("pk", filter=with_figures),
        "customer_talk": Sum("customer_talk", filter=with_figures),
        "rep_question": Sum("rep_question", filter=with_figures),
        "rep_pitch": Sum("rep_pitch", filter=with_figures),
        "rep_other": Sum("rep_other", filter=with_figures),
        # Only timings tell the order: an estimate never counts, whatever it stored.
        "diagnosed_yes": Count("pk", filter=Q(diagnosed_first=True, figures_source__in=MEASURED)),
        "diagnosed_known": Count(
            "pk", filter=Q(diagnosed_first__isnull=False, figures_source__in=MEASURED)
        ),
        "pain_points_total": Sum("pain_point_count"),
        "questions_total": Sum("questions_asked"),
        "questions_known": Count("questions_asked"),
        "monologue_total": Sum("longest_rep_monologue"),
        "monologue_known": Count("longest_rep_monologue"),
        "story_total": Sum("longest_customer_story"),
        "story_known": Count("longest_customer_story"),
        # Pooled over pauses, not conversations: sum of pauses / number of pauses.
        "patience_total": Sum(F("patience") * F("patience_pauses")),
        "patience_pauses": Sum("patience_pauses", filter=Q(patience__isnull=False)),
        "patience_known": Count("patience"),
        "last_activity": Max("occurred_at"),
    }


@dataclass(frozen=True)
class Summary:
    conversations: int = 0
    with_figures: int = 0
    customer_talk: float = 0.0
    rep_question: float = 0.0
    rep_pitch: float = 0.0
    rep_other: float = 0.0
    diagnosed_yes: int = 0
    diagnosed_known: int = 0
    pain_points_total: int = 0
    questions_total: int = 0
    questions_known: int = 0
    questions_talk: float = 0.0
    monologue_total: float = 0.0
    monologue_known: int = 0
    story_total: float = 0.0
    story_known: int = 0
    patience_total: float = 0.0
    patience_pauses: int = 0
    patience_known: int = 0
    last_activity: datetime | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Summary:
        return cls(
            **{name: row.get(name) or cls.__dataclass_fields__[name].default for name in ADDITIVE},
            last_activity=row.get("last_activity"),
        )

    def __add__(self, other: Summary) -> Summary:
        """Sums and counts add up, so a team's figures come from its reps' rows."""
        latest = [moment for moment in (self.last_activity, other.last_activity) if moment]
        return Summary(
            **{name: getattr(self, name) + getattr(other, name) for name in ADDITIVE},
            last_activity=max(latest) if latest else None,
        )

    @property
    def pain_points(self) -> float | None:
        return self.pain_points_total / self.conversations if self.conversations else None

    @property
    def questions(self) -> float | None:
        return self.questions_total / self.questions_known if self.questions_known else None

    @property
    def total_talk(self) -> float:
        return self.customer_talk + self.rep_question + self.rep_pitch + self.rep_other

    @property
    def listening_ratio(self) -> float | None:
        return listening_ratio(self.customer_talk, self.total_talk)

    @property
    def pitch_share(self) -> float | None:
        return self.rep_pitch / self.total_talk if self.total_talk else None

    @property
    def talk_share(self) -> float | None:
        listening = self.listening_ratio
        return None if listening is None else 1 - listening

    @property
    def question_rate(self) -> float | None:
        return per_hour(self.questions_total if self.questions_known else None, self.questions_talk)

    @property
    def monologue(self) -> float | None:
        """The average of each conversation's longest monologue, as Gong reports it."""
        return self.monologue_total / self.monologue_known if self.monologue_known else None

    @property
    def story(self) -> float | None:
        return self.story_total / self.story_known if self.story_known else None

    @property
    def patience(self) -> float | None:
        return self.patience_total / self.patience_pauses if self.patience_pauses else None

    @property
    def diagnosed_first_rate(self) -> float | None:
        return self.diagnosed_yes / self.diagnosed_known if self.diagnosed_known else None

    @property
    def diagnosed_first_basis(self) -> str:
        """What the diagnosed-first rate stands on: "3 of 5 measured"."""
        return f"{self.diagnosed_known} of {self.conversations} measured"


ADDITIVE = [name for name in Summary.__dataclass_fields__ if name != "last_activity"]


def total(summaries: Iterable[Summary]) -> Summary:
    return sum(summaries, Summary())


def in_period(
    conversations: QuerySet[Conversation],
    period: Period,
    *,
    kind: str = "",
    source: str = "",
    call_type: str = "",
) -> QuerySet[Conversation]:
    start, end = period.bounds()
    conversations = conversations.logged().filter(occurred_at__gte=start, occurred_at__lt=end)
    if kind:
        conversations = conversations.filter(kind=kind)
    if call_type:
        conversations = conversations.filter(call_type=call_type)
    if source:
        conversations = conversations.filter(figures_source=source)
    return conversations


def week_zone(rep: User) -> tzinfo:
    """Dashboards count days and weeks in the rep's team's time zone, whoever looks."""
    return rep.team.zone if rep.team else zone_named("")


def chosen(
    conversations: QuerySet[Conversation], filters: DashboardFilterForm, zone: tzinfo
) -> tuple[QuerySet[Conversation], Period]:
    """What a dashboard's filters choose (period, real or practice, source, kind of call)
    and the period itself, its days ("the last 30") counted in `zone` (the team's)."""
    with timezone.override(zone):
        period = filters.chosen_period
        return in_period(
            conversations,
            period,
            kind=filters.chosen_kind,
            source=filters.chosen_source,
            call_type=filters.chosen_call_type,
        ), period


def summary(conversations: QuerySet[Conversation]) -> Summary:
    return Summary.from_row(conversations.order_by().aggregate(**_figure_sums()))


def summary_per_call_type(conversations: QuerySet[Conversation]) -> dict[str, Summary]:
    """One summary per kind of call (one query); their total is the overall summary."""
    rows = conversations.order_by().values("call_type").annotate(**_figure_sums())
    return {row["call_type"]: Summary.from_row(row) for row in rows}


def summary_per_rep(conversations: QuerySet[Conversation]) -> dict[int, Summary]:
    rows = conversations.order_by().values("rep_id").annotate(**_figure_sums())
    return {row["rep_id"]: Summary.from_row(row) for row in rows}


@dataclass
class Trend:
    weeks: list[date]
    points: list[Summary] = field(default_factory=list)

    def __add__(self, other: Trend) -> Trend:
        return Trend(self.weeks, [a + b for a, b in zip(self.points, other.points, strict=True)])

    @property
    def listening(self) -> list[float | None]:
        return [point.listening_ratio for point in self.points]

    @property
    def pitch(self) -> list[float | None]:
        return [point.pitch_share for point in self.points]


def weekly(conversations: QuerySet[Conversation], period: Period) -> Trend:
    rows = conversations.order_by().values("occurred_week").annotate(**_figure_sums())
    by_week = {row["occurred_week"]: Summary.from_row(row) for row in rows}
    return Trend(period.weeks, [by_week.get(week, Summary()) for week in period.weeks])


def weekly_per_rep(conversations: QuerySet[Conversation], period: Period) -> dict[int, Trend]:
    rows = conversations.order_by().values("rep_id", "occurred_week").annotate(**_figure_sums())
    by_rep: dict[int, dict[date, Summary]] = {}
    for row in rows:
        by_rep.setdefault(row["rep_id"], {})[row["occurred_week"]] = Summary.from_row(row)
    return {
        rep_id: Trend(period.weeks, [weeks.get(week, Summary()) for week in period.weeks])
        for rep_id, weeks in by_rep.items()
    }


@dataclass(frozen=True)
class EstimateGap:
    """Where a rep both estimated the split and measured it: what they believed vs the truth."""

    conversations: int
    believed_listening: float | None
    measured_listening: float | None

    @classmethod
    def from_sums(
        cls, count: int, believed: float | None, customer_talk: float | None, talk: float | None
    ) -> EstimateGap:
        """Believed listening is weighted like the measured one: both over the same talk."""
        if not talk:
            return cls(count, None, None)
        return cls(count, (believed or 0.0) / talk, listening_ratio(customer_talk or 0.0, talk))

    @property
    def gap(self) -> float | None:
        if self.believed_listening is None or self.measured_listening is None:
            return None
        return self.believed_listening - self.measured_listening

    @property
    def gap_points(self) -> int | None:
        return None if self.gap is None else round(self.gap * 100)


def estimate_vs_measured(conversations: QuerySet[Conversation]) -> EstimateGap:
    """Pooled like every other figure: each call weighs by its measured talk time."""
    talk = F("customer_talk") + F("rep_question") + F("rep_pitch") + F("rep_other")
    row = (
        conversations.order_by()
        .filter(figures_source__in=MEASURED, estimate_customer__isnull=False)
        .aggregate(
            count=Count("pk"),
            believed_listening=Sum(F("estimate_customer") * talk / 100.0),
            measured_listening=Sum("customer_talk"),
            all_talk=Sum(talk),
        )
    )
    return EstimateGap.from_sums(
        row["count"], row["believed_listening"], row["measured_listening"], row["all_talk"]
    )


# One query per page ----------------------------------------------------------------
#
# Profiling one request (benchmarks/profile_page.py) showed each aggregate query costs
# as much to build in the ORM as to run, so each dashboard reads all its figures in ONE
# grouped query and adds the groups up here: Summary is additive, so a total of groups
# is the same figure as the database's total (tests/test_dashboards_one_query.py checks
# both against a recomputation from the rows). The groups are few (weeks x kinds of call
# x sources), never one per conversation.


def _estimate_sums() -> dict[str, Any]:
    talk = F("customer_talk") + F("rep_question") + F("rep_pitch") + F("rep_other")
    both = Q(figures_source__in=MEASURED, estimate_customer__isnull=False)
    return {
        "estimate_count": Count("pk", filter=both),
        "estimate_believed": Sum(F("estimate_customer") * talk / 100.0, filter=both),
        "estimate_customer_talk": Sum("customer_talk", filter=both),
        "estimate_talk": Sum(talk, filter=both),
    }


@dataclass(frozen=True)
class RepFigures:
    """Every figure of a rep's dashboard for one period and one set of filters."""

    summary: Summary
    per_call_type: dict[str, Summary]
    trend: Trend
    sources: dict[str, int]
    estimate_gap: EstimateGap


def rep_figures(conversations: QuerySet[Conversation], period: Period) -> RepFigures:
    """Read-only selector: the same figures as `summary`, `summary_per_call_type`,
    `weekly`, the per-source counts and `estimate_vs_measured`, from one query."""
    # The estimate sums go first: they read fields that _figure_sums names its sums after.
    rows = (
        conversations.order_by()
        .values("occurred_week", "call_type", "figures_source")
        .annotate(**_estimate_sums(), **_figure_sums())
    )
    per_call_type: dict[str, Summary] = {}
    by_week: dict[date, Summary] = {}
    sources: dict[str, int] = {}
    estimate = [0, 0.0, 0.0, 0.0]
    for row in rows:
        group = Summary.from_row(row)
        call_type, week, source = row["call_type"], row["occurred_week"], row["figures_source"]
        per_call_type[call_type] = per_call_type.get(call_type, Summary()) + group
        by_week[week] = by_week.get(week, Summary()) + group
        if source:
            sources[source] = sources.get(source, 0) + group.with_figures
        for index, name in enumerate(
            ("estimate_count", "estimate_believed", "estimate_customer_talk", "estimate_talk")
        ):
            estimate[index] += row[name] or 0
    return RepFigures(
        summary=total(per_call_type.values()),
        per_call_type=per_call_type,
        trend=Trend(period.weeks, [by_week.get(week, Summary()) for week in period.weeks]),
        sources=sources,
        estimate_gap=EstimateGap.from_sums(*estimate),
    )


def team_figures(
    conversations: QuerySet[Conversation], period: Period
) -> tuple[dict[int, Summary], dict[int, Trend]]:
    """Read-only selector: `summary_per_rep` and `weekly_per_rep` from one query."""
    rows = conversations.order_by().values("rep_id", "occurred_week").annotate(**_figure_sums())
    per_rep: dict[int, Summary] = {}
    by_rep: dict[int, dict[date, Summary]] = {}
    for row in rows:
        group = Summary.from_row(row)
        per_rep[row["rep_id"]] = per_rep.get(row["rep_id"], Summary()) + group
        by_rep.setdefault(row["rep_id"], {})[row["occurred_week"]] = group
    trends = {
        rep_id: Trend(period.weeks, [weeks.get(week, Summary()) for week in period.weeks])
        for rep_id, weeks in by_rep.items()
    }
    return per_rep, trends


def team_members(team: Team) -> QuerySet[User]:
    """The reps of a team page, in its name order."""
    return team.members.order_by("first_name", "last_name", "username")


def team_rows(
    team: Team,
    filters: DashboardFilterForm,
    call_bands: CallBands | None = None,
    members: list[User] | None = None,
) -> tuple[list[dict], Summary, Trend]:
    """Read-only selector: one row per member of the team (name order) with their figures
    for the chosen period and filters, their weekly trend and readouts; then the team's
    pooled summary and weekly trend. Two queries (members, figures) whatever the size of
    the team. The flags read from these rows are coaching.team_rows'. `call_bands`: the
    team's bands for the chosen kind of call, read once by a caller that needs them too.

    Each row: rep, summary, trend, readouts. `members`: team_members(team), when the
    caller has read them already."""
    if members is None:
        members = list(team_members(team))
    # Filtering on the member ids lets the database walk its (rep, date) index; a join
    # through the user table was several times slower on a large organisation.
    conversations, period = chosen(
        Conversation.objects.alive().filter(rep_id__in=[rep.pk for rep in members]),
        filters,
        team.zone,
    )
    per_rep, trends = team_figures(conversations, period)
    call_type = filters.chosen_call_type
    if call_type and call_bands is None:
        call_bands = bands_for(team)[call_type]
    rows = []
    for rep in members:
        summary = per_rep.get(rep.pk, Summary())
        rows.append(
            {
                "rep": rep,
                "summary": summary,
                "trend": trends.get(rep.pk),
                # Listening keeps its own column and target; these follow it.
                "readouts": summary_readouts(summary, call_bands)[1:],
            }
        )
    team_trend = Trend(period.weeks, [Summary() for _ in period.weeks])
    for trend in trends.values():
        team_trend = team_trend + trend
    return rows, total(per_rep.values()), team_trend
