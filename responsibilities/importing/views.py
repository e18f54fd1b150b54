"""Excel import of organizations and leadership teams: the template and the upload page.

Each view: access check (through `permissions`) → form → one service call → redirect or render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from responsibilities.importing import background, services, workbook
from responsibilities.jobs import job_timed_out
from responsibilities.models import ExportJob
from responsibilities.permissions import Capability, get_own, has_any


def _require_administer_somewhere(user) -> None:
    # Each row is checked against its own organization; the page needs the capability somewhere.
    if not has_any(user, Capability.ADMINISTER):
        raise PermissionDenied(_("您没有系统管理权限。"))


@require_safe
def import_template(request: HttpRequest) -> HttpResponse:
    _require_administer_somewhere(request.user)
    response = HttpResponse(workbook.template_build(), content_type=workbook.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="组织与班子成员导入模板.xlsx"
    )
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_administer_somewhere(request.user)
    context: dict = {"max_mb": workbook.IMPORT_MAX_BYTES // 1024 // 1024, "file_errors": [], "problems": []}
    if request.method == "POST":
        try:
            book = workbook.upload_open(request.FILES.get("file"))
        except ValidationError as exc:
            context["file_errors"] = exc.messages
        else:
            if background.runs_in_background(book, background.ORG_IMPORT):
                job = background.import_job_create(
                    user=request.user, kind=background.ORG_IMPORT, workbook=book, filename=request.FILES["file"].name
                )
                return redirect("responsibilities:import_job", pk=job.pk)
            outcome = services.workbook_import(workbook=book, actor=request.user)
            if outcome.ok:
                messages.success(
                    request,
                    _("导入成功：新建组织 %(orgs)d 个、人员 %(people)d 名、任职 %(roles)d 条。")
                    % {"orgs": outcome.organizations, "people": outcome.people, "roles": outcome.assignments},
                )
                return redirect("responsibilities:import")
            context["problems"] = outcome.problems
    return render(request, "responsibilities/importing/import.html", context)


def _job_context(request: HttpRequest, pk: int) -> dict:
    job = get_own(request.user, ExportJob.objects.filter(kind__in=background.KINDS), pk=pk)
    organization = background.job_organization(job) if job.kind == background.DUTY_IMPORT else None
    return {
        "job": job, "timed_out": job_timed_out(job), "problems": background.job_problems(job),
        "problem_count": background.job_problem_count(job),
        "result": job.params.get("result", {}), "org": organization,
    }


@require_safe
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A background import's page (its owner only): progress, then the result or every problem."""
    return render(request, "responsibilities/importing/import_job.html", _job_context(request, pk))


@require_safe
def import_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "responsibilities/importing/_import_job_progress.html", _job_context(request, pk))
