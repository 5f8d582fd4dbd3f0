from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from salesheart.models import Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "team",
        "is_trainer",
        "is_staff",
        "is_active",
    ]
    list_filter = ["team", "is_trainer", "is_staff", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("SalesHeart roles", {"fields": ["team", "is_trainer"]}),
        ("Time zone", {"fields": ["time_zone"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (
            "SalesHeart roles",
            {"fields": ["first_name", "last_name", "email", "team", "is_trainer"]},
        ),
    ]


class MemberInline(admin.TabularInline):
    model = User
    fields = ["username", "first_name", "last_name", "email"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "rep"
    verbose_name_plural = "reps (set a person's team on their user page)"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "listening_target", "pitch_ceiling", "time_zone"]
    search_fields = ["name"]
    filter_horizontal = ["managers"]
    inlines = [MemberInline]
