from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clinic.health import report


@require_GET
def home(request):
    return render(request, "clinic/home.html")


@require_GET
def crisis_resources(request):
    return render(request, "clinic/crisis.html")


@require_GET
def privacy(request):
    return render(request, "clinic/privacy.html")


def coming_soon(request, heading):
    return render(request, "clinic/coming_soon.html", {"heading": heading})


@never_cache
@require_GET
def health(request):
    """For the load balancer and monitoring: each dependency by name (clinic/health.py). 503
    only when the database is down (patients cannot save); 200 with "degraded" otherwise."""
    body, status = report()
    return JsonResponse(body, status=status)


def csrf_failure(request, reason=""):
    # Never echo the reason: it is for developers, and the page must stay calm for patients.
    return render(request, "403_csrf.html", status=403)


def rate_limited(request, exception):
    """django-ratelimit's answer when an address sends too many requests: a calm 429."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "300"
    return response
