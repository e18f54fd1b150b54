"""Verification of signed PDFs (文件验证): is this file byte-identical to a document signed in Zeren?"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from reporting.verify import selectors
from reporting.verify.forms import VerifyForm
from responsibilities.permissions import Capability, can


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """验证: is this PDF byte-identical to a document signed in Zeren?"""
    if request.method != "POST":
        return render(request, "reporting/verify/verify.html", {"form": VerifyForm()})
    form = VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "reporting/verify/verify.html", {"form": form}, status=400)
    upload = form.cleaned_data["file"]
    version = selectors.signed_version_of_file(upload.chunks())
    context = {"form": VerifyForm(), "checked": True, "file_name": upload.name, "version": version}
    if version is not None:
        detailed = can(request.user, Capability.VIEW, version.report.organization)
        context.update(detailed=detailed, lines=selectors.verification_lines(version, detailed=detailed))
    return render(request, "reporting/verify/verify.html", context)
