"""Customers, conversations and what is recorded of them: pain points, proposals,
talk segments, transcripts, recordings, coaching notes and the teams' talk bands.

Size: the models of one app refer to each other (and to the querysets that scope
them), so they stay together, one class per table.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from conversations.kinds import Kind as TalkKind
from conversations.metrics import TalkFigures
from conversations.transcripts import ParsedTranscript, parse_transcript
from salesheart import time_zones
from salesheart.dates import validate_plausible_date
from salesheart.edits import VersionedModel

if TYPE_CHECKING:
    from salesheart.models import User

TEXT_LIMIT = 2000
# What store_figures writes: derived from the talk, never typed by anyone.
FIGURE_FIELDS = (
    "figures_source",
    "customer_talk",
    "rep_question",
    "rep_pitch",
    "rep_other",
    "listening_ratio",
    "pitch_share",
    "diagnosed_first",
    "questions_asked",
    "longest_rep_monologue",
    "longest_customer_story",
    "interactivity",
    "patience",
    "patience_pauses",
)


def week_of(moment: datetime | None, zone: ZoneInfo | None = None) -> date | None:
    """The Monday of the week a moment falls in, in that zone (by default the active one)."""
    return time_zones.week_of(moment, zone or timezone.get_current_timezone())


def visible_rep_filter(user: User, rep_field: str = "rep") -> Q:
    """Rows a user may read: their own, and those of reps in the teams they manage."""
    condition = Q(**{rep_field: user})
    if user.managed_team_ids:
        condition |= Q(**{f"{rep_field}__team__in": user.managed_team_ids})
    return condition


class CustomerQuerySet(models.QuerySet["Customer"]):
    def visible_to(self, user: User) -> CustomerQuerySet:
        return self.filter(visible_rep_filter(user))

    def search(self, text: str) -> CustomerQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text) | Q(company__icontains=text) | Q(role__icontains=text)
        )


class Customer(VersionedModel):
    """A person at a customer company, owned by one rep; their world grows over time."""

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customers"
    )
    name = models.CharField(max_length=120)
    company = models.CharField(max_length=120, blank=True)
    role = models.CharField("their role", max_length=120, blank=True)
    goals = models.TextField(blank=True, max_length=TEXT_LIMIT)
    challenges = models.TextField(blank=True, max_length=TEXT_LIMIT)
    industry_context = models.TextField(blank=True, max_length=TEXT_LIMIT)
    notes = models.TextField(
        blank=True, max_length=10 * TEXT_LIMIT, help_text="Homework before the next meeting."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "company"]
        indexes = [models.Index(fields=["rep", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name

    def get_absolute_url(self) -> str:
        return reverse("conversations:customer_detail", args=[self.pk])


class ConversationQuerySet(models.QuerySet["Conversation"]):
    def alive(self) -> ConversationQuerySet:
        return self.filter(deleted_at__isnull=True)

    def visible_to(self, user: User) -> ConversationQuerySet:
        condition = visible_rep_filter(user)
        if user.is_trainer:
            condition |= Q(pk__in=self.given_as_training_by(user).values("pk"))
        return self.alive().filter(condition)

    def given_as_training_by(self, trainer: User) -> ConversationQuerySet:
        """Conversations tied to an assignment this trainer gave: a reflection about
        them, or a practice started from their scenario."""
        return Conversation.objects.filter(
            Q(assignments__assigned_by=trainer) | Q(practice_for__assigned_by=trainer)
        )

    def logged(self) -> ConversationQuerySet:
        return self.filter(status=Conversation.Status.LOGGED)

    def drafts(self) -> ConversationQuerySet:
        return self.filter(status=Conversation.Status.DRAFT)

    def search(self, text: str) -> ConversationQuerySet:
        text = text.strip()
        if not text:
            return self
        matching_pain = PainPoint.objects.filter(description__icontains=text).values(
            "conversation_id"
        )
        return self.filter(
            Q(customer__name__icontains=text)
            | Q(customer__company__icontains=text)
            | Q(purpose__icontains=text)
            | Q(next_step__icontains=text)
            | Q(notes__icontains=text)
            | Q(pk__in=matching_pain)
        )


class Conversation(VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        LOGGED = "logged", "Logged"

    class Channel(models.TextChoices):
        PHONE = "phone", "Phone"
        VIDEO = "video", "Video call"
        IN_PERSON = "in_person", "In person"

    class Kind(models.TextChoices):
        REAL = "real", "Real customer"
        PRACTICE = "practice", "Practice role-play"

    class Outcome(models.TextChoices):
        NEXT_MEETING = "next_meeting", "Next meeting agreed"
        PROPOSAL = "proposal", "Proposal requested"
        WON = "won", "Deal agreed"
        NO_DECISION = "no_decision", "No decision yet"
        NOT_A_FIT = "not_a_fit", "Not a fit"
        LOST = "lost", "Lost"

    class Source(models.TextChoices):
        ESTIMATED = "estimated", "Estimated"
        TRACKED = "tracked", "Tracked"
        TRANSCRIPT = "transcript", "Transcript"
        RECORDING = "recording", "Recording"

    class CallType(models.TextChoices):
        """What the call was for: it picks the team's bands for the figures."""

        DISCOVERY = "discovery", "Discovery"
        DEMO = "demo", "Demo"
        FOLLOW_UP = "follow_up", "Follow-up"
        PRACTICE = "practice", "Practice"

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations"
    )
    # RESTRICT, not PROTECT: a customer with conversations cannot be deleted on its own,
    # but deleting the rep (in the admin) takes their customers and conversations together.
    customer = models.ForeignKey(Customer, on_delete=models.RESTRICT, related_name="conversations")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    occurred_at = models.DateTimeField("when", validators=[validate_plausible_date])
    # The Monday of occurred_at's local week, kept on save so weekly dashboards group
    # by a plain column instead of a per-row date function.
    occurred_week = models.DateField(editable=False, null=True)
    channel = models.CharField(max_length=10, choices=Channel, default=Channel.VIDEO)
    kind = models.CharField("real or practice", max_length=10, choices=Kind, default=Kind.REAL)
    purpose = models.CharField(max_length=300, blank=True)
    call_type = models.CharField(
        "kind of call", max_length=10, choices=CallType, default=CallType.DISCOVERY
    )

    plan_their_world = models.TextField(
        "what I know about their world", blank=True, max_length=TEXT_LIMIT
    )
    plan_questions = models.TextField("questions I want to ask", blank=True, max_length=TEXT_LIMIT)

    outcome = models.CharField(max_length=20, choices=Outcome, blank=True)
    next_step = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True, max_length=10 * TEXT_LIMIT)
    duration_minutes = models.PositiveSmallIntegerField("duration (minutes)", null=True, blank=True)

    # The rep's own split of the talk, in percent; all four or none.
    estimate_customer = models.PositiveSmallIntegerField(null=True, blank=True)
    estimate_asking = models.PositiveSmallIntegerField(null=True, blank=True)
    estimate_pitching = models.PositiveSmallIntegerField(null=True, blank=True)
    estimate_other = models.PositiveSmallIntegerField(null=True, blank=True)

    # Figures stored so lists and dashboards never recompute from raw data.
    figures_source = models.CharField(max_length=12, choices=Source, blank=True)
    customer_talk = models.FloatField(null=True, blank=True)
    rep_question = models.FloatField(null=True, blank=True)
    rep_pitch = models.FloatField(null=True, blank=True)
    rep_other = models.FloatField(null=True, blank=True)
    listening_ratio = models.FloatField(null=True, blank=True)
    pitch_share = models.FloatField(null=True, blank=True)
    diagnosed_first = models.BooleanField(null=True, blank=True)
    questions_asked = models.PositiveIntegerField(null=True, blank=True)
    longest_rep_monologue = models.FloatField(null=True, blank=True)
    longest_customer_story = models.FloatField(null=True, blank=True)
    interactivity = models.FloatField(null=True, blank=True)
    # Average pause before the rep answers the customer, and how many pauses it averages
    # (so dashboards can pool it); None when the source cannot time a pause.
    patience = models.FloatField(null=True, blank=True)
    patience_pauses = models.PositiveIntegerField(default=0)
    pain_point_count = models.PositiveSmallIntegerField(default=0)

    # The live tracker's run id, so a retried save of the same run is not applied twice.
    tracked_run = models.CharField(max_length=64, blank=True)

    # What the rep typed but has not saved yet (autosave), restored on the next visit.
    draft_data = models.JSONField(default=dict, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["rep", "-occurred_at"]),
            models.Index(fields=["rep", "occurred_week"]),
            models.Index(fields=["customer", "-occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.customer} on {timezone.localtime(self.occurred_at):%d %b %Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "occurred_at" in update_fields:
            # The week is the team's, wherever the rep (or whoever saves) happens to be.
            self.occurred_week = week_of(self.occurred_at, self.week_zone)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "occurred_week"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("conversations:detail", args=[self.pk])

    @property
    def week_zone(self) -> ZoneInfo:
        """The rep's team's time zone, in which this conversation's week is counted."""
        rep = self._state.fields_cache.get("rep")
        if rep is not None and "team" in rep._state.fields_cache:
            return rep.team.zone if rep.team else time_zones.zone_named("")
        return time_zones.week_zones([self.rep_id]).get(self.rep_id, time_zones.zone_named(""))

    @classmethod
    def editable_rows(cls) -> ConversationQuerySet:
        return cls.objects.alive()

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def missing_to_log(self) -> list[str]:
        """What stands between this draft and the dashboards, in words for the page."""
        from conversations.forms import FUTURE_GRACE  # forms import this module

        missing = []
        if not self.pain_point_count:
            missing.append("at least one pain point, in the customer's words")
        if self.occurred_at > timezone.now() + FUTURE_GRACE:
            when = timezone.localtime(self.occurred_at)
            missing.append(f"a date that has passed (it is set to {when:%a %d %b, %H:%M})")
        return missing

    @property
    def has_estimate(self) -> bool:
        return self.estimate_customer is not None

    @property
    def figures(self) -> TalkFigures | None:
        if not self.figures_source:
            return None
        return TalkFigures(
            customer_talk=self.customer_talk or 0.0,
            rep_question=self.rep_question or 0.0,
            rep_pitch=self.rep_pitch or 0.0,
            rep_other=self.rep_other or 0.0,
            diagnosed_first=self.diagnosed_first,
            questions_asked=self.questions_asked,
            longest_rep_monologue=self.longest_rep_monologue,
            longest_customer_story=self.longest_customer_story,
            interactivity=self.interactivity,
            patience=self.patience,
            patience_pauses=self.patience_pauses,
        )

    def store_figures(self, figures: TalkFigures | None, source: str) -> None:
        """Copy computed figures onto the row (or clear them); the caller saves."""
        self.figures_source = source if figures is not None else ""
        self.customer_talk = figures.customer_talk if figures else None
        self.rep_question = figures.rep_question if figures else None
        self.rep_pitch = figures.rep_pitch if figures else None
        self.rep_other = figures.rep_other if figures else None
        self.listening_ratio = figures.listening_ratio if figures else None
        self.pitch_share = figures.pitch_share if figures else None
        self.diagnosed_first = figures.diagnosed_first if figures else None
        self.questions_asked = figures.questions_asked if figures else None
        self.longest_rep_monologue = figures.longest_rep_monologue if figures else None
        self.longest_customer_story = figures.longest_customer_story if figures else None
        self.interactivity = figures.interactivity if figures else None
        self.patience = figures.patience if figures else None
        self.patience_pauses = figures.patience_pauses if figures else 0

    def refresh_estimated_figures(self) -> None:
        """Figures from the rep's own split, unless measured figures already exist."""
        if self.figures_source in MEASURED_SOURCES:
            return
        if not self.has_estimate or not self.duration_minutes:
            self.store_figures(None, "")
            return
        self.store_figures(
            TalkFigures.from_estimate(
                total_seconds=self.duration_minutes * 60,
                customer=self.estimate_customer or 0,
                asking=self.estimate_asking or 0,
                pitching=self.estimate_pitching or 0,
                other=self.estimate_other or 0,
                # The log form asks for pain points before proposals whatever happened
                # in the room: the rep's own estimate says nothing about the order.
                diagnosed_first=None,
            ),
            self.Source.ESTIMATED,
        )


# Figures from a timeline: they replace the rep's estimate and are not replaced by it.
MEASURED_SOURCES = frozenset(
    {Conversation.Source.TRACKED, Conversation.Source.TRANSCRIPT, Conversation.Source.RECORDING}
)
# Timelines whose lines carry words (deletable with the transcript text).
WORD_SOURCES = (Conversation.Source.TRANSCRIPT, Conversation.Source.RECORDING)


class PainPoint(VersionedModel):
    class Urgency(models.TextChoices):
        LOW = "low", "Low: it can wait"
        MEDIUM = "medium", "Medium: this quarter"
        HIGH = "high", "High: it hurts now"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="pain_points"
    )
    description = models.TextField("in their own words", max_length=TEXT_LIMIT)
    impact = models.TextField(
        "what staying where they are costs them", blank=True, max_length=TEXT_LIMIT
    )
    urgency = models.CharField(max_length=10, choices=Urgency, default=Urgency.MEDIUM)
    heard_at = models.FloatField("heard at (seconds into the conversation)", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.label[:80]

    @property
    def label(self) -> str:
        """Its words, or for a moment stamped without any (the tracker's H), a system
        label: never to be shown in quotes as if the customer had said it."""
        if self.description:
            return self.description
        if self.heard_at is None:
            return "Pain point (no note)"
        minutes, seconds = divmod(int(self.heard_at), 60)
        return f"Pain point heard at {minutes}:{seconds:02d} (no note)"


class ProductTalk(VersionedModel):
    """Something the rep proposed; it always answers pain points of the same conversation."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="product_talks"
    )
    proposal = models.TextField("what you proposed", max_length=TEXT_LIMIT)
    answers = models.ManyToManyField(PainPoint, related_name="answered_by")
    said_at = models.FloatField("said at (seconds into the conversation)", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "product talk"
        verbose_name_plural = "product talk"

    def __str__(self) -> str:
        return self.proposal[:80]


class TalkSegment(models.Model):
    """A stretch of talk on a conversation's timeline, from the tracker or a transcript."""

    Kind = TalkKind  # defined once, in conversations/kinds.py

    # The index on (conversation, start) below serves every lookup by conversation; one
    # more index of the same column would only slow the 1,500 inserts of an hour's call.
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="segments", db_index=False
    )
    source = models.CharField(
        max_length=12,
        choices=[
            (Conversation.Source.TRACKED, "Tracked"),
            (Conversation.Source.TRANSCRIPT, "Transcript"),
            (Conversation.Source.RECORDING, "Recording"),
        ],
    )
    kind = models.CharField(max_length=10, choices=Kind)
    start = models.FloatField(help_text="Seconds from the start of the conversation.")
    end = models.FloatField()
    speaker = models.CharField(max_length=120, blank=True)
    text = models.TextField(blank=True, max_length=5000)
    position = models.PositiveIntegerField(default=0)
    pain_point = models.ForeignKey(
        PainPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="segments",
        help_text="The pain point this customer line was marked as.",
        db_index=False,
    )

    class Meta:
        ordering = ["start", "position", "pk"]
        indexes = [
            models.Index(fields=["conversation", "start"]),
            # Few lines are pain points: only those are indexed, for unlinking a deleted one.
            models.Index(
                fields=["pain_point"],
                condition=models.Q(pain_point__isnull=False),
                name="talksegment_marked_pain",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:.0f}–{self.end:.0f}s"

    @property
    def is_rep(self) -> bool:
        return self.kind != self.Kind.CUSTOMER

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


class Transcript(models.Model):
    """An imported transcript: its raw text (deletable), speakers and who sells.

    A new upload waits beside the conversation's transcript (`pending_for`) until the rep
    says who sells; only then does it replace it (`conversation`). So nothing of the
    transcript in use changes before the new one is confirmed, and an upload left at
    that step is dropped by the next one or by the rep, never mixed into the old one.
    """

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="transcript", null=True, blank=True
    )
    pending_for = models.OneToOneField(
        Conversation,
        on_delete=models.CASCADE,
        related_name="pending_transcript",
        null=True,
        blank=True,
    )
    filename = models.CharField(max_length=255, blank=True)
    format = models.CharField(max_length=10)
    timed = models.BooleanField(
        default=True, help_text="False when durations were estimated from word counts."
    )
    raw_text = models.TextField(blank=True)
    # raw_text as read when it was uploaded (ParsedTranscript.to_json), so choosing who
    # sells reads no file again; None for uploads from before it was kept. Deleted with
    # raw_text: it holds the same words.
    parsed = models.JSONField(null=True, blank=True, editable=False)
    raw_deleted_at = models.DateTimeField(null=True, blank=True)
    speakers = models.JSONField(default=list)
    rep_speakers = models.JSONField(default=list, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)
    # Non-speech the file marked ("[laughter]", "(music)", a caption banner), shown on the
    # timeline between the lines and counted in no figure: [{"start", "end", "text"}].
    notes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(conversation__isnull=True) ^ models.Q(pending_for__isnull=True),
                name="transcript_in_use_or_pending",
            )
        ]

    def __str__(self) -> str:
        return self.filename or f"Transcript of {self.conversation or self.pending_for}"

    @property
    def of_conversation(self) -> Conversation:
        """The conversation it belongs to, in use or waiting to be confirmed."""
        conversation = self.conversation or self.pending_for
        assert conversation is not None
        return conversation

    @property
    def is_analysed(self) -> bool:
        return self.analysed_at is not None

    @property
    def has_text(self) -> bool:
        """Whether the words are still kept; raw_text is read (and may be deferred) only for
        an upload from before `parsed` was kept."""
        return bool(self.parsed) or bool(self.raw_text)

    def read(self) -> ParsedTranscript:
        """The text as read at upload; read again only for an upload that predates `parsed`."""
        if self.parsed:
            return ParsedTranscript.from_json(self.parsed)
        return parse_transcript(self.raw_text)


class CoachingNote(models.Model):
    """A manager's comment on a rep's conversation, optionally pinned to a moment in it."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="coaching_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_notes"
    )
    text = models.TextField(max_length=TEXT_LIMIT)
    at_seconds = models.FloatField("at (seconds into the conversation)", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the rep first opened the conversation after the note was left: until then
    # their conversation list flags it as new.
    seen_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["conversation", "created_at"])]

    def __str__(self) -> str:
        return self.text[:80]


class TalkBand(models.Model):
    """A team's healthy range of each figure for one kind of call.

    A team without a row for a kind uses the defaults of conversations/bands.py, which
    say where each number comes from; the row exists once a manager changes them."""

    team = models.ForeignKey("salesheart.Team", on_delete=models.CASCADE, related_name="bands")
    call_type = models.CharField(
        "kind of call", max_length=10, choices=Conversation.CallType.choices
    )
    listening_min = models.PositiveSmallIntegerField(
        "listening from (%)", validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    listening_max = models.PositiveSmallIntegerField(
        "listening up to (%)", validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    monologue_max = models.PositiveSmallIntegerField(
        "longest monologue at most (seconds)", validators=[MaxValueValidator(3600)]
    )
    story_min = models.PositiveSmallIntegerField(
        "longest customer story at least (seconds)", validators=[MaxValueValidator(3600)]
    )
    questions_min = models.PositiveSmallIntegerField(
        "questions from", validators=[MaxValueValidator(200)]
    )
    questions_max = models.PositiveSmallIntegerField(
        "questions up to", validators=[MaxValueValidator(200)]
    )
    patience_min = models.FloatField(
        "patience at least (seconds)", validators=[MinValueValidator(0), MaxValueValidator(10)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "call_type"], name="one_band_per_call_type")
        ]
        ordering = ["team", "call_type"]

    def __str__(self) -> str:
        return f"{self.team}: {self.get_call_type_display()}"

    def clean(self) -> None:
        errors = {}
        for low, high in [("listening_min", "listening_max"), ("questions_min", "questions_max")]:
            low_value, high_value = getattr(self, low), getattr(self, high)
            if low_value is not None and high_value is not None and low_value > high_value:
                errors[high] = "The upper end is below the lower end."
        if errors:
            raise ValidationError(errors)


class Recording(models.Model):
    """A job measuring an uploaded call recording. The audio is kept only while it runs.

    `files` names the stored uploads (deleted when the job ends, fails or is cancelled);
    `result` holds what was measured (spans and words, no audio) until the rep chooses
    their side, then only the choice is kept, to offer it next time.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Measuring"
        READY = "ready", "Measured: choose your side"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Step(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        DECODING = "decoding", "Decoding the audio"
        FINDING_SPEECH = "finding_speech", "Finding who speaks when"
        TRANSCRIBING = "transcribing", "Transcribing the words"
        DONE = "done", "Done"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="recordings"
    )
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    step = models.CharField(max_length=16, choices=Step, default=Step.QUEUED)
    progress = models.FloatField(default=0.0)
    message = models.TextField(blank=True)
    words = models.BooleanField(default=True)
    files = models.JSONField(default=list, blank=True)
    result = models.JSONField(null=True, blank=True)
    layout = models.CharField(max_length=10, blank=True)
    rep_sides = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Recording {self.pk} of {self.conversation_id} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in {self.State.QUEUED, self.State.RUNNING}

    @property
    def percent(self) -> int:
        return round(100 * max(0.0, min(self.progress, 1.0)))

    @property
    def filenames(self) -> str:
        return ", ".join(entry["name"] for entry in self.files) if self.files else ""


class WeeklySummaryChoice(models.Model):
    """A person who asked for the weekly summary email (opt-in: no row, no email)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_summary"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Weekly summary for {self.user}"


class WeeklySummaryLog(models.Model):
    """One row per person per week a summary went out, so cron can run the command often."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_summaries"
    )
    week = models.DateField(help_text="The Monday of the week the summary is about.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "week"], name="conversations_one_summary_a_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}, week of {self.week}"


class FiguresStamp(models.Model):
    """A rep's token, new with every write to their conversations, customers or team's
    bands: the dashboards' cached fragments are keyed by it (conversations/fragments.py).

    A plain id, not a foreign key: a person's conversations are erased before the person
    and each erasure writes the stamp, which a constraint would refuse half-way through."""

    rep_id = models.BigIntegerField(primary_key=True)
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"Figures stamp of rep {self.rep_id}"
