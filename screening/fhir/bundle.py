"""Resources packed for the way out: a transaction Bundle, NDJSON, a search Bundle.

The transaction Bundle is what an EHR imports: each entry is a conditional update on the
resource's stable identifier (``PUT Patient?identifier=<system>|<reference>``), so importing
the same export twice updates the records it created the first time instead of adding more.
Entries refer to each other by ``urn:uuid:`` full URLs that are derived from the identifiers,
so two exports of an unchanged submission are byte for byte the same.
"""

from __future__ import annotations

import copy
import json
import uuid
from urllib.parse import quote

from .systems import Site

# The namespace of the entries' urn:uuid full URLs (uuid5 of the site and the resource).
ENTRY_NAMESPACE = uuid.UUID("4f1e0c1a-7a38-5a4e-9a43-2b8f2f3c9d17")


def entry_url(site: Site, resource_type: str, resource_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(ENTRY_NAMESPACE, f'{site.url}/{resource_type}/{resource_id}')}"


def _identifier(resource: dict) -> dict:
    identifier = resource.get("identifier")
    return identifier[0] if isinstance(identifier, list) else identifier


def _rewrite(value, targets: dict):
    if isinstance(value, dict):
        return {
            key: (
                targets.get(item, item)
                if key == "reference" and isinstance(item, str)
                else _rewrite(item, targets)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_rewrite(item, targets) for item in value]
    return value


def transaction_bundle(site: Site, resources: list, *, identifier: str, timestamp: str) -> dict:
    """A transaction Bundle of conditional updates (see the module's docstring)."""
    targets = {
        f"{r['resourceType']}/{r['id']}": entry_url(site, r["resourceType"], r["id"])
        for r in resources
    }
    entries = []
    for resource in resources:
        kind, ident = resource["resourceType"], _identifier(resource)
        body = _rewrite(copy.deepcopy(resource), targets)
        body.pop("id", None)
        body.pop("meta", None)  # the receiving server keeps its own
        entries.append(
            {
                "fullUrl": targets[f"{kind}/{resource['id']}"],
                "resource": body,
                "request": {
                    "method": "PUT",
                    "url": f"{kind}?identifier="
                    + quote(f"{ident['system']}|{ident['value']}", safe=":/"),
                },
            }
        )
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(ENTRY_NAMESPACE, f"{site.url}/Bundle/{identifier}")),
        "identifier": {"system": site.identifier("export"), "value": identifier},
        "type": "transaction",
        "timestamp": timestamp,
        "entry": entries,
    }


def ndjson_lines(resources):
    """One resource per line, as FHIR bulk data writes them."""
    for resource in resources:
        yield json.dumps(resource, ensure_ascii=False, separators=(",", ":")) + "\n"


def search_bundle(site: Site, resources: list, *, self_url: str, next_url: str | None = None):
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "link": links,
        "entry": [
            {
                "fullUrl": f"{site.fhir_base}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ],
    }


def operation_outcome(code: str, message: str, severity: str = "error") -> dict:
    """An OperationOutcome that says what went wrong and nothing about any patient."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": message}],
    }
