"""Every refusal a view raises (PermissionDenied → 403, Http404 → 404) goes to the security log.

The views refuse through responsibilities/permissions.py (require, get_for, organization_from) or
raise the same exceptions themselves; either way the exception leaves the view, and this
middleware's process_exception sees it once, before Django turns it into the 403/404 page. It
returns None, so the refusal is answered exactly as before. A URL that matches no route is not a
refusal (it never reaches a view) and is not logged.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from responsibilities.models import SecurityEvent
from responsibilities.security import security_event_record


class SecurityLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            security_event_record(request, SecurityEvent.Kind.FORBIDDEN, status=403)
        elif isinstance(exception, Http404):
            security_event_record(request, SecurityEvent.Kind.NOT_FOUND, status=404)
        return None
