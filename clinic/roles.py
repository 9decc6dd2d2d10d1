"""Staff roles. Each role is a Django group (created by clinic/migrations/0001_roles.py);
a superuser counts as an administrator.

Administrators pass every role check but one: a person's health information (answers, flags,
scores, clinical notes, the exports) is for the clinician role itself. An administrator without
it reads what a coordinator reads, contact and scheduling (minimum necessary, issue 15)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from clinic import two_factor

CLINICIAN = "clinician"
COORDINATOR = "coordinator"
ADMINISTRATOR = "administrator"
ROLES = (CLINICIAN, COORDINATOR, ADMINISTRATOR)


def user_roles(user) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    cached = getattr(user, "_clinic_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        if user.is_superuser:
            cached.add(ADMINISTRATOR)
        user._clinic_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    held = user_roles(user)
    return ADMINISTRATOR in held or bool(held.intersection(roles))


def sees_clinical(user) -> bool:
    """Whether the account may read answers, flags, scores and clinical notes: the clinician
    role, whatever else it holds (superusers and administrators included)."""
    return CLINICIAN in user_roles(user)


def role_required(*roles: str, administrators_pass: bool = True):
    """Anonymous visitors go to sign-in; a session that has not given its second-factor code
    goes to that step (clinic.two_factor); signed-in staff without one of the roles get 403.
    Administrators may do everything, except where `administrators_pass=False`: the pages and
    actions on a person's health information, which need the role itself."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not two_factor.is_verified(request.user):
                return two_factor.ask_for_second_factor(request)
            if administrators_pass:
                allowed = has_role(request.user, *roles)
            else:
                allowed = bool(user_roles(request.user).intersection(roles))
            if not allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
