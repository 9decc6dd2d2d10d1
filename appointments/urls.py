from django.urls import path

from clinic import views as clinic_views

app_name = "appointments"

urlpatterns = [
    path(
        "request/",
        clinic_views.coming_soon,
        {"heading": "Request an appointment"},
        name="request",
    ),
]
