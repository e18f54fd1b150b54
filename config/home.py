"""The home link and the landing page after login (LOGIN_REDIRECT_URL = "home") for every user.

An inspector and nothing else (accountability.workplace.selectors.is_inspector_only: `inspect`
somewhere, no manage / draft_report / sign_report / administer anywhere) is sent to their own
workplace, settings.ZEREN_INSPECTOR_HOME (a URL name); everyone else gets the operators' home page.
The routing lives here, in config, so that responsibilities never imports accountability.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accountability.workplace.selectors import is_inspector_only
from responsibilities.org import views as org_views


def home(request: HttpRequest) -> HttpResponse:
    if request.method in ("GET", "HEAD") and is_inspector_only(request.user):
        return redirect(settings.ZEREN_INSPECTOR_HOME)
    return org_views.home(request)
