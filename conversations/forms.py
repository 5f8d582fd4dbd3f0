"""The forms of the conversation pages: customer, start, log, pain point, proposal,
filters and coaching notes.

Size: one form per step of logging a conversation, sharing the field classes
defined among them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from conversations.models import CoachingNote, Conversation, Customer, PainPoint, ProductTalk
from conversations.services import FOREIGN_PAIN_POINT, MUST_ANSWER_A_PAIN_POINT
from salesheart.edits import VersionedEditForm
from salesheart.forms import (
    PlainLabels,
    PlausibleDateField,
    PlausibleDateTimeField,
    SafeModelChoiceField,
    SafeModelMultipleChoiceField,
)

if TYPE_CHECKING:
    from salesheart.models import User

# A clock a few minutes fast on the phone should not turn "just now" into "the future".
FUTURE_GRACE = timedelta(minutes=10)
MAX_DURATION_MINUTES = 8 * 60
CALL_TYPE_HELP = "It picks the team's bands the figures are compared with."
ESTIMATE_FIELDS = ["estimate_customer", "estimate_asking", "estimate_pitching", "estimate_other"]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def not_in_future(value):
    if value and value > timezone.now() + FUTURE_GRACE:
        raise ValidationError(
            "That is in the future. Log a conversation once it has happened, or plan it instead.",
            code="future",
        )


class CustomerForm(PlainLabels, forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["name", "company", "role", "goals", "challenges", "industry_context", "notes"]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 3}),
            "challenges": forms.Textarea(attrs={"rows": 3}),
            "industry_context": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {"name": "Their name", "industry_context": "Their industry and market"}
        error_messages = {"name": {"required": "Write the customer's name."}}


class CustomerEditForm(VersionedEditForm, CustomerForm):
    """The customer form for one already saved: it carries the version it showed."""


class OwnCustomerField(SafeModelChoiceField):
    default_error_messages = {
        "invalid_choice": "Choose one of your own customers.",
    }


class StartForm(PlainLabels, forms.Form):
    """The first screen of a log (or a plan): who, when, how and why."""

    customer = OwnCustomerField(
        queryset=Customer.objects.none(), required=False, empty_label="Choose a customer…"
    )
    new_customer_name = forms.CharField(
        label="Or a new customer: their name", max_length=120, required=False
    )
    new_customer_company = forms.CharField(label="Their company", max_length=120, required=False)
    occurred_at = PlausibleDateTimeField(label="When", widget=DateTimeLocalInput())
    channel = forms.ChoiceField(
        choices=Conversation.Channel.choices, initial=Conversation.Channel.VIDEO
    )
    kind = forms.ChoiceField(
        label="Real or practice",
        choices=Conversation.Kind.choices,
        initial=Conversation.Kind.REAL,
        widget=forms.RadioSelect,
    )
    call_type = forms.ChoiceField(
        label="Kind of call",
        choices=Conversation.CallType.choices,
        initial=Conversation.CallType.DISCOVERY,
        # A form sent from a page older than this field still saves, as a discovery call.
        required=False,
        help_text=CALL_TYPE_HELP,
    )
    purpose = forms.CharField(max_length=300, required=False)
    plan_their_world = forms.CharField(
        label="What I know about their world",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    plan_questions = forms.CharField(
        label="Questions I want to ask",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, rep: User, planning: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rep = rep
        self.planning = planning
        self.fields["customer"].queryset = Customer.objects.filter(rep=rep)
        if not planning:
            del self.fields["plan_their_world"]
            del self.fields["plan_questions"]

    def clean_call_type(self) -> str:
        return self.cleaned_data["call_type"] or Conversation.CallType.DISCOVERY

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if not self.planning:
            not_in_future(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        customer = cleaned.get("customer")
        new_name = (cleaned.get("new_customer_name") or "").strip()
        if customer and new_name:
            self.add_error(
                "new_customer_name",
                "Pick an existing customer or type a new one, not both.",
            )
        elif not customer and not new_name and "customer" not in self.errors:
            self.add_error("customer", "Choose the customer, or type the name of a new one.")
        return cleaned


class LogForm(VersionedEditForm, PlainLabels, forms.ModelForm):
    """Everything scalar about a conversation: details, outcome and the rep's talk split."""

    estimate_unit = forms.ChoiceField(
        label="I'll give the split in",
        choices=[("percent", "percent"), ("minutes", "minutes")],
        initial="percent",
        widget=forms.RadioSelect,
        required=False,
    )

    class Meta:
        model = Conversation
        fields = [
            "customer",
            "occurred_at",
            "channel",
            "kind",
            "call_type",
            "purpose",
            "outcome",
            "next_step",
            "notes",
            "duration_minutes",
            *ESTIMATE_FIELDS,
        ]
        field_classes = {"customer": OwnCustomerField}
        widgets = {
            "occurred_at": DateTimeLocalInput(),
            "kind": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "estimate_customer": "Customer talking",
            "estimate_asking": "Me asking",
            "estimate_pitching": "Me on the product",
            "estimate_other": "Me, other",
            "next_step": "Next step",
        }

    def __init__(self, *args: Any, finishing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.finishing = finishing
        self.fields["customer"].queryset = Customer.objects.filter(rep=self.instance.rep)
        self.fields["customer"].empty_label = None
        self.fields["call_type"].required = False
        self.fields["call_type"].help_text = CALL_TYPE_HELP
        self.fields["duration_minutes"].widget.attrs.update(min=1, max=MAX_DURATION_MINUTES)
        self.fields["duration_minutes"].help_text = "Roughly is fine."
        for name in ESTIMATE_FIELDS:
            field = self.fields[name]
            field.widget.attrs.update(min=0, max=MAX_DURATION_MINUTES, inputmode="numeric")
        if self.instance.is_draft:
            # A draft may be a plan for later; only finishing needs a past date.
            self.fields["occurred_at"].validators = []
        for field in self.fields.values():
            field.widget.attrs.setdefault("form", "log-form")

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if self.finishing or not self.instance.is_draft:
            not_in_future(value)
        return value

    def clean_call_type(self) -> str:
        # A page from before the kind of call existed sends none: keep what is stored.
        return self.cleaned_data["call_type"] or self.instance.call_type

    def clean_duration_minutes(self):
        value = self.cleaned_data["duration_minutes"]
        if value is not None and not 1 <= value <= MAX_DURATION_MINUTES:
            raise ValidationError(
                f"A conversation lasts between 1 and {MAX_DURATION_MINUTES} minutes.",
                code="impossible_duration",
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if any(name in self.errors for name in ESTIMATE_FIELDS):
            # A part already has its own message (say, a negative number); one is enough.
            return cleaned
        parts = {name: cleaned.get(name) for name in ESTIMATE_FIELDS}
        given = [value for value in parts.values() if value is not None]
        if not given:
            return cleaned
        if len(given) < len(parts):
            for name, value in parts.items():
                if value is None:
                    self.add_error(name, "Fill in all four parts of the split (0 is fine).")
            return cleaned
        total = sum(given)
        if cleaned.get("estimate_unit") == "minutes":
            if total == 0:
                self.add_error("estimate_customer", "The minutes add up to nothing.")
                return cleaned
            duration = cleaned.get("duration_minutes") or total
            if duration > MAX_DURATION_MINUTES:
                self.add_error(
                    "estimate_customer",
                    f"These add up to {total} minutes; a conversation lasts at most "
                    f"{MAX_DURATION_MINUTES} minutes.",
                )
                return cleaned
            if total > duration:
                self.add_error(
                    "estimate_customer",
                    f"These add up to {total} minutes, longer than the {duration}-minute "
                    "conversation.",
                )
                return cleaned
            cleaned["duration_minutes"] = duration
            percents = to_percentages(list(parts.values()))
            for name, percent in zip(ESTIMATE_FIELDS, percents, strict=True):
                cleaned[name] = percent
                setattr(self.instance, name, percent)
            self.instance.duration_minutes = duration
            return cleaned
        if total != 100:
            self.add_error(
                "estimate_customer",
                f"These add up to {total} %; the four parts must add up to 100 %.",
            )
        elif not cleaned.get("duration_minutes"):
            self.add_error(
                "duration_minutes",
                "Add how long it lasted, so the split can become talk time.",
            )
        return cleaned


def to_percentages(minutes: list[int]) -> list[int]:
    """Whole percentages that add up to exactly 100 (largest remainders get the spare points)."""
    total = sum(minutes)
    exact = [value * 100 / total for value in minutes]
    floors = [int(value) for value in exact]
    spare = 100 - sum(floors)
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - floors[i], reverse=True)
    for index in by_remainder[:spare]:
        floors[index] += 1
    return floors


class PainPointForm(PlainLabels, forms.ModelForm):
    class Meta:
        model = PainPoint
        fields = ["description", "impact", "urgency"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "impact": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"description": {"required": "Write what the customer told you."}}
        labels = {
            "description": "What hurts, in their own words",
            "impact": "What staying where they are costs them",
            "urgency": "How urgent it is for them",
        }

    def clean_description(self) -> str:
        value = self.cleaned_data["description"].strip()
        if not value:
            raise ValidationError("Write what the customer told you.", code="empty_pain_point")
        return value


class PainPointEditForm(VersionedEditForm, PainPointForm):
    pass


class AnswersField(SafeModelMultipleChoiceField):
    default_error_messages = {
        "required": MUST_ANSWER_A_PAIN_POINT,
        "invalid_choice": FOREIGN_PAIN_POINT,
        "invalid_pk_value": FOREIGN_PAIN_POINT,
    }

    def label_from_instance(self, obj: PainPoint) -> str:
        return obj.label

    def clean(self, value: Any) -> Any:
        try:
            return super().clean(value)
        except ValidationError:
            # With no pain point yet there is nothing to choose: the form lets the post
            # through and the service refuses it with the reason (pain first), as it must
            # anyway under the conversation's lock. Checked only when the choice failed.
            if self.queryset.exists():
                raise
            return self.queryset.none()


class ProductTalkForm(PlainLabels, forms.ModelForm):
    answers = AnswersField(
        queryset=PainPoint.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Which of their pain points does it answer?",
    )

    class Meta:
        model = ProductTalk
        fields = ["proposal", "answers"]
        error_messages = {"proposal": {"required": "Write what you proposed."}}
        widgets = {"proposal": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, conversation: Conversation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answers"].queryset = conversation.pain_points.all()

    def clean_proposal(self) -> str:
        value = self.cleaned_data["proposal"].strip()
        if not value:
            raise ValidationError("Write what you proposed.", code="empty_proposal")
        return value


class ProductTalkEditForm(VersionedEditForm, ProductTalkForm):
    pass


class ConversationFilterForm(PlainLabels, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    customer = SafeModelChoiceField(
        queryset=Customer.objects.none(), required=False, empty_label="All customers"
    )
    date_from = PlausibleDateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = PlausibleDateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(
        label="Real or practice",
        choices=[("", "Both"), *Conversation.Kind.choices],
        required=False,
    )
    outcome = forms.ChoiceField(
        choices=[("", "Any outcome"), *Conversation.Outcome.choices], required=False
    )

    def __init__(self, *args: Any, rep: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.filter(rep=rep)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    @property
    def is_filtering(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)

    def apply(self, conversations):
        """Apply every filter that is valid; a bad one gets its message and is left out."""
        if not self.is_bound:
            return conversations
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields}
        if data["q"]:
            conversations = conversations.search(data["q"])
        if data["customer"]:
            conversations = conversations.filter(customer=data["customer"])
        if data["date_from"]:
            conversations = conversations.filter(occurred_at__date__gte=data["date_from"])
        if data["date_to"]:
            conversations = conversations.filter(occurred_at__date__lte=data["date_to"])
        if data["kind"]:
            conversations = conversations.filter(kind=data["kind"])
        if data["outcome"]:
            conversations = conversations.filter(outcome=data["outcome"])
        return conversations


class CoachingNoteForm(PlainLabels, forms.ModelForm):
    moment = forms.CharField(
        label="Pin to a moment (optional, minutes:seconds)",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "e.g. 4:30"}),
    )

    class Meta:
        model = CoachingNote
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"text": "Your coaching note"}
        error_messages = {"text": {"required": "Write the note."}}

    def __init__(self, *args: Any, length: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.length = length

    def clean_moment(self) -> float | None:
        raw = self.cleaned_data["moment"].strip()
        if not raw:
            return None
        minutes, _, seconds = raw.rpartition(":")
        try:
            value = int(minutes or 0) * 60 + int(seconds)
        except ValueError:
            raise ValidationError("Write the moment as minutes:seconds, like 4:30.") from None
        if value < 0 or (self.length is not None and value > self.length):
            raise ValidationError("That moment is outside the conversation.")
        return float(value)

    def save(self, commit: bool = True) -> CoachingNote:
        self.instance.at_seconds = self.cleaned_data.get("moment")
        return super().save(commit=commit)
