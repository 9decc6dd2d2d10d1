from django.conf import settings
from django.shortcuts import render


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
            return render(request, "413.html", status=413)
        return self.get_response(request)
