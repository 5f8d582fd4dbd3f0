"""Exercises, the assignments that give them to reps, and the reps' reflections.

A reflection exists from the moment its assignment does (state "assigned"), so
every assignment has exactly one state and dashboards count one column.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from conversations.coaching import Skill
from salesheart.dates import validate_plausible_date
from salesheart.edits import VersionedModel

if TYPE_CHECKING:
    from salesheart.models import User

TEXT_LIMIT = 4000
REFLECTION_LIMIT = 20_000


class ExerciseQuerySet(models.QuerySet["Exercise"]):
    def active(self) -> ExerciseQuerySet:
        return self.filter(archived_at__isnull=True)


class Exercise(VersionedModel):
    class Kind(models.TextChoices):
        REFLECTION = "reflection", "Reflection prompt"
        FIELD_TASK = "field_task", "Field task"
        SCENARIO = "scenario", "Practice scenario"

    kind = models.CharField(max_length=12, choices=Kind, default=Kind.REFLECTION)
    title = models.CharField(max_length=150)
    instructions = models.TextField(
        "what to do",
        max_length=TEXT_LIMIT,
        help_text="What the rep reads: the task, and what to write about afterwards.",
    )
    period_days = models.PositiveSmallIntegerField(
        "over how many days",
        null=True,
        blank=True,
        help_text="For field tasks: how long the rep works at it with real customers.",
    )
    # The rep's practice conversation is logged with a customer of this name.
    persona_name = models.CharField("the customer's name", max_length=120, blank=True)
    persona_company = models.CharField("their company", max_length=120, blank=True)
    persona = models.TextField(
        "who they are",
        max_length=TEXT_LIMIT,
        blank=True,
        help_text="Their role, their world, how they come across. The rep sees this.",
    )
    situation = models.TextField(
        "the situation",
        max_length=TEXT_LIMIT,
        blank=True,
        help_text="Why this meeting is happening. The rep sees this.",
    )
    hidden_pain_points = models.TextField(
        "hidden pain points",
        max_length=TEXT_LIMIT,
        blank=True,
        help_text=(
            "One per line. Only the partner playing the customer sees them, until the "
            "practice is over."
        ),
    )
    skill = models.CharField(
        "skill it trains",
        max_length=20,
        choices=Skill,
        blank=True,
        help_text="Offered from a dashboard flag about this skill.",
    )
    # Starter exercises carry a key so installing the library twice finds them again.
    starter_key = models.SlugField(max_length=60, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exercises_written",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["starter_key"],
                condition=~Q(starter_key=""),
                name="reflections_exercise_unique_starter_key",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reflections:exercise_edit", args=[self.pk])

    @property
    def is_scenario(self) -> bool:
        return self.kind == self.Kind.SCENARIO

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def hidden_pain_point_list(self) -> list[str]:
        return [line.strip() for line in self.hidden_pain_points.splitlines() if line.strip()]

    def archive(self) -> None:
        self.archived_at = timezone.now()
        self.save(update_fields=["archived_at", "updated_at"])

    def restore(self) -> None:
        self.archived_at = None
        self.save(update_fields=["archived_at", "updated_at"])


class State(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    REVIEWED = "reviewed", "Reviewed"
    RETURNED = "returned", "Returned"


# The rep still owes something in these states; past the due date they are overdue.
OPEN_STATES = (State.ASSIGNED, State.DRAFT, State.RETURNED)
DONE_STATES = (State.SUBMITTED, State.REVIEWED)


def overdue_filter(today: date) -> Q:
    return Q(due_on__lt=today, reflection__state__in=OPEN_STATES)


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def visible_to(self, user: User) -> AssignmentQuerySet:
        """The rep's own, the ones a trainer gave, and those of the teams a person manages."""
        condition = Q(rep=user) | Q(assigned_by=user)
        if user.managed_team_ids:
            condition |= Q(rep__team__in=user.managed_team_ids)
        return self.filter(condition)

    def open(self) -> AssignmentQuerySet:
        return self.filter(reflection__state__in=OPEN_STATES)

    def overdue(self, today: date | None = None) -> AssignmentQuerySet:
        return self.filter(overdue_filter(today or timezone.localdate()))

    def overdue_first(self, today: date | None = None) -> AssignmentQuerySet:
        today = today or timezone.localdate()
        return self.annotate(
            overdue_rank=Case(
                When(overdue_filter(today), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("overdue_rank", "due_on", "pk")

    def with_everything(self) -> AssignmentQuerySet:
        return self.select_related(
            "exercise",
            "rep__team",
            "assigned_by",
            "reflection",
            "conversation__customer",
            "practice",
        )


class Assignment(models.Model):
    """An exercise given to one rep, due on a day; a team assignment makes one per member."""

    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="assignments")
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="assignments_given",
    )
    due_on = models.DateField("due date", validators=[validate_plausible_date])
    note = models.TextField("note for the rep", blank=True, max_length=TEXT_LIMIT)
    conversation = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
        help_text="The rep's conversation the reflection is about, chosen by the rep.",
    )
    practice = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practice_for",
        help_text="For a practice scenario: the practice conversation started from it.",
    )
    # Given from a dashboard flag: what it was meant to improve, why, and on what evidence
    # ({"figure", "value", "conversations": [{"id", "label"}]}), as it stood that day.
    skill = models.CharField(max_length=20, choices=Skill, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "rep", "due_on"], name="reflections_assignment_once_per_day"
            )
        ]
        indexes = [
            models.Index(fields=["assigned_by", "due_on"]),
            models.Index(fields=["rep", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} for {self.rep}, due {self.due_on:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("reflections:assignment", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.reflection.is_open and self.due_on < timezone.localdate()

    @property
    def practice_is_over(self) -> bool:
        """The practice of a scenario has happened: its conversation is logged (and not
        deleted), or the reflection on it has been handed in at least once."""
        practice = self.practice
        logged = (
            practice is not None
            and practice.deleted_at is None
            and practice.status == practice.Status.LOGGED
        )
        return logged or self.reflection.rounds > 0


class Reflection(VersionedModel):
    """The rep's written answer to an assignment, and where it stands with the trainer.

    assigned → draft → submitted → reviewed, or → returned → draft → submitted again.
    Its version moves with what the rep writes (and which conversation it is about),
    not with the trainer's review, which changes only the state.
    """

    State = State

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="reflection"
    )
    state = models.CharField(max_length=10, choices=State, default=State.ASSIGNED)
    text = models.TextField("your reflection", blank=True, max_length=REFLECTION_LIMIT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rounds = models.PositiveSmallIntegerField(
        default=0, help_text="How many times it has been submitted."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"Reflection on {self.assignment}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_editable(self) -> bool:
        return self.is_open

    @property
    def tone(self) -> str:
        """The badge colour of the state."""
        return {
            State.DRAFT: "warn",
            State.SUBMITTED: "good",
            State.REVIEWED: "good",
            State.RETURNED: "bad",
        }.get(self.state, "")


class Review(models.Model):
    """One round of a trainer's feedback, with the text it was about as it was then."""

    class Decision(models.TextChoices):
        REVIEWED = State.REVIEWED.value, "Marked reviewed"
        RETURNED = State.RETURNED.value, "Returned for another pass"

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision)
    feedback = models.TextField(max_length=TEXT_LIMIT)
    reviewed_text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.feedback[:60]}"

    @property
    def tone(self) -> str:
        return "good" if self.decision == self.Decision.REVIEWED else "warn"


class ReminderLog(models.Model):
    """One row per person per day a reminder went out, so cron can run the command often."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    sent_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    summary = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sent_on"], name="reflections_one_reminder_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.sent_on}"
