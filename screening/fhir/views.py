"""Download for the EHR: one submission as a FHIR transaction Bundle, for clinicians."""

import json

from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clinic import audit
from clinic.roles import CLINICIAN, role_required
from screening.models import Submission

from . import export


@never_cache
@require_GET
@role_required(CLINICIAN, administrators_pass=False)
def download(request, reference):
    submission = (
        Submission.objects.only("id", "reference")
        .filter(reference=(reference or "").strip().upper())
        .first()
    )
    bundle = export.submission_bundle(submission.reference) if submission else None
    if bundle is None:
        raise Http404
    audit.record(request, audit.Action.EXPORT_SUBMISSION, target=submission, detail={"as": "fhir"})
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False, indent=2) + "\n",
        content_type="application/fhir+json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{submission.reference}.fhir.json"'
    return response
