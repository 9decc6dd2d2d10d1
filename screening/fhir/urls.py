"""/fhir/R4/: the read-only FHIR API (screening.fhir.api). FHIR paths have no trailing slash."""

from django.urls import path

from screening.fhir import api

app_name = "fhir"

urlpatterns = [
    path("metadata", api.metadata, name="metadata"),
    path("Questionnaire", api.questionnaire_search, name="questionnaire-search"),
    path("Questionnaire/<str:resource_id>", api.questionnaire_read, name="questionnaire"),
    path("Patient", api.patient_search, name="patient-search"),
    path("Patient/<str:resource_id>", api.patient_read, name="patient"),
    path("QuestionnaireResponse", api.response_search, name="response-search"),
    path("QuestionnaireResponse/<str:resource_id>", api.response_read, name="response"),
    path("Observation", api.observation_search, name="observation-search"),
    path("Observation/<str:resource_id>", api.observation_read, name="observation"),
]
