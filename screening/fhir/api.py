"""The read-only FHIR R4 REST API for the clinic's EHR, under /fhir/R4/.

- ``metadata``: the CapabilityStatement (open, as FHIR clients expect; it names no patient).
- ``Questionnaire``: the intake (read ``clinic-intake``, search by ``url`` and ``version``).
- ``Patient``, ``QuestionnaireResponse``, ``Observation``: read by id; search by
  ``_lastUpdated`` (``ge``, ``gt``, ``le``, ``lt``, ``eq``; a date, a month, a year or an
  instant) and by ``patient`` (``Patient/<reference>`` or the reference; ``_id`` for
  Patient), ``category`` and ``code`` for Observation; ``_count`` (1-100, default 50);
  results in the order they last changed, paged by the ``next`` link.

Every request needs ``Authorization: Bearer <integration token>`` (screening.models.
integration): none, an unknown, revoked or expired token gets 401, a token without the
resource's read scope 403, too many requests 429, each as an OperationOutcome. A staff
session cookie opens nothing here: the views never look at the signed-in user. Every request,
refused ones included, is in the audit trail with the token's name and the references it
returned. Errors never include health information.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta
from functools import wraps
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from clinic import audit
from screening.models import QUESTIONNAIRE_VERSION, IntegrationToken, Scope

from . import export
from .bundle import operation_outcome, search_bundle
from .resources import observations, patient, questionnaire_response
from .systems import FHIR_VERSION, QUESTIONNAIRE_ID

CONTENT_TYPE = "application/fhir+json; charset=utf-8"
DEFAULT_COUNT, MAX_COUNT = 50, 100


def requests_per_minute() -> int:
    """Per token (FHIR_API_REQUESTS_PER_MINUTE); an EHR paging through everything stays well
    inside it."""
    return getattr(settings, "FHIR_API_REQUESTS_PER_MINUTE", 600)


def refusals_per_minute() -> int:
    """Per client address, for requests refused for want of a valid token."""
    return getattr(settings, "FHIR_API_REFUSALS_PER_MINUTE", 30)


OBSERVATIONS_PER_SUBMISSION = 27
REFERENCE = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$")


class Problem(Exception):
    """A request this server refuses: (HTTP status, FHIR issue code, message)."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def fhir_response(resource: dict, status: int = 200, **headers) -> HttpResponse:
    response = HttpResponse(
        json.dumps(resource, ensure_ascii=False, separators=(",", ":")),
        content_type=CONTENT_TYPE,
        status=status,
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _problem_response(problem: Problem) -> HttpResponse:
    headers = {"WWW_Authenticate": 'Bearer realm="fhir"'} if problem.status == 401 else {}
    return fhir_response(
        operation_outcome(problem.code, problem.message), status=problem.status, **headers
    )


def _secret(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def authenticate(request, scope: str | None) -> IntegrationToken | None:
    """The token the request carries, checked against ``scope``; raises Problem. With no
    scope (metadata) a request needs no token."""
    secret = _secret(request)
    if secret is None:
        if scope is None:
            return None
        raise Problem(401, "login", "This API needs an integration token (Authorization: Bearer)")
    token = IntegrationToken.objects.for_secret(secret)
    if token is None:
        raise Problem(401, "login", "The integration token is not valid")
    request.fhir_token = token
    state = token.state()
    if state == "revoked":
        raise Problem(401, "login", "The integration token has been revoked")
    if state == "expired":
        raise Problem(401, "expired", "The integration token has expired")
    if scope is not None and not token.allows(scope):
        raise Problem(403, "forbidden", f"The integration token does not have the {scope} scope")
    return token


def _too_many(request, token) -> bool:
    # Per token; requests that need none (metadata) count per client address instead.
    return is_ratelimited(
        request,
        group="fhir-api" if token is not None else "fhir-api-open",
        key=(lambda _group, _request: f"token:{token.pk}") if token is not None else "ip",
        rate=f"{requests_per_minute()}/m",
        increment=True,
    )


def _refused_too_often(request) -> bool:
    return is_ratelimited(
        request,
        group="fhir-api-refused",
        key="ip",
        rate=f"{refusals_per_minute()}/m",
        increment=True,
    )


def endpoint(scope: str | None, resource_type: str):
    """Wraps a view returning (resource, detail): token, scope, rate limit, audit, errors."""

    def decorator(view):
        @csrf_exempt
        @never_cache
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            # The API is for integration tokens only: a staff session is ignored throughout.
            request.user = AnonymousUser()
            request.fhir_token = None
            interaction = "read" if kwargs.get("resource_id") else "search"
            if resource_type == "CapabilityStatement":
                interaction = "capabilities"
            detail = {"resource": resource_type, "interaction": interaction}
            try:
                if request.method not in ("GET", "HEAD"):
                    raise Problem(405, "not-supported", "This API is read-only")
                token = authenticate(request, scope)
                if _too_many(request, token):
                    raise Problem(429, "throttled", "Too many requests: slow down and retry")
                resource, extra = view(request, *args, **kwargs)
                status = 200
                response = fhir_response(resource)
                detail |= extra
            except Problem as problem:
                if problem.status == 401 and _refused_too_often(request):
                    problem = Problem(429, "throttled", "Too many refused requests")
                status, response = problem.status, _problem_response(problem)
                detail["refused"] = problem.code
            token = request.fhir_token
            if token is not None and status < 400:
                IntegrationToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
            detail["status"] = status
            if token is not None:
                detail["token_id"] = token.pk
            audit.record(
                request,
                audit.Action.FHIR_API,
                target=detail.pop("target", None),
                actor_label=f"token:{token.name}" if token is not None else "",
                detail=detail,
            )
            return response

        return wrapped

    return decorator


# --- Parameters ------------------------------------------------------------------------------

_PREFIXES = ("ge", "gt", "le", "lt", "eq")
_PARTIAL = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}


def _period(value: str) -> tuple[datetime, datetime]:
    """[start, end) of a FHIR date, month, year (in the clinic's zone) or instant."""
    zone = ZoneInfo(settings.TIME_ZONE)
    if len(value) in _PARTIAL and "T" not in value:
        start = datetime.strptime(value, _PARTIAL[len(value)])  # noqa: DTZ007 (zoned below)
        if len(value) == 4:
            end = start.replace(year=start.year + 1)
        elif len(value) == 7:
            end = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            end = start + timedelta(days=1)
        return (
            datetime.combine(start.date(), time(), zone),
            datetime.combine(end.date(), time(), zone),
        )
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("an instant needs a time zone")
    return moment, moment + timedelta(microseconds=1)


def last_updated(queryset, values: list[str]):
    for raw in values:
        prefix, value = (raw[:2], raw[2:]) if raw[:2] in _PREFIXES else ("eq", raw)
        try:
            start, end = _period(value)
        except ValueError:
            raise Problem(400, "invalid", "_lastUpdated must be a FHIR date or instant") from None
        queryset = {
            "ge": lambda qs, s=start: qs.filter(updated_at__gte=s),
            "gt": lambda qs, e=end: qs.filter(updated_at__gte=e),
            "le": lambda qs, e=end: qs.filter(updated_at__lt=e),
            "lt": lambda qs, s=start: qs.filter(updated_at__lt=s),
            "eq": lambda qs, s=start, e=end: qs.filter(updated_at__gte=s, updated_at__lt=e),
        }[prefix](queryset)
    return queryset


def _reference(value: str, kind: str = "Patient") -> str:
    value = value.strip()
    if value.startswith(f"{kind}/"):
        value = value[len(kind) + 1 :]
    value = value.upper()
    if not REFERENCE.match(value):
        # No such patient here: an empty result, not an error that tells anything.
        return ""
    return value


def _count(request) -> int:
    raw = request.GET.get("_count")
    if raw is None:
        return DEFAULT_COUNT
    try:
        count = int(raw)
    except ValueError:
        raise Problem(400, "invalid", "_count must be a whole number") from None
    return max(1, min(count, MAX_COUNT))


def _check_params(request, allowed):
    unknown = sorted(set(request.GET) - set(allowed) - {"_count", "_cursor", "_format"})
    if unknown:
        raise Problem(400, "not-supported", f"Unsupported search parameter: {unknown[0]}")
    fmt = request.GET.get("_format")
    if fmt and fmt not in ("json", "application/json", "application/fhir+json"):
        raise Problem(400, "not-supported", "Only JSON is offered")


def _self_url(request, path: str) -> str:
    query = urlencode(list(request.GET.lists()), doseq=True)
    return f"{export.site().fhir_base}/{path}" + (f"?{query}" if query else "")


def _next_url(request, path: str, cursor) -> str | None:
    if cursor is None:
        return None
    params = [(k, v) for k, v in request.GET.lists() if k != "_cursor"]
    params.append(("_cursor", [cursor.encode()]))
    return f"{export.site().fhir_base}/{path}?{urlencode(params, doseq=True)}"


def _search(request, path, build, *, params, per_submission=1, patient_param="patient"):
    _check_params(request, params)
    count = _count(request)
    try:
        cursor = export.Cursor.decode(request.GET["_cursor"]) if "_cursor" in request.GET else None
    except ValueError:
        raise Problem(400, "invalid", "The paging link is not valid") from None
    queryset = last_updated(export.submissions(), request.GET.getlist("_lastUpdated"))
    for value in request.GET.getlist(patient_param):
        queryset = queryset.filter(reference=_reference(value))
    resources, references, following = export.page(
        queryset, build, count=count, cursor=cursor, per_submission=per_submission
    )
    bundle = search_bundle(
        export.site(),
        resources,
        self_url=_self_url(request, path),
        next_url=_next_url(request, path, following),
    )
    return bundle, {"count": len(resources), "references": references}


def _read(reference: str, build, resource_id: str):
    record = export.record_of(reference) if REFERENCE.match(reference) else None
    found = [r for r in build(record) if r["id"] == resource_id] if record else []
    if not found:
        raise Problem(404, "not-found", "No such resource")
    return found[0], {"target": {"type": "screening.submission", "reference": reference}}


# --- Views -----------------------------------------------------------------------------------


def _site():
    return export.site()


def _patients(record):
    return [patient(_site(), record)]


def _responses(record):
    return [questionnaire_response(_site(), record)]


def _observations(request):
    categories = set(request.GET.getlist("category"))
    codes = set(request.GET.getlist("code"))

    def build(record):
        found = observations(_site(), record)
        if categories:
            found = [
                o for o in found if {c["code"] for c in o["category"][0]["coding"]} & categories
            ]
        if codes:
            found = [o for o in found if _codes(o) & codes]
        return found

    return build


def _codes(observation) -> set:
    coded = set()
    for coding in observation["code"]["coding"]:
        coded |= {coding["code"], f"{coding['system']}|{coding['code']}"}
    return coded


@endpoint(None, "CapabilityStatement")
def metadata(request):
    return capability_statement(), {}


@endpoint(Scope.QUESTIONNAIRE, "Questionnaire")
def questionnaire_search(request):
    _check_params(request, ("url", "version", "_id"))
    resource = export.questionnaire()
    wanted = {
        "url": resource["url"],
        "version": resource["version"],
        "_id": resource["id"],
    }
    matches = all(value == wanted[name] for name in wanted for value in request.GET.getlist(name))
    bundle = search_bundle(
        export.site(),
        [resource] if matches else [],
        self_url=_self_url(request, "Questionnaire"),
    )
    return bundle, {"count": len(bundle["entry"])}


@endpoint(Scope.QUESTIONNAIRE, "Questionnaire")
def questionnaire_read(request, resource_id):
    if resource_id != QUESTIONNAIRE_ID:
        raise Problem(404, "not-found", "No such resource")
    return export.questionnaire(), {}


@endpoint(Scope.PATIENT, "Patient")
def patient_search(request):
    return _search(
        request, "Patient", _patients, params=("_lastUpdated", "_id"), patient_param="_id"
    )


@endpoint(Scope.PATIENT, "Patient")
def patient_read(request, resource_id):
    return _read(resource_id, _patients, resource_id)


@endpoint(Scope.QUESTIONNAIRE_RESPONSE, "QuestionnaireResponse")
def response_search(request):
    return _search(
        request, "QuestionnaireResponse", _responses, params=("_lastUpdated", "patient", "subject")
    )


@endpoint(Scope.QUESTIONNAIRE_RESPONSE, "QuestionnaireResponse")
def response_read(request, resource_id):
    return _read(resource_id, _responses, resource_id)


@endpoint(Scope.OBSERVATION, "Observation")
def observation_search(request):
    return _search(
        request,
        "Observation",
        _observations(request),
        params=("_lastUpdated", "patient", "subject", "category", "code"),
        per_submission=OBSERVATIONS_PER_SUBMISSION,
    )


@endpoint(Scope.OBSERVATION, "Observation")
def observation_read(request, resource_id):
    return _read(resource_id[:9], _observations(request), resource_id)


# --- The CapabilityStatement -----------------------------------------------------------------

_LAST_UPDATED = {
    "name": "_lastUpdated",
    "type": "date",
    "documentation": "When the record last changed: ge, gt, le, lt or eq a date or instant",
}
_PATIENT = {"name": "patient", "type": "reference", "documentation": "Patient/<reference>"}


def capability_statement() -> dict:
    site = export.site()

    def resource(kind, params, profile=None):
        entry = {
            "type": kind,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": params,
        }
        if profile:
            entry["profile"] = profile
        return entry

    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": timezone.now().date().isoformat(),
        "publisher": settings.CLINIC_NAME,
        "kind": "instance",
        "software": {"name": "Clinic intake and screening", "version": QUESTIONNAIRE_VERSION},
        "implementation": {
            "description": f"{settings.CLINIC_NAME}: intake submissions for the EHR, read-only",
            "url": site.fhir_base,
        },
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Read-only. Flags, the C-SSRS risk level and RiskAssessments in exports are "
                    "screening output for clinician review."
                ),
                "security": {
                    "description": (
                        "Authorization: Bearer <integration token>. Administrators create and "
                        "revoke tokens in the clinic's admin; each carries read scopes "
                        "(Questionnaire.read, QuestionnaireResponse.read, Observation.read, "
                        "Patient.read)."
                    )
                },
                "resource": [
                    resource(
                        "Questionnaire",
                        [
                            {"name": "url", "type": "uri"},
                            {"name": "version", "type": "token"},
                        ],
                    ),
                    resource("Patient", [_LAST_UPDATED, {"name": "_id", "type": "token"}]),
                    resource("QuestionnaireResponse", [_LAST_UPDATED, _PATIENT]),
                    resource(
                        "Observation",
                        [
                            _LAST_UPDATED,
                            _PATIENT,
                            {"name": "category", "type": "token"},
                            {"name": "code", "type": "token"},
                        ],
                    ),
                ],
            }
        ],
    }
