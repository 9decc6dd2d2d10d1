"""Where a request comes from: the one place that decides a client's address.

Rate limits (django-ratelimit, RATELIMIT_IP_META_KEY), the sign-in lockout (django-axes,
AXES_CLIENT_IP_CALLABLE) and the audit trail (clinic.audit) all ask `client_ip()`, so a patient
behind the clinic's reverse proxy is counted, locked out and recorded as the same address.

Behind N trusted proxies (TRUSTED_PROXY_COUNT=N) each proxy appends the address it saw to
X-Forwarded-For, so the client is the Nth address from the right; whatever stands further left
was typed by the client and is ignored. Without proxies (N=0, the default) the header is ignored
altogether and the client is the direct peer (REMOTE_ADDR).
"""

import ipaddress

from django.conf import settings

# What rate limits count an address they cannot tell against (no peer address, e.g. a Unix
# socket without a proxy header): one shared bucket rather than an error page.
NO_ADDRESS = "0.0.0.0"  # noqa: S104 (a bucket name, nothing listens on it)


def client_ip(request):
    """The client's address as a normalised string, or None (no request, or no usable address)."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR") or ""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_ip_or_unknown(request):
    """client_ip() for django-axes, which needs a string to count failures against."""
    return client_ip(request) or "unknown"


def client_ip_for_rate_limits(request):
    """client_ip() for django-ratelimit (RATELIMIT_IP_META_KEY), which needs an address."""
    return client_ip(request) or NO_ADDRESS
