from django.urls import path

from clinic import views as clinic_views

app_name = "intake"

urlpatterns = [
    path("", clinic_views.coming_soon, {"heading": "Start your intake"}, name="start"),
]
