from __future__ import annotations

from django.urls import path

from conversations.views import conversations, customers, log, team

app_name = "conversations"

urlpatterns = [
    path("", conversations.conversation_list, name="list"),
    path("new/", conversations.conversation_start, name="start"),
    path("plan/", conversations.conversation_start, {"planning": True}, name="plan"),
    path("<int:pk>/", conversations.conversation_detail, name="detail"),
    path("<int:pk>/delete/", conversations.conversation_delete, name="delete"),
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
    path("customers/", customers.customer_list, name="customers"),
    path("customers/new/", customers.customer_create, name="customer_create"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", customers.customer_edit, name="customer_edit"),
    path("team/", team.team_dashboard, name="team_dashboard"),
]
