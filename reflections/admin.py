from __future__ import annotations

from django.contrib import admin

from reflections.models import Assignment, Exercise, Reflection, ReminderLog, Review
from salesheart.admin import DateSafeAdmin


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "created_by", "archived_at"]
    list_filter = ["kind", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "instructions"]
    list_select_related = ["created_by"]
    raw_id_fields = ["created_by"]


class ReflectionInline(admin.StackedInline):
    model = Reflection
    extra = 0
    can_delete = False


@admin.register(Assignment)
class AssignmentAdmin(DateSafeAdmin):
    list_display = ["exercise", "rep", "assigned_by", "due_on", "state"]
    list_filter = ["reflection__state", "exercise"]
    search_fields = ["exercise__title", "rep__username", "rep__first_name", "rep__last_name"]
    list_select_related = ["exercise", "rep", "assigned_by", "reflection"]
    raw_id_fields = ["rep", "assigned_by", "conversation"]
    date_hierarchy = "due_on"
    inlines = [ReflectionInline]

    @admin.display(description="state", ordering="reflection__state")
    def state(self, assignment: Assignment) -> str:
        return assignment.reflection.get_state_display()


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["reflection", "author", "decision", "created_at"]
    list_select_related = [
        "reflection__assignment__exercise",
        "reflection__assignment__rep",
        "author",
    ]
    raw_id_fields = ["reflection", "author"]


@admin.register(ReminderLog)
class ReminderLogAdmin(DateSafeAdmin):
    list_display = ["user", "sent_on", "summary"]
    date_hierarchy = "sent_on"
    raw_id_fields = ["user"]
