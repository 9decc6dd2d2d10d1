from django.contrib import admin
from django.urls import path

from clinic import views

urlpatterns = [
    path("", views.home, name="home"),
    path("crisis/", views.crisis_resources, name="crisis"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.health, name="health"),
    path("intake/", views.coming_soon, {"heading": "Start your intake"}, name="intake_start"),
    path(
        "appointments/request/",
        views.coming_soon,
        {"heading": "Request an appointment"},
        name="appointment_request",
    ),
    path("admin/", admin.site.urls),
]
