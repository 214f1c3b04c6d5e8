"""A search index that cannot be read (missing, truncated, garbled files) gets a clear 503, never a 500: an HTML
page, or JSON for the API. Any view that searches is covered, listings and feeds included. The failure is noted
for /healthz, which fails until the index is repaired (`check_index --repair`)."""

import logging

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from archive.search import indexing

log = logging.getLogger(__name__)

RETRY_AFTER = "60"


class IndexUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not indexing.unreadable(exception):
            return None
        log.error("search index unreadable: %s %s", request.method, request.path, exc_info=exception)
        message = _("The search index cannot be read. The error has been logged; please try again later.")
        if request.path.startswith("/api/"):
            response = JsonResponse({"error": "search_unavailable", "message": message}, status=503)
        else:
            response = render(request, "503.html", {"message": message}, status=503)
        response["Retry-After"] = RETRY_AFTER
        response["Cache-Control"] = "no-store"
        return response
