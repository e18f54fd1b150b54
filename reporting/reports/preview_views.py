"""A long draft's PDF preview rendered in the background: its page, the progress it polls, the PDF."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reporting import previews
from reporting.models import ReportVersion
from reporting.reports.views import _pdf_filename
from responsibilities.jobs import ExportJob, job_timed_out
from responsibilities.permissions import Capability, get_for


def _own_job(request: HttpRequest, pk: int) -> tuple[ExportJob, ReportVersion]:
    """The user's own preview job and the version it previews, checked again now (404 otherwise)."""
    job = previews.preview_job_of(request.user, pk)
    if job is None:
        raise Http404(_("未找到该预览任务。"))
    version = get_for(request.user, Capability.VIEW, ReportVersion.objects.select_related("report__organization"),
                      report_id=job.params.get("report"), number=job.params.get("number"))
    return job, version


def _context(job: ExportJob, version: ReportVersion) -> dict:
    return {"job": job, "version": version, "report": version.report, "timed_out": job_timed_out(job)}


@require_safe
def preview_job(request: HttpRequest, pk: int) -> HttpResponse:
    job, version = _own_job(request, pk)
    return render(request, "reporting/reports/preview_job.html", _context(job, version))


@require_safe
def preview_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job, version = _own_job(request, pk)
    return render(request, "reporting/reports/preview_job_progress.html", _context(job, version))


@require_safe
def preview_job_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    job, version = _own_job(request, pk)
    path = previews.preview_path(job)
    if path is None:
        raise Http404(_("该预览不存在或已失效，请重新预览。"))
    filename = _pdf_filename(version)
    response = FileResponse(path.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(request.GET.get("download") == "1", filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response

