"""Finding pages: the list (filters, overdue), registration, detail with rectification and verification,
evidence downloads. Case work (register, verify) takes `inspect`; rectification `manage` on the
finding's organization; everyone in scope reads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accountability.cases.selectors import history_rows
from accountability.evidence import file_response
from accountability.findings import selectors, services
from accountability.findings.forms import FindingFilterForm, FindingForm, RectifyForm, VerifyForm
from accountability.models import Finding
from responsibilities.org.selectors import organization_choices
from responsibilities.paging import PER_PAGE
from responsibilities.permissions import Capability, can, get_for, organization_from, require
from responsibilities.work.uploads import refuse_cut_batch

TEMPLATES = "accountability/findings/"


@require_safe
def finding_list(request: HttpRequest) -> HttpResponse:
    organization = organization_from(request.user, request.GET.get("org"))
    form = FindingFilterForm(request.GET)
    status = 200
    if form.is_valid():
        findings = selectors.findings_filtered(request.user, organization=organization,
                                               status=form.cleaned_data["status"], overdue=form.cleaned_data["overdue"])
    else:
        findings, status = selectors.findings_visible(request.user).none(), 400
    page = Paginator(findings, PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "organization": organization, "now": timezone.now(),
               "may_create": organization is not None and can(request.user, Capability.INSPECT, organization)}
    return render(request, TEMPLATES + "finding_list.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def finding_create(request: HttpRequest) -> HttpResponse:
    """Register a finding against ?org= (an inspector there)."""
    organization = organization_from(request.user, request.GET.get("org"), Capability.INSPECT)
    if organization is None:
        return render(request, TEMPLATES + "finding_pick.html",
                      {"choices": organization_choices(request.user, Capability.INSPECT)})
    # From an assessment's page: ?source=assessment&reference=<the campaign> fill in where it came from.
    initial = {"facts_date": timezone.localdate(), "source": request.GET.get("source", ""),
               "source_reference": request.GET.get("reference", "")[:300]}
    form = FindingForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.finding_create(organization=organization, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("问题已登记，已通知整改单位按期整改。"))
            return redirect("accountability:finding_detail", pk=finding.pk)
    return render(request, TEMPLATES + "finding_create.html", {"form": form, "organization": organization},
                  status=400 if form.is_bound else 200)


def _findings():
    return Finding.objects.select_related("organization", "responsible_person", "created_by", "closed_by")


def _detail_context(request: HttpRequest, finding: Finding, **forms) -> dict:
    may_rectify = can(request.user, Capability.MANAGE, finding) and finding.status in (
        Finding.Status.PENDING, Finding.Status.RECTIFYING, Finding.Status.OVERDUE)
    may_verify = finding.status == Finding.Status.SUBMITTED and services.may_verify(request.user, finding)
    return {
        "finding": finding, "files": finding.files.all(), "history": history_rows(finding), "now": timezone.now(),
        "may_start": may_rectify and finding.status == Finding.Status.PENDING,
        "rectify_form": forms.get("rectify_form") or (RectifyForm() if may_rectify else None),
        "verify_form": forms.get("verify_form") or (VerifyForm() if may_verify else None),
        "may_escalate": can(request.user, Capability.INSPECT, finding),
        "cases": finding.cases.all(),
        "errors": forms.get("errors", []),
    }


@require_safe
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_for(request.user, Capability.VIEW, _findings(), pk=pk)
    return render(request, TEMPLATES + "finding_detail.html", _detail_context(request, finding))


@require_POST
def finding_start(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_for(request.user, Capability.MANAGE, _findings(), pk=pk)
    try:
        services.finding_start(finding=finding, actor=request.user)
    except ValidationError as exc:
        return render(request, TEMPLATES + "finding_detail.html",
                      _detail_context(request, finding, errors=exc.messages), status=400)
    messages.success(request, _("已开始整改。整改完成后请提交整改情况和佐证材料。"))
    return redirect("accountability:finding_detail", pk=finding.pk)


@require_POST
def finding_rectify(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_for(request.user, Capability.MANAGE, _findings(), pk=pk)
    form = RectifyForm(request.POST, request.FILES)
    refuse_cut_batch(request, form)
    if form.is_valid():
        try:
            services.finding_rectify(finding=finding, actor=request.user,
                                     rectification=form.cleaned_data["rectification"], uploads=form.cleaned_data["files"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("整改情况已提交，等待纪检巡察人员核验。"))
            return redirect("accountability:finding_detail", pk=finding.pk)
    return render(request, TEMPLATES + "finding_detail.html", _detail_context(request, finding, rectify_form=form),
                  status=400)


@require_POST
def finding_verify(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_for(request.user, Capability.VIEW, _findings(), pk=pk)
    if not services.may_verify(request.user, finding):
        raise PermissionDenied(_("只有纪检巡察人员或问题登记人可以核验整改。"))
    form = VerifyForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.finding_verify(finding=finding, actor=request.user, accept=accept,
                                    reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已销号。") if accept else _("已退回整改单位重新整改。"))
            return redirect("accountability:finding_detail", pk=finding.pk)
    return render(request, TEMPLATES + "finding_detail.html", _detail_context(request, finding, verify_form=form),
                  status=400)


@require_safe
def finding_file(request: HttpRequest, pk: int, file_pk: int):
    finding = get_for(request.user, Capability.VIEW, _findings(), pk=pk)
    require(request.user, Capability.VIEW, finding)
    file = finding.files.filter(pk=file_pk).first()
    if file is None:
        raise Http404(_("未找到该对象，或您无权查看。"))
    return file_response(file)
