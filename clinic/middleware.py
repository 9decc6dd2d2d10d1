from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from clinic import language


class RequestSizeLimitMiddleware:
    """Refuse an oversized body with a clear 413 before anything reads it.

    Django itself only notices when a view first touches request.POST, and then answers with
    a bare 400; a person who pasted a novel into a box deserves to be told what happened.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            # Before LocaleMiddleware has run: in the person's language all the same.
            language.activate_for(request)
            return render(request, "413.html", status=413)
        return self.get_response(request)


# Browser features no page here uses: a page, or anything injected into one, may not ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
# Pages for staff, their sign-in and the admin: never listed by a search engine, never stored.
STAFF_PREFIXES = ("/staff/", "/admin/", "/accounts/")
# The pages a private link opens once exchanged for its cookie (clinic.private_links).
PRIVATE_LINK_PREFIXES = ("/intake/my/", "/appointments/my-request/")


class PrivatePagesMiddleware:
    """What every response says about itself, whatever its view remembered:

    - `Permissions-Policy` on every response (PERMISSIONS_POLICY);
    - `X-Robots-Tag: noindex, nofollow` on every page reached through a private link (a route
      with a `token`: /intake/r/..., /appointments/request/<token>/...), on the pages it opens
      without the token (PRIVATE_LINK_PREFIXES) and on staff pages,
      their sign-in and the admin; /robots.txt asks crawlers to stay out of them too;
    - `Cache-Control: no-store` (Django's never_cache) on staff pages, sign-in and the admin.

    And a path or query string with a NUL character is answered 400 before any view: no page
    takes one, and PostgreSQL refuses it in a query (it was a 500).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            response = render(request, "400.html", status=400)
        else:
            response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        match = getattr(request, "resolver_match", None)
        staff = request.path.startswith(STAFF_PREFIXES)
        private = request.path.startswith(PRIVATE_LINK_PREFIXES)
        if staff or private or (match is not None and "token" in match.kwargs):
            response["X-Robots-Tag"] = "noindex, nofollow"
        if staff:
            add_never_cache_headers(response)
        return response
