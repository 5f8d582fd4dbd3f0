from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

percent_validators = [MinValueValidator(0), MaxValueValidator(100)]


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    managers = models.ManyToManyField("salesheart.User", related_name="managed_teams", blank=True)
    listening_target = models.PositiveSmallIntegerField(
        default=57,
        validators=percent_validators,
        help_text="Share of talk time the customer should have, in percent.",
    )
    listening_tolerance = models.PositiveSmallIntegerField(
        default=7,
        validators=percent_validators,
        help_text="Points either side of the target that still count as on target.",
    )
    pitch_ceiling = models.PositiveSmallIntegerField(
        default=20,
        validators=percent_validators,
        help_text="Most of the talk time that should be product talk, in percent.",
    )
    product_keywords = models.TextField(
        blank=True,
        help_text="Words that mark product talk, one per line or separated by commas.",
    )

    recording_words = models.BooleanField(
        "transcribe the words of call recordings",
        default=True,
        help_text="Off: recordings give timing figures only; no words are kept.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def listening_band(self) -> tuple[int, int]:
        low = max(0, self.listening_target - self.listening_tolerance)
        high = min(100, self.listening_target + self.listening_tolerance)
        return low, high

    @property
    def keyword_list(self) -> list[str]:
        raw = self.product_keywords.replace(",", "\n")
        return [word.strip().lower() for word in raw.splitlines() if word.strip()]


class User(AbstractUser):
    """A person in the sales organisation.

    Roles come from where a person stands, so they cannot disagree with it:
    a rep belongs to a team, a manager manages one or more teams, a trainer
    has the trainer flag, an admin is staff. One person may hold several.
    """

    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        help_text="The team this person sells in. Anyone with a team is a rep.",
    )
    is_trainer = models.BooleanField(
        default=False,
        help_text="Trainers write exercises, assign them and review reflections.",
    )

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_rep(self) -> bool:
        return self.team_id is not None

    @cached_property
    def managed_team_ids(self) -> list[int]:
        return list(self.managed_teams.values_list("pk", flat=True))

    @property
    def is_manager(self) -> bool:
        return bool(self.managed_team_ids)

    @property
    def roles(self) -> list[str]:
        roles = []
        if self.is_rep:
            roles.append("rep")
        if self.is_manager:
            roles.append("manager")
        if self.is_trainer:
            roles.append("trainer")
        if self.is_staff:
            roles.append("admin")
        return roles

    def home_url(self) -> str:
        """Where this person's work starts: the first of their roles, managers first."""
        if self.is_manager:
            return reverse("conversations:team_dashboard")
        if self.is_trainer:
            return reverse("reflections:training_dashboard")
        if self.is_rep:
            return reverse("conversations:list")
        if self.is_staff:
            return reverse("admin:index")
        return reverse("no_role")


class SubmissionToken(models.Model):
    """A create form's single-use token, claimed by the post that saved it.

    Unique per person: a second post of the same form (a double click, a retry,
    the back button) finds the claim and is answered with where the first one led.
    See salesheart/idempotency.py.
    """

    # The unique constraint's index starts with the user, so no index of its own.
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", db_index=False)
    token = models.CharField(max_length=64)
    outcome_url = models.CharField(
        max_length=500, blank=True, help_text="Where the first submission led."
    )
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="one_claim_per_token"),
        ]
        indexes = [models.Index(fields=["user", "claimed_at"], name="submission_claims_by_age")]

    def __str__(self) -> str:
        return f"{self.token} ({self.user_id})"
