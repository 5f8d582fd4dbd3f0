from __future__ import annotations

from django.urls import path

from reflections import views

app_name = "reflections"

urlpatterns = [
    path("", views.training_dashboard, name="training_dashboard"),
]
