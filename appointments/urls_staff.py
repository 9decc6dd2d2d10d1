"""Staff pages for appointments, mounted at /staff/appointments/."""

from django.urls import path

from appointments import views_staff as views

app_name = "appointments_staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("schedule/", views.schedule, name="schedule"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/book/", views.book_request, name="book"),
    path("requests/<int:pk>/close/", views.close_request, name="close_request"),
    path("appointment/<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("appointment/<int:pk>/cancel/", views.cancel_appointment, name="cancel"),
    path("appointment/<int:pk>/outcome/", views.record_outcome, name="record_outcome"),
    path("availability/", views.availability_page, name="availability"),
    path("availability/slot/", views.add_slot, name="add_slot"),
    path("availability/pattern/", views.add_pattern, name="add_pattern"),
    path("slots/<int:pk>/remove/", views.remove_slot, name="remove_slot"),
    path("emails/<int:pk>/retry/", views.retry_email, name="retry_email"),
]
