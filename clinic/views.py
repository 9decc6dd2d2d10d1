from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from clinic.health import report


@require_safe
def home(request):
    return render(request, "clinic/home.html")


@require_safe
def crisis_resources(request):
    return render(request, "clinic/crisis.html")


@require_safe
def privacy(request):
    return render(request, "clinic/privacy.html")


# Pages no search engine should crawl: private links, staff pages, sign-in, the admin, the
# API. The pages answer `X-Robots-Tag: noindex, nofollow` themselves (clinic.middleware).
ROBOTS_TXT = """User-agent: *
Disallow: /intake/r/
Disallow: /intake/my/
Disallow: /appointments/my-request/
Disallow: /staff/
Disallow: /admin/
Disallow: /accounts/
Disallow: /fhir/
Disallow: /healthz
"""


@require_safe
def favicon(request):
    # Looked up per request: the static manifest exists only once collectstatic has run.
    return HttpResponsePermanentRedirect(static("clinic/favicon.svg"))


@require_safe
def robots_txt(request):
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")


def coming_soon(request, heading):
    return render(request, "clinic/coming_soon.html", {"heading": heading})


@never_cache
@require_safe
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
