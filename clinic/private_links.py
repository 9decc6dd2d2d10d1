"""Private links, and the absolute addresses the app writes into pages and e-mails.

A patient's private link (/intake/r/<token>/, /appointments/request/<token>/) is a key kept in
an e-mail or copied from the page. Opening it exchanges the token for a cookie and redirects
to the same page without it, so the token is in one request line of the access log, not in
every page's URL and every Referer after it (issue 15). The cookie is signed, HttpOnly, Secure
with DEBUG off, SameSite=Lax, and ends when the browser closes, like a staff session. The
token itself stays what it was: valid until the draft expires, on any device that opens it.

Addresses: in development the one the request came in on (whatever port `serve` listens on);
in production SITE_URL, never a Host header a client sent (issue 13).
"""

from django.conf import settings

COOKIE = "clinic_link"
SALT = "clinic.private-link"


def bind(response, token: str):
    """The response sets the cookie that opens the intake with `token` in this browser."""
    response.set_signed_cookie(
        COOKIE,
        token,
        salt=SALT,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
    return response


def bound_token(request) -> str | None:
    """The token this browser's cookie carries, or None (none, or not signed by us)."""
    return request.get_signed_cookie(COOKIE, default=None, salt=SALT) or None


def base_url(request=None) -> str:
    """The app's address without a trailing slash: the request's own in development, SITE_URL
    otherwise (and for work done without a request, such as the background worker's)."""
    if settings.DEBUG and request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.SITE_URL


def absolute(request, path: str) -> str:
    return base_url(request) + path
