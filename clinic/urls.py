from django.contrib import admin
from django.urls import include, path

from clinic import views

urlpatterns = [
    path("", views.home, name="home"),
    path("crisis/", views.crisis_resources, name="crisis"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.health, name="health"),
    path("intake/", include("screening.urls_intake")),
    path("appointments/", include("appointments.urls")),
    path("staff/", include("screening.urls_staff")),
    path("admin/", admin.site.urls),
]
