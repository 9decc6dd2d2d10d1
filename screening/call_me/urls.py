from django.urls import path

from screening.call_me import views

app_name = "staff_call_me"

urlpatterns = [
    path("<str:reference>/", views.detail, name="detail"),
]
