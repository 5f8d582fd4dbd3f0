from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from salesheart import views
from salesheart.compose import views as compose
from salesheart.sign_in import SetPasswordLiftingLockoutForm

handler400 = "salesheart.views.bad_request"

urlpatterns = [
    path("", compose.home, name="home"),
    path("welcome/", compose.no_role, name="no_role"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("account/data/", views.my_data, name="my_data"),
    path("account/time-zone/", views.time_zone, name="time_zone"),
    path("account/data/export.json", compose.my_data_export, name="my_data_export"),
    # Ahead of Django's own, which it replaces: a reset also lifts sign-in lockouts.
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=SetPasswordLiftingLockoutForm),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("conversations/", include("conversations.urls")),
    path("training/", include("reflections.urls")),
    path("admin/", admin.site.urls),
]
