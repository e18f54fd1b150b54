"""The 500 handler: a database that cannot be reached is an outage, not a bug.

While PostgreSQL restarts (or the network to it fails) every request that touches it raises
OperationalError or InterfaceError. Those answer 503 with a page saying so and `Retry-After`; any
other error keeps the plain 500 page. Neither page touches the database. With CONN_HEALTH_CHECKS the
broken connection is replaced at the next request, so the app recovers by itself.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

RETRY_AFTER_SECONDS = 30


def _database_unreachable(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    if _database_unreachable(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponseServerError(loader.get_template(template_name).render())
