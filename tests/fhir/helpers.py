"""Shared pieces of the FHIR tests: validation against the R4 models of fhir.resources, and
integration tokens."""

import fhir.resources
from fhir.resources import construct_fhir_element

from screening.models import IntegrationToken, Scope

assert fhir.resources.__fhir_version__ == "4.0.1", "these tests validate against FHIR R4"

ALL_SCOPES = [scope.value for scope in Scope]


def validate(resource: dict):
    """Parse a resource with the R4 model of its type (raises pydantic's ValidationError)."""
    return construct_fhir_element(resource["resourceType"], resource)


def make_token(name="EHR interface", scopes=None, **kwargs):
    """(token, secret)."""
    return IntegrationToken.issue(name, ALL_SCOPES if scopes is None else scopes, **kwargs)


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def walk_items(items):
    for item in items or ():
        yield item
        yield from walk_items(item.get("item"))


def loinc_codes(resource) -> set:
    return {
        coding["code"]
        for coding in (resource.get("code") or {}).get("coding", [])
        if coding["system"] == "http://loinc.org"
    }
