from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from salesheart.models import Team, User


class DateSafeChangeList(ChangeList):
    """Django's date drill-down steps to the next year, month or day; from the last
    ones Python can hold (year 9999) that step fails. A date the drill-down cannot
    bound is a bad filter: the list shows unfiltered with the admin's own notice."""

    def get_filters(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().get_filters(request, *args, **kwargs)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class DateSafeAdmin(admin.ModelAdmin):
    """A ModelAdmin whose date_hierarchy never answers 500, whatever the address asks."""

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return DateSafeChangeList


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
