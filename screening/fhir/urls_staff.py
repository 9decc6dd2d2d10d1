"""The clinician's download on the submission page: /staff/submissions/<reference>/fhir/."""

from django.urls import path

from screening.fhir import views

app_name = "fhir_staff"

urlpatterns = [path("", views.download, name="download")]
