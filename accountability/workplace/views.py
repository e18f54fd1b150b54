"""The inspector's workplace (纪检巡察工作台): home, 线索 (flags), meeting search, evidence bundles.

Every page needs `inspect` somewhere (403 otherwise); ?org= is resolved with `inspect` there.
Nothing here writes anything but the user's own evidence bundle jobs.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accountability import flags
from accountability.flags import FlagKind
from accountability.log import selectors as log_selectors
from accountability.workplace import selectors, services
from accountability.workplace.forms import BundleForm, FlagFilterForm, MeetingSearchForm
from responsibilities import jobs
from responsibilities.models import ExportJob
from responsibilities.paging import CheapPage
from responsibilities.permissions import Capability, organization_from
from responsibilities.ratelimit import rate_limited

FLAGS_PER_PAGE = 30


def _require_inspector(request: HttpRequest) -> None:
    if not selectors.is_inspector(request.user):
        raise PermissionDenied(_("此页面供纪检监察和巡察人员使用，您没有检查权限。"))


def _org(request: HttpRequest):
    return organization_from(request.user, request.GET.get("org"), Capability.INSPECT)


@require_safe
def workplace_home(request: HttpRequest) -> HttpResponse:
    _require_inspector(request)
    year = selectors.recent_years()[0]
    return render(request, "accountability/workplace/home.html", {
        "sections": selectors.home_sections(request.user),
        "chain_check": log_selectors.chain_status(),
        "flag_summary": selectors.flag_summary(request.user, organization=None, year=year),
        "year": year,
        "search_form": MeetingSearchForm(),
        "bundle_form": BundleForm(user=request.user, initial={"year": year}),
        "bundles": services.bundle_jobs(request.user, limit=5),
    })


@require_safe
def flag_list(request: HttpRequest) -> HttpResponse:
    _require_inspector(request)
    organization = _org(request)
    form = FlagFilterForm(request.GET or None)
    kind, year = "", None
    if form.is_bound and form.is_valid():
        kind, year = form.cleaned_data["kind"], form.cleaned_data["year"]
    context = {"form": form, "organization": organization, "kind": kind, "year": year,
               "summary": selectors.flag_summary(request.user, organization=organization, year=year)}
    if kind and not form.errors:
        page = CheapPage(flags.flagged(request.user, kind, organization=organization, year=year),
                         request.GET.get("page"), per_page=FLAGS_PER_PAGE)
        context.update(page=page, rows=selectors.flag_rows(kind, page.object_list), kind_label=FlagKind(kind).label)
    return render(request, "accountability/workplace/flag_list.html", context)


@require_safe
def meeting_search(request: HttpRequest) -> HttpResponse:
    _require_inspector(request)
    organization = _org(request)
    form = MeetingSearchForm(request.GET if "q" in request.GET else None)
    context = {"form": form, "organization": organization}
    if form.is_bound and form.is_valid():
        terms = form.terms()
        raw = request.GET.get("page", "")
        number = min(int(raw), selectors.SEARCH_MAX_PAGE) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 1
        qs = selectors.meeting_search(request.user, terms, organization=organization, year=form.cleaned_data["year"])
        page = CheapPage(qs, number, per_page=selectors.SEARCH_PER_PAGE)
        context.update(
            page=page, terms=terms, last_page=page.number >= selectors.SEARCH_MAX_PAGE,
            results=[(m, selectors.excerpt(m, terms)) for m in page.object_list],
        )
    return render(request, "accountability/workplace/search.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("export", methods=("POST",))
def bundle_create(request: HttpRequest) -> HttpResponse:
    _require_inspector(request)
    if request.method == "POST":
        form = BundleForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                job = services.bundle_job_create(user=request.user, organization=form.cleaned_data["organization"],
                                                 year=form.cleaned_data["year"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("证据包已开始生成，完成后可在本页下载。"))
                return redirect("accountability:bundle_job", pk=job.pk)
        status = 400
    else:
        organization = _org(request)
        initial = {"year": selectors.recent_years()[0]}
        if organization is not None:
            initial["organization"] = organization.pk
        form, status = BundleForm(user=request.user, organization=organization, initial=initial), 200
    return render(request, "accountability/workplace/bundle_form.html", {
        "form": form, "bundles": services.bundle_jobs(request.user), "keep_days": jobs.JOB_KEEP_DAYS,
        "max_mb": services.max_bytes() // (1024 * 1024),
    }, status=status)


def _own_bundle(request: HttpRequest, pk: int) -> ExportJob:
    _require_inspector(request)
    job = services.bundle_job_of(request.user, pk)
    if job is None:
        raise Http404(_("未找到该证据包。"))
    return job


@require_safe
def bundle_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_bundle(request, pk)
    organization = services.bundle_organization(job)
    return render(request, "accountability/workplace/bundle_job.html", {
        "job": job, "organization": organization, "year": job.params.get("year"),
        "timed_out": jobs.job_timed_out(job),
    })


@require_safe
def bundle_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_bundle(request, pk)
    return render(request, "accountability/workplace/_bundle_progress.html", {
        "job": job, "timed_out": jobs.job_timed_out(job),
    })


@require_safe
def bundle_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_bundle(request, pk)
    path = services.bundle_path(job)
    organization = services.bundle_organization(job)  # the owner may have lost the scope since
    if path is None or organization is None:
        raise Http404(_("该证据包不存在或已失效。"))
    response = FileResponse(path.open("rb"), as_attachment=True, filename=services.bundle_filename(job, organization),
                            content_type="application/zip")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
