from __future__ import annotations

from django.contrib import admin

from conversations.models import Conversation, Customer, PainPoint, ProductTalk
from salesheart.admin import DateSafeAdmin


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
class ConversationAdmin(DateSafeAdmin):
    list_display = ["customer", "rep", "occurred_at", "status", "kind", "figures_source"]
    list_filter = ["status", "kind", "channel", "figures_source"]
    list_select_related = ["customer", "rep"]
    raw_id_fields = ["rep", "customer"]
    date_hierarchy = "occurred_at"
    inlines = [PainPointInline, ProductTalkInline]
