from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from conversations.models import Conversation
from reflections import services
from reflections.models import (
    REFLECTION_LIMIT,
    Assignment,
    AssignmentQuerySet,
    Exercise,
    Review,
    State,
)
from salesheart.edits import VersionedEditForm
from salesheart.forms import (
    PlainLabels,
    PlausibleDateField,
    SafeModelChoiceField,
    SafeModelMultipleChoiceField,
)
from salesheart.models import Team, User

# The select of conversations to tie a reflection to lists the recent ones; an
# older tie already made stays in the list.
CONVERSATION_CHOICES = 100
DEFAULT_DUE_IN = timedelta(days=7)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def due_date_field() -> PlausibleDateField:
    """The due date of an assignment, however it is given (to teams, or from a flag)."""
    return PlausibleDateField(
        label="Due date",
        widget=DateInput(),
        error_messages={
            "required": "Choose the due date.",
            "invalid": "Enter the due date as a date, like 2026-12-01.",
        },
    )


class ExerciseForm(PlainLabels, forms.ModelForm):
    class Meta:
        model = Exercise
        fields = [
            "kind",
            "title",
            "skill",
            "instructions",
            "period_days",
            "persona_name",
            "persona_company",
            "persona",
            "situation",
            "hidden_pain_points",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "instructions": forms.Textarea(attrs={"rows": 6}),
            "persona": forms.Textarea(attrs={"rows": 3}),
            "situation": forms.Textarea(attrs={"rows": 3}),
            "hidden_pain_points": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"kind": "Kind of exercise", "skill": "Skill it trains (optional)"}
        error_messages = {
            "title": {"required": "Give the exercise a title."},
            "instructions": {"required": "Write what the rep should do."},
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("kind") == Exercise.Kind.SCENARIO:
            if not (cleaned.get("persona_name") or "").strip():
                self.add_error("persona_name", "A practice scenario needs the customer's name.")
            if not (cleaned.get("situation") or "").strip():
                self.add_error("situation", "Describe the situation the practice starts from.")
            hidden = (cleaned.get("hidden_pain_points") or "").splitlines()
            if not any(line.strip() for line in hidden):
                self.add_error(
                    "hidden_pain_points",
                    "Write at least one hidden pain point, one per line: they are what the "
                    "rep has to find.",
                )
        return cleaned


class ExerciseEditForm(VersionedEditForm, ExerciseForm):
    """The exercise form for one already in the library: it carries the version it showed."""


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """One checkbox per rep, in a fieldset per team: no Ctrl-click, fine by keyboard
    and on a phone."""

    template_name = "forms/widgets/grouped_checkboxes.html"


class RepChoiceField(SafeModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class AssignForm(PlainLabels, forms.Form):
    exercise = SafeModelChoiceField(
        queryset=Exercise.objects.none(),
        empty_label="Choose an exercise…",
        error_messages={
            "required": "Choose the exercise to assign.",
            "invalid_choice": "Choose an exercise from the library; archived ones cannot be "
            "assigned.",
        },
    )
    reps = RepChoiceField(
        label="Reps",
        queryset=User.objects.none(),
        required=False,
        help_text="Tick as many as you like, team by team.",
        widget=GroupedCheckboxes,
        error_messages={"invalid_choice": "Choose reps from the list."},
    )
    teams = SafeModelMultipleChoiceField(
        label="Whole teams",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Everyone in the team gets their own assignment.",
        error_messages={"invalid_choice": "Choose teams from the list."},
    )
    due_on = due_date_field()
    note = forms.CharField(
        label="Note for the reps (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("due_on", timezone.localdate() + DEFAULT_DUE_IN)
        super().__init__(*args, **kwargs)
        self.fields["exercise"].queryset = Exercise.objects.active()
        # Validation takes any active person so that choosing someone who is not a
        # rep gets its own clear message; the list itself offers reps only, by team.
        self.fields["reps"].queryset = User.objects.filter(is_active=True)
        reps = User.objects.filter(is_active=True, team__isnull=False).select_related("team")
        groups: dict[str, list[tuple[int, str]]] = {}
        for rep in sorted(reps, key=lambda user: (user.team.name, str(user).lower())):
            groups.setdefault(rep.team.name, []).append((rep.pk, str(rep)))
        self.fields["reps"].widget.choices = list(groups.items())
        self.fields["teams"].queryset = Team.objects.all()

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise ValidationError(services.PAST_DUE_DATE, code="past_due")
        return due_on

    def clean_reps(self):
        reps = self.cleaned_data["reps"]
        not_reps = [user for user in reps if not user.is_rep]
        if not_reps:
            raise ValidationError(
                [services.not_a_rep_message(user) for user in not_reps], code="not_a_rep"
            )
        return reps

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (
            "reps" not in self.errors
            and "teams" not in self.errors
            and not cleaned.get("reps")
            and not cleaned.get("teams")
        ):
            self.add_error(None, services.NO_ONE_CHOSEN)
        return cleaned


class ExerciseChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj: Exercise) -> str:
        return f"{obj.title} ({obj.get_kind_display().lower()})"


class PractiseForm(PlainLabels, forms.Form):
    """Assigning from a flag: which of the matching exercises, and by when."""

    exercise = ExerciseChoiceField(
        label="Exercise",
        queryset=Exercise.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose one of the exercises.",
            "invalid_choice": "Choose one of the exercises listed; archived ones cannot be "
            "assigned.",
        },
    )
    due_on = due_date_field()
    note = forms.CharField(
        label="Note for the rep (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, exercises: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("due_on", timezone.localdate() + DEFAULT_DUE_IN)
        super().__init__(*args, **kwargs)
        field = self.fields["exercise"]
        field.queryset = exercises
        # The list read once serves the radio buttons too (a model field would query again).
        listed = list(exercises)
        field.choices = [(exercise.pk, field.label_from_instance(exercise)) for exercise in listed]
        if listed:
            field.initial = listed[0].pk

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise ValidationError(services.PAST_DUE_DATE, code="past_due")
        return due_on


class ConversationChoiceField(SafeModelChoiceField):
    default_error_messages = {"invalid_choice": services.FOREIGN_CONVERSATION}

    def label_from_instance(self, obj: Conversation) -> str:
        # The time and purpose tell apart two meetings with one customer on one day.
        kind = " (practice)" if obj.kind == Conversation.Kind.PRACTICE else ""
        purpose = f" · {obj.purpose}" if obj.purpose else ""
        when = timezone.localtime(obj.occurred_at)
        return f"{obj.customer} on {when:%d %b %Y} at {when:%H:%M}{purpose}{kind}"


class ReflectionForm(VersionedEditForm, PlainLabels, forms.Form):
    text = forms.CharField(
        label="Your reflection",
        required=False,
        max_length=REFLECTION_LIMIT,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    conversation = ConversationChoiceField(
        label="About which conversation (optional)",
        queryset=Conversation.objects.none(),
        required=False,
        empty_label="Not about one conversation",
    )

    def __init__(self, *args: Any, assignment: Assignment, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("text", assignment.reflection.text)
        kwargs["initial"].setdefault("conversation", assignment.conversation_id)
        kwargs["initial"].setdefault("version", assignment.reflection.version)
        super().__init__(*args, **kwargs)
        own = Conversation.objects.alive().filter(rep_id=assignment.rep_id)
        recent = list(
            own.order_by("-occurred_at").values_list("pk", flat=True)[:CONVERSATION_CHOICES]
        )
        if assignment.conversation_id:
            recent.append(assignment.conversation_id)
        self.fields["conversation"].queryset = own.filter(pk__in=recent).select_related("customer")


class ReviewForm(VersionedEditForm, PlainLabels, forms.Form):
    """Feedback on a reflection, carrying the version of the text the trainer read."""

    feedback = forms.CharField(
        label="Your feedback",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": services.EMPTY_FEEDBACK},
    )
    decision = forms.ChoiceField(
        choices=Review.Decision.choices,
        error_messages={
            "required": "Choose to mark it reviewed or to return it.",
            "invalid_choice": "Choose to mark it reviewed or to return it.",
        },
    )


STATE_FILTERS = [("", "All states"), ("overdue", "Overdue"), *State.choices]


class AssignmentFilterForm(PlainLabels, forms.Form):
    """Which assignments a list shows; an unknown value shows them all."""

    state = forms.ChoiceField(label="Show", choices=STATE_FILTERS, required=False)

    def apply(self, assignments: AssignmentQuerySet) -> AssignmentQuerySet:
        state = self.cleaned_data.get("state", "") if self.is_valid() else ""
        if state == "overdue":
            return assignments.overdue()
        if state:
            return assignments.filter(reflection__state=state)
        return assignments
