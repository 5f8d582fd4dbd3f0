"""The admin shows a conversation's pain points and proposals but does not change them.

The pain-first rule (no proposal before a pain point, each proposal answers pain
points of its own conversation, a logged conversation keeps one) is kept by the
services under the conversation's lock. The admin is for people, teams and roles;
a staff user who could add, re-point or delete these rows would be a way around the
rule, so its inlines are read-only and refuse any post that tries to write them. A
staff user can still delete a whole conversation, which takes everything with it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from conversations import services
from conversations.models import Conversation, Customer, PainPoint, ProductTalk, TalkBand
from salesheart.admin import DateSafeAdmin

SHOWN_HERE_ONLY = (
    "Pain points and proposals are not changed in the admin: the rep changes them on "
    "the conversation's log page, where the pain-first rule is checked. Nothing was saved."
)
NOT_LOGGED_WITHOUT_PAIN = (
    "A conversation is logged only once at least one pain point is recorded; keep this one a draft."
)
# What a read-only inline's own page posts: its management form and each row's keys.
FORMSET_KEYS = {"TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"}
ROW_KEYS = {"id", "conversation"}


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "rep"]
    search_fields = ["name", "company"]
    list_select_related = ["rep"]
    raw_id_fields = ["rep"]


class ShownNotChangedFormSet(BaseInlineFormSet):
    """Refuses, with a message, a post that adds, changes or deletes a row: Django alone
    would ignore it silently, and the staff user would think it was saved."""

    def clean(self) -> None:
        super().clean()
        prefix = f"{self.prefix}-"
        written = [
            key
            for key in self.data
            if key.startswith(prefix)
            and key.removeprefix(prefix) not in FORMSET_KEYS
            and key.rsplit("-", 1)[-1] not in ROW_KEYS
        ]
        if written or self.total_form_count() > self.initial_form_count():
            raise ValidationError(SHOWN_HERE_ONLY, code="read_only")


class ShownNotChangedInline(admin.StackedInline):
    formset = ShownNotChangedFormSet
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PainPointInline(ShownNotChangedInline):
    model = PainPoint
    fields = readonly_fields = ["description", "impact", "urgency", "heard_at"]
    verbose_name_plural = "pain points (the rep changes them on the log page)"


class ProductTalkInline(ShownNotChangedInline):
    model = ProductTalk
    fields = readonly_fields = ["proposal", "answers", "said_at"]
    verbose_name_plural = "product talk (the rep changes it on the log page)"


class ConversationAdminForm(forms.ModelForm):
    # No Meta: the admin builds it with every editable field, as it does by default.

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("status") == Conversation.Status.LOGGED:
            # The admin saves inside one transaction: the lock holds until it commits,
            # so the last pain point cannot be removed between this check and the save.
            has_pain = self.instance.pk is not None and (
                services.lock_conversation(self.instance.pk).pain_points.exists()
            )
            if not has_pain:
                self.add_error("status", ValidationError(NOT_LOGGED_WITHOUT_PAIN, code="no_pain"))
        return cleaned


@admin.register(Conversation)
class ConversationAdmin(DateSafeAdmin):
    form = ConversationAdminForm
    list_display = [
        "customer",
        "rep",
        "occurred_at",
        "status",
        "kind",
        "call_type",
        "figures_source",
    ]
    list_filter = ["status", "kind", "call_type", "channel", "figures_source"]
    list_select_related = ["customer", "rep"]
    raw_id_fields = ["rep", "customer"]
    date_hierarchy = "occurred_at"
    inlines = [PainPointInline, ProductTalkInline]


@admin.register(TalkBand)
class TalkBandAdmin(admin.ModelAdmin):
    """A team's own bands; a kind of call without a row uses the research defaults."""

    list_display = [
        "team",
        "call_type",
        "listening_min",
        "listening_max",
        "monologue_max",
        "story_min",
        "questions_min",
        "questions_max",
        "patience_min",
    ]
    list_filter = ["team", "call_type"]
    list_select_related = ["team"]
