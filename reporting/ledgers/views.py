"""台账导出: the export form, direct downloads, background jobs with a progress bar."""

from __future__ import annotations

import tempfile

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from reporting.ledgers import services as ledgers
from reporting.ledgers.forms import LedgerForm
from responsibilities import jobs
from responsibilities.forms import object_id
from responsibilities.models import ExportJob
from responsibilities.permissions import Capability, has_any, organization_from
from responsibilities.ratelimit import rate_limited


def _require_scope(request: HttpRequest) -> None:
    if not has_any(request.user, Capability.VIEW):
        raise PermissionDenied(_("您没有可查看的组织，无法导出台账。"))


def _xlsx_response(file, filename: str) -> FileResponse:
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=ledgers.XLSX_CONTENT_TYPE)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _form_context(request: HttpRequest, form: LedgerForm) -> dict:
    return {
        "form": form,
        "jobs": ledgers.recent_jobs(request.user),
        "stream_max": ledgers.STREAM_MAX_ROWS,
        "keep_days": jobs.JOB_KEEP_DAYS,
    }


@require_safe
def ledger_form(request: HttpRequest) -> HttpResponse:
    _require_scope(request)
    organization = organization_from(request.user, request.GET.get("org"), Capability.VIEW)
    initial = {key: request.GET[key] for key in ("kind", "period", "status") if key in request.GET}
    if organization is not None:
        initial["organization"] = organization.pk
    form = LedgerForm(user=request.user, organization=organization, initial=initial)
    return render(request, "reporting/ledgers/ledger_form.html", _form_context(request, form))


@require_POST
@rate_limited("export")
def ledger_export(request: HttpRequest) -> HttpResponse:
    _require_scope(request)
    raw = request.POST.get("organization")
    # A malformed posted id is the form's to refuse in Chinese; anything well-formed is checked like ?org=.
    organization = organization_from(request.user, raw, Capability.VIEW) if object_id(raw) is not None else None
    form = LedgerForm(request.POST, user=request.user, organization=organization)
    if not form.is_valid():
        return render(request, "reporting/ledgers/ledger_form.html", _form_context(request, form), status=400)
    ledger = ledgers.ledger_open(user=request.user, params=form.params(), organization=organization)
    rows = ledger.count()
    if not rows:
        # Said on the page, the choices kept; no empty file.
        form.add_error(None, ledgers.NO_ROWS)
        return render(request, "reporting/ledgers/ledger_form.html", _form_context(request, form))
    if rows > ledgers.STREAM_MAX_ROWS:
        job = ledgers.export_job_create(user=request.user, params=form.params())
        return redirect("reporting:ledger_job", pk=job.pk)
    # Written to a temporary file (rows go to disk as they are written), then streamed from it.
    file = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    ledger.write(file)
    file.seek(0)
    return _xlsx_response(file, ledger.filename)


def _own_job(request: HttpRequest, pk: int) -> ExportJob:
    job = ledgers.job_of(request.user, pk)
    if job is None:
        raise Http404(_("未找到该导出任务。"))
    return job


@require_safe
def ledger_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    return render(request, "reporting/ledgers/ledger_job.html", {
        "job": job, "ledger": ledgers.job_ledger(job), "timed_out": jobs.job_timed_out(job),
    })


@require_safe
def ledger_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    return render(request, "reporting/ledgers/ledger_job_progress.html", {
        "job": job, "timed_out": jobs.job_timed_out(job),
    })


@require_safe
def ledger_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    if jobs.job_expired(job):  # past JOB_KEEP_DAYS: not served, whether or not the file is still there
        raise Http404(_("该导出文件不存在或已失效。"))
    path = jobs.export_path(job)
    ledger = ledgers.job_ledger(job)  # the owner may have lost sight of the organization since
    if path is None or ledger is None:
        raise Http404(_("该导出文件不存在或已失效。"))
    return _xlsx_response(path.open("rb"), ledger.filename)
