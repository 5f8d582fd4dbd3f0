"""The rep's dashboard (their mirror) and the manager's team dashboard (for coaching)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import OuterRef, Subquery
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from conversations import coaching, dashboards, fragments
from conversations.access import get_figures_rep, get_managed_rep, get_managed_team
from conversations.bands import bands_for, listening_tone
from conversations.charts import line_chart
from conversations.dashboard_forms import DashboardFilterForm
from conversations.dashboards import week_zone
from conversations.metrics import format_listening_to_pitching
from conversations.models import CoachingNote, Conversation, FiguresStamp, WeeklySummaryChoice
from conversations.readouts import summary_readouts
from conversations.voice import Voice
from salesheart.downloads import csv_response, percent_cell
from salesheart.http import AuthenticatedHttpRequest, role_required
from salesheart.models import Team, User
from salesheart.untrusted import query_id


def unknown_last(value: float | None) -> float:
    """Sort key: a real 0 % still ranks above a rep with no figures at all."""
    return -1.0 if value is None else value


SORTABLE = {
    "need": lambda row: coaching.by_need(row),
    "name": lambda row: (row["rep"].get_full_name() or row["rep"].username).lower(),
    "conversations": lambda row: row["summary"].conversations,
    "listening": lambda row: unknown_last(row["summary"].listening_ratio),
    "pitch": lambda row: unknown_last(row["summary"].pitch_share),
    "diagnosed": lambda row: unknown_last(row["summary"].diagnosed_first_rate),
    "last": lambda row: row["summary"].last_activity or timezone.now().replace(year=1970),
}


SORT_CHOICES = [
    ("need", "Most need first"),
    ("name", "By name"),
    ("listening", "Least listening first"),
    ("-pitch", "Most pitch share first"),
    ("diagnosed", "Least diagnosed first"),
    ("-last", "Latest activity first"),
    ("-conversations", "Most conversations first"),
]


def rep_figures(rep: User, filters: DashboardFilterForm, viewer: User) -> dict[str, Any]:
    call_type = filters.chosen_call_type
    conversations, period = dashboards.chosen(
        Conversation.objects.alive().filter(rep=rep), filters, week_zone(rep)
    )
    team = rep.team
    band = team.listening_band if team else (50, 64)
    figures = dashboards.rep_figures(conversations, period)
    trend, per_call_type, overall = figures.trend, figures.per_call_type, figures.summary
    bands = bands_for(team)
    limits = coaching.Limits.for_team(team, bands[call_type] if call_type else None)
    sources = figures.sources
    return {
        "rep": rep,
        "voice": Voice.of(rep, viewer),
        "team": team,
        "band": band,
        "summary": overall,
        "listening_to_pitching": format_listening_to_pitching(
            overall.customer_talk if overall.with_figures else None,
            overall.rep_pitch if overall.with_figures else None,
        ),
        "listening_tone": listening_tone(overall.listening_ratio, band),
        "pitch_tone": (
            ""
            if overall.pitch_share is None or team is None
            else ("good" if overall.pitch_share * 100 <= team.pitch_ceiling else "high")
        ),
        "sources": [
            (label, sources[value])
            for value, label in Conversation.Source.choices
            if value in sources
        ],
        "trend": trend,
        "trend_rows": list(zip(trend.weeks, trend.points, strict=True)),
        "listening_chart": line_chart(
            trend.weeks, trend.listening, band=(band[0] / 100, band[1] / 100)
        ),
        "pitch_chart": line_chart(trend.weeks, trend.pitch),
        "estimate_gap": figures.estimate_gap,
        # Bands differ per kind of call, so pooled figures are read kind by kind.
        "band_groups": [
            (
                bands[value],
                per_call_type[value],
                summary_readouts(per_call_type[value], bands[value]),
            )
            for value in Conversation.CallType.values
            if value in per_call_type
        ],
        # The same flags, with their reasons, as on the team page.
        "coaching": coaching.flags_for(overall, limits, trend.listening[-2:]),
        "limits": limits,
    }


def rep_page(
    request: AuthenticatedHttpRequest,
    rep: User,
    filters: DashboardFilterForm,
    *,
    own: bool,
    more: Callable[[dict[str, Any]], dict[str, Any]],
) -> dict[str, Any]:
    """The context of a rep's dashboard: the figures' fragments from the cache (keyed by
    the rep's stamp) or computed now, and what is drawn fresh on every request. `more`:
    the page's own additions to the figures (its conversations), computed only with them."""

    def figures() -> dict[str, Any]:
        context = {**rep_figures(rep, filters, request.user), "filters": filters, "own": own}
        context["notes"] = (
            CoachingNote.objects.filter(conversation__rep=rep, conversation__deleted_at=None)
            .select_related("author", "conversation__customer")
            .order_by("-created_at")[:5]
        )
        context.update(more(context))
        return context

    team = rep.team
    shown = fragments.rendered(
        request,
        "conversations/dashboard_rep.html",
        ["figures", "details", "recent"],
        fragments.rep_key(
            request,
            rep,
            "dashboard",
            str(week_zone(rep)),
            timezone.localdate(timezone=week_zone(rep)),
        ),
        figures,
    )
    return {
        "rep": rep,
        "team": team,
        "band": team.listening_band if team else (50, 64),
        "filters": filters,
        "own": own,
        "fragments": shown,
    }


@require_GET
@role_required("rep")
def rep_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    rep = request.user
    visible = Conversation.objects.visible_to(rep).filter(rep=rep)
    context = rep_page(
        request,
        rep,
        DashboardFilterForm(request.GET or None),
        own=True,
        more=lambda _: {
            "conversations": visible.logged().select_related("customer")[:5],
            # Measured but still drafts: the figures leave them out, so say which they are.
            "uncounted": visible.filter(figures_source__in=dashboards.MEASURED)
            .drafts()
            .select_related("customer")[:5],
        },
    )
    # "Reflections due" is drawn by the reflections app's own tag (reflections_due).
    context["weekly_summary_on"] = WeeklySummaryChoice.objects.filter(user=rep).exists()
    return render(request, "conversations/dashboard_rep.html", context)


@require_GET
@role_required("manager")
def rep_dashboard_for_manager(request: AuthenticatedHttpRequest, rep_id: int) -> HttpResponse:
    rep = get_managed_rep(request.user, rep_id)
    filters = DashboardFilterForm(request.GET or None)

    def in_period(context: dict[str, Any]) -> dict[str, Any]:
        conversations, _ = dashboards.chosen(
            Conversation.objects.visible_to(request.user).filter(rep=rep), filters, week_zone(rep)
        )
        conversations = list(conversations.select_related("customer").order_by("-occurred_at")[:50])
        return {
            "conversations": conversations,
            # The conversations behind each flag, from the list above (no query of its own).
            "evidence": coaching.evidence(context["coaching"], conversations, context["limits"]),
            # The practise links keep the period the manager is looking at.
            "query": request.GET.urlencode(),
        }

    context = rep_page(request, rep, filters, own=False, more=in_period)
    return render(request, "conversations/dashboard_rep.html", context)


def team_key(request: AuthenticatedHttpRequest, team: Team, members: list[User]) -> str | None:
    """The cache key of the team page's figures; None while a member has no stamp."""
    if any(member.figures_stamp is None for member in members):
        return None
    return fragments.key_of(
        request,
        "team",
        fragments.row_of(team),
        [
            (m.pk, m.first_name, m.last_name, m.username, m.time_zone, m.figures_stamp)
            for m in members
        ],
        timezone.localdate(timezone=team.zone),
    )


@require_GET
@role_required("manager")
def team_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    team = get_managed_team(request.user, query_id(request, "team"))
    filters = DashboardFilterForm(request.GET or None)
    members = list(
        dashboards.team_members(team).annotate(
            figures_stamp=Subquery(
                FiguresStamp.objects.filter(rep_id=OuterRef("pk")).values("token")[:1]
            )
        )
    )

    def figures() -> dict[str, Any]:
        rows, team_summary, trend = coaching.team_rows(team, filters, members)
        # Who needs the manager most comes first unless another order is asked for.
        sort = request.GET.get("sort", "need")
        key = sort.removeprefix("-")
        if key not in SORTABLE:
            sort = key = "need"
        rows.sort(key=SORTABLE[key], reverse=sort.startswith("-"))
        query = request.GET.copy()
        query.pop("sort", None)
        return {
            "team": team,
            "rows": rows,
            "sort": sort,
            "sort_choices": SORT_CHOICES,
            "sort_label": dict(SORT_CHOICES).get(sort, SORT_CHOICES[0][1]),
            "columns": [
                ("name", "Rep"),
                ("need", "Why they need you"),
                ("conversations", "Conversations"),
                ("listening", "Listening"),
                ("pitch", "Pitch share"),
                ("diagnosed", "Diagnosed first"),
                ("last", "Last activity"),
            ],
            "query_without_sort": query.urlencode(),
            "summary": team_summary,
            "trend_rows": list(zip(trend.weeks, trend.points, strict=True)),
            "listening_chart": line_chart(
                trend.weeks, trend.listening, band=(band[0] / 100, band[1] / 100)
            ),
            "call_type_choices": Conversation.CallType.choices,
            "chosen_call_type": filters.chosen_call_type,
        }

    band = team.listening_band
    return render(
        request,
        "conversations/dashboard_team.html",
        {
            "team": team,
            "teams": request.user.managed_teams.all(),
            "filters": filters,
            "band": band,
            "fragments": fragments.rendered(
                request,
                "conversations/dashboard_team.html",
                ["figures"],
                team_key(request, team, members),
                figures,
            ),
            "weekly_summary_on": WeeklySummaryChoice.objects.filter(user=request.user).exists(),
        },
    )


@require_GET
@role_required("manager")
def team_export(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    team = get_managed_team(request.user, query_id(request, "team"))
    filters = DashboardFilterForm(request.GET or None)
    rows, _, _ = coaching.team_rows(team, filters)

    def lines() -> Iterator[list[Any]]:
        yield [
            "rep",
            "conversations",
            "with figures",
            "listening %",
            "pitch share %",
            "diagnosed first %",
            "diagnosed first measured on",
            "pain points per conversation",
            "questions per conversation",
            "last activity",
            "flags",
        ]
        for row in rows:
            summary = row["summary"]
            yield [
                row["rep"].get_full_name() or row["rep"].username,
                summary.conversations,
                summary.with_figures,
                percent_cell(summary.listening_ratio),
                percent_cell(summary.pitch_share),
                percent_cell(summary.diagnosed_first_rate),
                summary.diagnosed_first_basis,
                "" if summary.pain_points is None else f"{summary.pain_points:.1f}",
                "" if summary.questions is None else f"{summary.questions:.1f}",
                summary.last_activity.isoformat() if summary.last_activity else "",
                "; ".join(row["flags"]),
            ]

    period = filters.chosen_period
    return csv_response(lines(), f"{team.name}-{period.start}-{period.end}.csv".replace(" ", "-"))


def diagnosed_first_text(conversation: Conversation) -> str:
    if conversation.diagnosed_first is None:
        return "not measured" if conversation.figures_source else ""
    return "yes" if conversation.diagnosed_first else "no"


@require_GET
def rep_export(
    request: AuthenticatedHttpRequest, rep_id: int | None = None
) -> StreamingHttpResponse:
    rep = get_figures_rep(request.user, rep_id)
    filters = DashboardFilterForm(request.GET or None)
    conversations, _ = dashboards.chosen(
        Conversation.objects.alive().filter(rep=rep), filters, week_zone(rep)
    )
    conversations = conversations.select_related("customer").order_by("occurred_at")

    def lines() -> Iterator[list[Any]]:
        yield [
            "when",
            "customer",
            "company",
            "channel",
            "real or practice",
            "outcome",
            "source",
            "listening %",
            "pitch share %",
            "diagnosed first",
            "pain points",
            "questions",
        ]
        for conversation in conversations.iterator(chunk_size=500):
            yield [
                timezone.localtime(conversation.occurred_at).isoformat(),
                conversation.customer.name,
                conversation.customer.company,
                conversation.get_channel_display(),
                conversation.get_kind_display(),
                conversation.get_outcome_display(),
                conversation.get_figures_source_display(),
                percent_cell(conversation.listening_ratio),
                percent_cell(conversation.pitch_share),
                diagnosed_first_text(conversation),
                conversation.pain_point_count,
                "" if conversation.questions_asked is None else conversation.questions_asked,
            ]

    name = (rep.get_full_name() or rep.username).replace(" ", "-")
    return csv_response(lines(), f"{name}-conversations.csv")
