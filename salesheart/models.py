from __future__ import annotations

from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone

from salesheart.time_zones import recompute_weeks, validate_time_zone, zone_named

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
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Where the team's weeks start and end on dashboards, e.g. America/New_York. "
        "Empty: the organisation's time zone (TIME_ZONE).",
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        loaded = getattr(self, "_loaded_time_zone", None)
        if loaded is None or loaded == self.time_zone:
            super().save(*args, **kwargs)
        else:
            with transaction.atomic():
                super().save(*args, **kwargs)
                # Stored weeks were cut at the old zone's midnight.
                recompute_weeks(self.members.values_list("pk", flat=True))
        self._loaded_time_zone = self.time_zone

    @classmethod
    def from_db(cls, *args: Any, **kwargs: Any) -> Team:
        team = super().from_db(*args, **kwargs)
        team._loaded_time_zone = team.__dict__.get("time_zone")
        return team

    @property
    def zone(self) -> ZoneInfo:
        return zone_named(self.time_zone)

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
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Times this person enters and reads, e.g. Europe/Berlin. Proposed from "
        "their browser at their first sign-in; empty: the organisation's time zone.",
    )

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        loaded = getattr(self, "_loaded_team_id", 0)
        if loaded == 0 or loaded == self.team_id:
            super().save(*args, **kwargs)
        else:
            with transaction.atomic():
                super().save(*args, **kwargs)
                # A rep's weeks follow their team's time zone: a move may move them.
                recompute_weeks([self.pk])
        self._loaded_team_id = self.team_id

    @classmethod
    def from_db(cls, *args: Any, **kwargs: Any) -> User:
        user = super().from_db(*args, **kwargs)
        user._loaded_team_id = user.__dict__.get("team_id", 0)
        return user

    @property
    def zone(self) -> ZoneInfo:
        return zone_named(self.time_zone)

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
