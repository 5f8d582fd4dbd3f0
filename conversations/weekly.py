"""The weekly summary email: delayed, short and personal, for the people who asked for it.

A manager reads who moved last week and who needs a conversation, with links; a rep
reads their own week against their bands, one thing that went well and one to try.
Someone who is both gets one email with both parts. At most one email per person per
week, however often cron runs the command and even when two runs overlap: the log row
and the email stand or fall together (as the reminders do, reflections/reminders.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from conversations import coaching, dashboards
from conversations.models import Conversation, WeeklySummaryChoice, WeeklySummaryLog

if TYPE_CHECKING:
    from salesheart.models import Team, User

UNSUBSCRIBE_SALT = "conversations.weekly-summary.unsubscribe"
# A listening change this large from one week to the next is worth a manager's eye.
MOVED_POINTS = coaching.DRIFT_POINTS
NEEDS_LIMIT = 3

# One concrete thing to try, per skill a flag asks for.
TIPS = {
    coaching.Skill.LISTENING: (
        "After each answer, ask one more open question before you say anything about "
        "yourself, and let the silence after it last."
    ),
    coaching.Skill.QUESTIONS: (
        "Prepare five open questions before each call and tick them off as you ask them."
    ),
    coaching.Skill.DIAGNOSING: (
        "Keep the product out of the call until the customer has named a problem and what "
        "it costs them."
    ),
    coaching.Skill.MONOLOGUES: (
        "Stop after two minutes and hand the conversation back with a question."
    ),
    coaching.Skill.STORIES: (
        "When the customer starts a story, ask what happened next instead of moving on."
    ),
}


def week_before(today: date) -> dashboards.Period:
    """The last whole week (Monday to Sunday) before today."""
    monday = today - timedelta(days=today.weekday() + 7)
    return dashboards.Period(monday, monday + timedelta(days=6), f"Week of {monday:%d %b}")


def unsubscribe_token(user: User) -> str:
    return signing.dumps({"user": user.pk}, salt=UNSUBSCRIBE_SALT)


def user_from_token(token: str) -> int | None:
    """The person an unsubscribe link is for; None for a link nobody signed."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    pk = data.get("user") if isinstance(data, dict) else None
    return pk if isinstance(pk, int) else None


# What a rep reads ----------------------------------------------------------------------


@dataclass
class RepWeek:
    summary: dashboards.Summary
    limits: coaching.Limits
    flags: list[coaching.Flag]
    went_well: str
    to_try: str


def went_well(summary: dashboards.Summary, limits: coaching.Limits) -> str:
    """The first figure that sat well: in the band, under the ceiling, diagnosed first."""
    listening = summary.listening_ratio
    if listening is not None and limits.listening.position(listening) == "within":
        return f"Listening {coaching.points(listening)} %, in the band ({limits.listening_text})."
    pitch = summary.pitch_share
    if pitch is not None and pitch <= limits.pitch_ceiling:
        return (
            f"Pitch share {coaching.points(pitch)} %, under the ceiling "
            f"({coaching.points(limits.pitch_ceiling)} %)."
        )
    if summary.diagnosed_known and summary.diagnosed_yes:
        return (
            f"Diagnosed first in {summary.diagnosed_yes} of {summary.diagnosed_known} "
            "measured conversations."
        )
    if summary.conversations:
        n = summary.conversations
        return f"{n} conversation{'s' if n != 1 else ''} logged: the habit holds."
    return ""


def rep_week(rep: User, period: dashboards.Period) -> RepWeek:
    with timezone.override(rep.team.zone if rep.team else timezone.get_current_timezone()):
        conversations = dashboards.in_period(Conversation.objects.alive().filter(rep=rep), period)
    summary = dashboards.summary(conversations)
    limits = coaching.Limits.for_team(rep.team)
    flags = coaching.flags_for(summary, limits)
    worst = next((flag for flag in flags if not flag.is_good), None)
    to_try = f"{worst.text}. {TIPS[worst.skill]}" if worst else ""
    return RepWeek(summary, limits, flags, went_well(summary, limits), to_try)


# What a manager reads ------------------------------------------------------------------


@dataclass
class Moved:
    rep: User
    text: str
    tone: str
    url: str


@dataclass
class Needs:
    rep: User
    flags: list[coaching.Flag]
    url: str


@dataclass
class TeamWeek:
    team: Team
    moved: list[Moved] = field(default_factory=list)
    needs: list[Needs] = field(default_factory=list)
    url: str = ""


def team_week(team: Team, period: dashboards.Period, base_url: str) -> TeamWeek:
    """Two queries: the team's week and the week before, per rep."""
    members = list(team.members.filter(is_active=True).order_by("first_name", "username"))
    ids = [rep.pk for rep in members]
    before = dashboards.Period(
        period.start - timedelta(days=7), period.end - timedelta(days=7), "week before"
    )
    with timezone.override(team.zone):
        this = dashboards.summary_per_rep(
            dashboards.in_period(Conversation.objects.alive().filter(rep_id__in=ids), period)
        )
        last = dashboards.summary_per_rep(
            dashboards.in_period(Conversation.objects.alive().filter(rep_id__in=ids), before)
        )
    limits = coaching.Limits.for_team(team)
    week = TeamWeek(team, url=f"{base_url}{reverse('conversations:team_dashboard')}?team={team.pk}")
    ranked = []
    for rep in members:
        url = f"{base_url}{reverse('conversations:rep_dashboard_for_manager', args=[rep.pk])}"
        now, then = this.get(rep.pk), last.get(rep.pk)
        if now and then and now.listening_ratio is not None and then.listening_ratio is not None:
            change = coaching.points(now.listening_ratio - then.listening_ratio)
            if abs(change) >= MOVED_POINTS:
                words = "more" if change > 0 else "less"
                week.moved.append(
                    Moved(
                        rep,
                        f"listened {abs(change)} points {words} than the week before "
                        f"({coaching.points(then.listening_ratio)} → "
                        f"{coaching.points(now.listening_ratio)} %)",
                        coaching.GOOD if change > 0 else coaching.LOW,
                        url,
                    )
                )
        if now:
            flags = [flag for flag in coaching.flags_for(now, limits) if not flag.is_good]
            if flags:
                ranked.append((coaching.need_of(flags), Needs(rep, flags, url)))
    ranked.sort(key=lambda item: -item[0])
    week.needs = [needs for _, needs in ranked[:NEEDS_LIMIT]]
    return week


# The email -----------------------------------------------------------------------------


@dataclass
class Summary:
    user: User
    period: dashboards.Period
    rep: RepWeek | None = None
    teams: list[TeamWeek] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return f"SalesHeart: your week of {self.period.start:%d %b}"

    @property
    def is_empty(self) -> bool:
        """A rep with no conversation that week and no team to manage hears nothing."""
        quiet_rep = self.rep is None or not self.rep.summary.conversations
        return quiet_rep and not self.teams


def summary_for(user: User, period: dashboards.Period, base_url: str) -> Summary:
    summary = Summary(user, period)
    if user.is_rep:
        summary.rep = rep_week(user, period)
    for team in user.managed_teams.order_by("name"):
        summary.teams.append(team_week(team, period, base_url))
    return summary


def recipients() -> list[User]:
    chosen = WeeklySummaryChoice.objects.select_related("user__team").filter(user__is_active=True)
    return [choice.user for choice in chosen if choice.user.email]


@dataclass
class Outcome:
    sent: list[str] = field(default_factory=list)
    already: int = 0
    nothing: int = 0
    failed: dict[str, str] = field(default_factory=dict)


def message_for(summary: Summary, base_url: str) -> EmailMultiAlternatives:
    unsubscribe = base_url + reverse(
        "conversations:weekly_unsubscribe", args=[unsubscribe_token(summary.user)]
    )
    context = {
        "summary": summary,
        "base_url": base_url,
        "dashboard_url": base_url + reverse("conversations:dashboard"),
        "unsubscribe_url": unsubscribe,
    }
    message = EmailMultiAlternatives(
        summary.subject,
        render_to_string("conversations/email/weekly_summary.txt", context),
        None,
        [summary.user.email],
        # Mail programs offer their own unsubscribe button from this header.
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
    )
    message.attach_alternative(
        render_to_string("conversations/email/weekly_summary.html", context), "text/html"
    )
    return message


def weekly_summary_choose(*, user: User, wanted: bool) -> None:
    """On or off; choosing what is already chosen changes nothing."""
    if wanted:
        WeeklySummaryChoice.objects.get_or_create(user=user)
    else:
        WeeklySummaryChoice.objects.filter(user=user).delete()


def send_weekly_summaries(*, today: date, base_url: str, dry_run: bool = False) -> Outcome:
    base_url = base_url.rstrip("/")
    period = week_before(today)
    outcome = Outcome()
    done = set(WeeklySummaryLog.objects.filter(week=period.start).values_list("user_id", flat=True))
    for user in sorted(recipients(), key=lambda person: person.username):
        if user.pk in done:
            outcome.already += 1
            continue
        summary = summary_for(user, period, base_url)
        if summary.is_empty:
            outcome.nothing += 1
            continue
        if dry_run:
            outcome.sent.append(f"{user.email}: {summary.subject}")
            continue
        message = message_for(summary, base_url)
        try:
            # The log row and the email stand or fall together: a failed send rolls the
            # row back, so the next run tries again; a run racing this one waits on the
            # unique (user, week) row and then finds it taken.
            with transaction.atomic():
                _, created = WeeklySummaryLog.objects.get_or_create(user=user, week=period.start)
                if not created:
                    outcome.already += 1
                    continue
                message.send()
        except Exception as error:
            # One bad address or a mail server hiccup must not stop the others.
            outcome.failed[user.email] = str(error)
            continue
        outcome.sent.append(f"{user.email}: {summary.subject}")
    return outcome
