from __future__ import annotations

from django.contrib import admin

from conversations.models import Conversation, Customer, PainPoint, ProductTalk, TalkBand


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "rep"]
    search_fields = ["name", "company"]
    list_select_related = ["rep"]
    raw_id_fields = ["rep"]


class PainPointInline(admin.StackedInline):
    model = PainPoint
    extra = 0


class ProductTalkInline(admin.StackedInline):
    model = ProductTalk
    extra = 0


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
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
