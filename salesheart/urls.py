from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from salesheart import views

urlpatterns = [
    path("", views.home, name="home"),
    path("welcome/", views.no_role, name="no_role"),
    path("healthz", views.healthz, name="healthz"),
    path("account/data/", views.my_data, name="my_data"),
    path("account/data/export.json", views.my_data_export, name="my_data_export"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("conversations/", include("conversations.urls")),
    path("training/", include("reflections.urls")),
    path("admin/", admin.site.urls),
]
