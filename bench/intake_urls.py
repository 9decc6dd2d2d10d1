"""The app's URLs plus three baselines through the same middleware: /bench/bare-form/, a
three-field Django form with CSRF, validated and redirected, no database; /bench/bare-form-saved/,
the same form that also inserts one row (bench_bare_form, created by bench_intake.py); and
/bench/step-forms/<step>/, each intake step's own Django forms, validated and redirected the
same way with nothing read or stored; and /bench/step-forms-saved/<step>/, the same forms whose
answers are then inserted as one plain JSON row (bench_step_answers), the way a bare Django
view keeps what a form cleaned: no draft, no link, no encryption."""

import json

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from clinic.urls import urlpatterns as clinic_urlpatterns
from screening.intake import flow, steps


class BareForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField()
    age = forms.IntegerField(min_value=0, max_value=120)


@require_http_methods(["GET", "POST"])
def bare_form(request):
    form = BareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect("/bench/bare-form/")
    return HttpResponse(
        format_html(
            '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            "{}</form>",
            get_token(request),
            form.as_p(),
        )
    )


@require_http_methods(["POST"])
def bare_form_saved(request):
    form = BareForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_bare_form (name, email, age) VALUES (%s, %s, %s)",
            [form.cleaned_data["name"], form.cleaned_data["email"], form.cleaned_data["age"]],
        )
    return redirect("/bench/bare-form/")


def cleaned_step(request, slug):
    """The step and its validated forms, or None. No earlier answers are given: the forms ask
    only what needs none (no pregnancy questions), which if anything makes these baselines a
    little faster than the steps they stand beside."""
    step = steps.BY_SLUG[slug]
    forms = flow.build_step_forms(step, {}, request.POST)
    return (step, forms) if forms.is_valid() else None


@require_http_methods(["POST"])
def step_forms(request, slug):
    if not (cleaned := cleaned_step(request, slug)):
        return HttpResponse(status=400)
    return redirect(f"/bench/step-forms/{steps.next_step(cleaned[0]).slug}/")


@require_http_methods(["POST"])
def step_forms_saved(request, slug):
    if not (cleaned := cleaned_step(request, slug)):
        return HttpResponse(status=400)
    step, forms = cleaned
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_step_answers (step, answers) VALUES (%s, %s)",
            [slug, json.dumps(forms.to_answers(), cls=DjangoJSONEncoder)],
        )
    return redirect(f"/bench/step-forms-saved/{steps.next_step(step).slug}/")


urlpatterns = [
    path("bench/bare-form/", bare_form),
    path("bench/step-forms/<slug:slug>/", step_forms),
    path("bench/step-forms-saved/<slug:slug>/", step_forms_saved),
    path("bench/bare-form-saved/", bare_form_saved),
    *clinic_urlpatterns,
]
