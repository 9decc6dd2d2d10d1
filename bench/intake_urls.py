"""The app's URLs plus two baselines through the same middleware: /bench/bare-form/, a
three-field Django form with CSRF, validated and redirected, no database (the baseline the
intake steps are held to); and /bench/bare-form-saved/, the same form that also inserts one row
(bench_bare_form, created by bench_intake.py)."""

from django import forms
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from clinic.urls import urlpatterns as clinic_urlpatterns


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


urlpatterns = [
    path("bench/bare-form/", bare_form),
    path("bench/bare-form-saved/", bare_form_saved),
    *clinic_urlpatterns,
]
