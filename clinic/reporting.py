"""Keeping patient information out of logs and error reports.

Patients' answers arrive as POST bodies and sit in local variables while a request is handled;
their private links carry a token in the path. Error e-mails and tracebacks show neither.
"""

import logging
import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

# /intake/r/<token>/…, /appointments/request/<token>/…: any long URL-safe segment after them.
PRIVATE_LINK = re.compile(r"(/(?:r|request|link)/)[A-Za-z0-9_-]{20,}")
REDACTED = "[redacted]"


def redact_links(text: str) -> str:
    return PRIVATE_LINK.sub(r"\1" + REDACTED, text)


class PatientDataReporterFilter(SafeExceptionReporterFilter):
    """Hide every POST field and every local variable, not just the ones named like secrets."""

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        for key in ("PATH_INFO", "REQUEST_URI", "RAW_URI", "QUERY_STRING", "HTTP_REFERER"):
            if key in meta:
                meta[key] = redact_links(str(meta[key]))
        return meta

    def get_safe_cookies(self, request):
        return dict.fromkeys(request.COOKIES, self.cleansed_substitute)


class PatientDataReporter(ExceptionReporter):
    def _get_raw_insecure_uri(self):
        return redact_links(super()._get_raw_insecure_uri())

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None:
            data["request"] = _RedactedRequest(self.request)
            data["request_GET_items"] = [(key, REDACTED) for key in self.request.GET]
        return data


class _RedactedRequest:
    """What the error templates see of the request: everything but the private link."""

    def __init__(self, request):
        self._request = request
        self.path = self.path_info = redact_links(request.path_info)

    def __getattr__(self, name):
        return getattr(self._request, name)


class RedactPrivateLinks(logging.Filter):
    """Rewrite log records so a private link's token never reaches a log file or an e-mail."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact_links(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact_links(a) if isinstance(a, str) else a for a in record.args)
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            record.request_path = redact_links(request.path)
        return True
