from __future__ import annotations

from django.urls import path

from conversations.views import (
    bands,
    conversations,
    customers,
    dashboards,
    log,
    recordings,
    tracker,
    transcript_lines,
    transcripts,
    weekly,
)

app_name = "conversations"

urlpatterns = [
    path("", conversations.conversation_list, name="list"),
    path("new/", conversations.conversation_start, name="start"),
    path("plan/", conversations.conversation_start, {"planning": True}, name="plan"),
    path("<int:pk>/", conversations.conversation_detail, name="detail"),
    path("<int:pk>/delete/", conversations.conversation_delete, name="delete"),
    path("<int:pk>/finish/", conversations.conversation_finish, name="finish"),
    path("<int:pk>/restore/", conversations.conversation_restore, name="restore"),
    path("<int:pk>/log/", log.conversation_log, name="log"),
    path("<int:pk>/autosave/", log.conversation_autosave, name="autosave"),
    path("<int:pk>/pain-points/", log.pain_point_add, name="pain_point_add"),
    path("<int:pk>/pain-points/<int:item>/edit/", log.pain_point_edit, name="pain_point_edit"),
    path(
        "<int:pk>/pain-points/<int:item>/delete/", log.pain_point_delete, name="pain_point_delete"
    ),
    path("<int:pk>/proposals/", log.proposal_add, name="proposal_add"),
    path("<int:pk>/proposals/<int:item>/edit/", log.proposal_edit, name="proposal_edit"),
    path("<int:pk>/proposals/<int:item>/delete/", log.proposal_delete, name="proposal_delete"),
    path("<int:pk>/track/", tracker.tracker, name="tracker"),
    path("<int:pk>/track/save/", tracker.tracker_save, name="tracker_save"),
    path("<int:pk>/transcript/", transcripts.transcript_import, name="transcript_import"),
    path("<int:pk>/recording/", recordings.recording_upload, name="recording_upload"),
    path(
        "<int:pk>/recordings/<int:recording>/",
        recordings.recording_progress,
        name="recording_progress",
    ),
    path(
        "<int:pk>/recordings/<int:recording>/side/",
        recordings.recording_choose,
        name="recording_choose",
    ),
    path(
        "<int:pk>/recordings/<int:recording>/cancel/",
        recordings.recording_cancel,
        name="recording_cancel",
    ),
    path(
        "<int:pk>/transcript/speakers/",
        transcripts.transcript_speakers,
        name="transcript_speakers",
    ),
    path(
        "<int:pk>/transcript/discard/",
        transcripts.transcript_discard,
        name="transcript_discard",
    ),
    path(
        "<int:pk>/transcript/timeline/",
        transcript_lines.transcript_timeline,
        name="transcript_timeline",
    ),
    path(
        "<int:pk>/transcript/delete-text/",
        transcript_lines.transcript_delete_raw,
        name="transcript_delete_raw",
    ),
    path(
        "<int:pk>/segments/<int:segment>/kind/",
        transcript_lines.segment_retag,
        name="segment_retag",
    ),
    path(
        "<int:pk>/segments/<int:segment>/pain/",
        transcript_lines.segment_mark_pain,
        name="segment_mark_pain",
    ),
    path("customers/", customers.customer_list, name="customers"),
    path("customers/new/", customers.customer_create, name="customer_create"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", customers.customer_edit, name="customer_edit"),
    path("dashboard/", dashboards.rep_dashboard, name="dashboard"),
    path("dashboard/export.csv", dashboards.rep_export, name="dashboard_export"),
    path("team/", dashboards.team_dashboard, name="team_dashboard"),
    path("team/export.csv", dashboards.team_export, name="team_export"),
    path("team/bands/", bands.team_bands, name="team_bands"),
    path(
        "team/reps/<int:rep_id>/",
        dashboards.rep_dashboard_for_manager,
        name="rep_dashboard_for_manager",
    ),
    path("team/reps/<int:rep_id>/export.csv", dashboards.rep_export, name="rep_export"),
    path("<int:pk>/notes/", conversations.coaching_note_add, name="coaching_note_add"),
    path("weekly-summary/", weekly.weekly_summary_choice, name="weekly_summary_choice"),
    path("weekly-summary/stop/<str:token>/", weekly.weekly_unsubscribe, name="weekly_unsubscribe"),
]
