"""The language a page is shown in: English or Spanish for the public side, English for staff.

- A first visit follows the browser's Accept-Language (Django's LocaleMiddleware).
- The switch on every public page ("English | Español") is a plain link to the same page with
  ``?lang=es``: it works without JavaScript, from a keyboard, on the error pages (the 500 page
  has no request context to build a form with) and never puts the private link anywhere but
  the path it is already in. PatientLanguageMiddleware sets the language cookie (for the visit:
  it ends when the browser closes) and sends the person back to the page without the query.
- An intake remembers its language (Draft.language): a private link opened in a new browser
  shows the intake in that language (``follow_saved``), and a switch made on an intake's page
  is saved with it.
- Staff pages (/staff/, /admin/, /accounts/, /fhir/) are always in the staff language,
  settings.LANGUAGE_CODE, whatever cookie a browser carries.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.cache import patch_vary_headers

SWITCH_PARAMETER = "lang"
STAFF_PREFIXES = ("/staff/", "/admin/", "/accounts/", "/fhir/")


def codes() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


def supported(code) -> str | None:
    """The site's language for a code ("es", "es-MX" -> "es"), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(str(code))
    except LookupError:
        return None


def current() -> str:
    """The active language as one of settings.LANGUAGES ("en" outside a request)."""
    return supported(translation.get_language()) or staff_language()


def staff_language() -> str:
    return supported(settings.LANGUAGE_CODE) or codes()[0]


def is_staff_path(path: str) -> bool:
    return path.startswith(STAFF_PREFIXES)


def chosen(request) -> str | None:
    """The language this browser chose with the switch (the cookie), or None."""
    return supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))


def use(request, code: str, *, remember=False):
    """Show this request in `code`; with `remember`, the response sets the cookie too."""
    translation.activate(code)
    request.LANGUAGE_CODE = code
    if remember:
        request.remember_language = code


def follow_saved(request, saved: str | None) -> str | None:
    """For a page of an intake that was saved in `saved`: the browser's own choice, when it made
    one, is returned for the caller to save with the intake if it differs; otherwise the page
    (and the rest of the visit) is shown in the saved language."""
    mine = chosen(request)
    saved = supported(saved)
    if mine:
        return mine if mine != saved else None
    if saved and saved != current():
        use(request, saved, remember=True)
    return None


def activate_for(request):
    """The language for a response made before the middleware ran (the 413 page)."""
    if is_staff_path(request.path_info):
        translation.activate(staff_language())
    else:
        translation.activate(translation.get_language_from_request(request))


def set_cookie(response, code: str):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class PatientLanguageMiddleware:
    """Right after django.middleware.locale.LocaleMiddleware: staff pages in the staff language,
    the ``?lang=`` switch, and the cookie for a language an intake brought back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_staff_path(request.path_info):
            use(request, staff_language())
            return self.get_response(request)

        wanted = request.GET.get(SWITCH_PARAMETER) if request.method in ("GET", "HEAD") else None
        if wanted is not None:
            rest = request.GET.copy()
            del rest[SWITCH_PARAMETER]
            # Always this site: a path such as //example.org/ must not become another host.
            target = "/" + request.path.lstrip("/") + (f"?{rest.urlencode()}" if rest else "")
            response = HttpResponseRedirect(target)
            code = supported(wanted)
            if code:
                set_cookie(response, code)
            return response

        response = self.get_response(request)
        remembered = getattr(request, "remember_language", None)
        if remembered:
            set_cookie(response, remembered)
        # The same address answers in either language, chosen by the cookie or the browser.
        patch_vary_headers(response, ("Cookie",))
        return response
