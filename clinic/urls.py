from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinic import sign_in_guard, two_factor, views

urlpatterns = [
    path("", views.home, name="home"),
    path("crisis/", views.crisis_resources, name="crisis"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.health, name="health"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Browsers ask for /favicon.ico on a first visit whatever the page declares.
    path("favicon.ico", views.favicon, name="favicon"),
    path("intake/", include("screening.intake.urls")),
    path("appointments/", include("appointments.urls")),
    path("accounts/login/", sign_in_guard.sign_in, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", two_factor.verify, name="two_factor"),
    path("accounts/two-factor/setup/", two_factor.setup, name="two_factor_setup"),
    path(
        "accounts/two-factor/invitation/<str:token>/",
        two_factor.invitation,
        name="two_factor_invitation",
    ),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("staff/appointments/", include("appointments.urls_staff")),
    path("staff/submissions/<str:reference>/fhir/", include("screening.fhir.urls_staff")),
    path("staff/call-me/", include("screening.call_me.urls")),
    path("staff/", include("screening.review.urls")),
    path("fhir/R4/", include("screening.fhir.urls")),
    path("admin/", admin.site.urls),
]
