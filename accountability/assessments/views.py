"""The assessment pages: campaigns, self-assessment, review with suggestions, results, publication, 通报."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accountability.assessments import selectors, services, suggestions
from accountability.assessments.forms import CampaignForm, DecisionForm, parse_entries
from accountability.assessments.scoring import Thresholds
from accountability.models import Assessment, AssessmentFile, Campaign, Suggestion
from responsibilities.models import Capability
from responsibilities.permissions import can, get_for, has_any, organization_from
from responsibilities.ratelimit import rate_limited
from responsibilities.work.uploads import stored_file_response

log = logging.getLogger(__name__)

ASSESSMENTS = Assessment.objects.select_related("campaign__organization", "campaign__rubric", "organization")


@require_safe
def campaign_list(request: HttpRequest) -> HttpResponse:
    """Campaigns the user's organizations run, and the assessments of the user's organizations by others."""
    manage_roots = []
    if has_any(request.user, Capability.MANAGE):
        from responsibilities.org.selectors import organization_roots

        manage_roots = [o for o in organization_roots(request.user) if can(request.user, Capability.MANAGE, o)]
    return render(request, "accountability/assessments/campaign_list.html", {
        "campaigns": selectors.campaigns_visible(request.user),
        "own": selectors.own_assessments(request.user),
        "manage_roots": manage_roots,
    })


@require_http_methods(["GET", "HEAD", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    """Open a campaign for ?org= (manage there) over its subordinates."""
    organization = organization_from(request.user, request.GET.get("org"), Capability.MANAGE)
    if organization is None:
        raise Http404(_("未找到该对象，或您无权查看。"))
    rubrics = selectors.rubrics_of(organization)
    year = timezone.localdate().year
    form = CampaignForm(
        request.POST or None, rubrics=rubrics, organizations=selectors.assessable_organizations(organization),
        initial={"year": year, "title": _("%(year)s年度意识形态工作责任制检查考核") % {"year": year},
                 "assessed": list(selectors.assessable_organizations(organization)), "rubric": rubrics.first()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                organization=organization, actor=request.user, year=data["year"], title=data["title"],
                methods=data["methods"], start_date=data["start_date"], end_date=data["end_date"],
                rubric=data["rubric"], assessed=list(data["assessed"]),
                thresholds=Thresholds(data["good_from"], data["fairly_good_from"], data["average_from"]))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已发起考核，各被考核单位可以开始自评。"))
            return redirect("accountability:campaign_detail", pk=campaign.pk)
    return render(request, "accountability/assessments/campaign_create.html",
                  {"organization": organization, "form": form, "has_rubric": rubrics.exists()},
                  status=400 if request.method == "POST" else 200)


def _campaign(request: HttpRequest, pk: int, capability: str = Capability.VIEW) -> Campaign:
    return get_for(request.user, capability, Campaign.objects.select_related("organization", "rubric"), pk=pk)


@require_safe
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress across the assessed organizations, with the next step for each."""
    campaign = _campaign(request, pk)
    return render(request, "accountability/assessments/campaign_detail.html", {
        "campaign": campaign, "organization": campaign.organization,
        "assessments": selectors.campaign_assessments(campaign), "progress": selectors.progress(campaign),
        "may_review": services.may_review(request.user, campaign),
        "publish_problems": services.publish_problems(campaign),
    })


@require_safe
def campaign_results(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    return render(request, "accountability/assessments/campaign_results.html", {
        "campaign": campaign, "organization": campaign.organization, "results": selectors.results(campaign),
        "may_review": services.may_review(request.user, campaign),
    })


@require_http_methods(["GET", "HEAD", "POST"])
def campaign_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what publishing does, to confirm (or why it cannot yet). POST: publish and issue the 通报."""
    campaign = _campaign(request, pk, Capability.MANAGE)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.campaign_publish(campaign=campaign, actor=request.user)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("考核结果已发布，各单位可查看本单位结果；通报已生成。"))
            return redirect("accountability:campaign_results", pk=campaign.pk)
    return render(request, "accountability/assessments/campaign_publish.html", {
        "campaign": campaign, "organization": campaign.organization, "results": selectors.results(campaign),
        "problems": services.publish_problems(campaign), "errors": errors,
    }, status=400 if errors else 200)


@require_safe
@rate_limited("pdf")
def campaign_bulletin(request: HttpRequest, pk: int) -> HttpResponse:
    """The 通报 PDF: the assessor always (a draft preview before publication); the assessed once published."""
    campaign = Campaign.objects.select_related("organization").filter(pk=pk).first()
    if campaign is None or not selectors.may_see_bulletin(request.user, campaign):
        raise Http404(_("未找到该对象，或您无权查看。"))
    if campaign.is_published:
        try:
            data = services.bulletin_path(campaign).read_bytes()
        except FileNotFoundError as exc:
            log.error("bulletin %s of campaign %s is missing", campaign.pdf_name, campaign.pk)
            raise Http404(_("文件已不存在，请联系系统管理员。")) from exc
    else:
        from accountability.assessments.bulletin import bulletin_document
        from reporting.pdf import render_pdf

        data = render_pdf(bulletin_document(campaign))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=\"bulletin-{campaign.pk}.pdf\""
    response["Cache-Control"] = "private, no-store"
    return response


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    return get_for(request.user, Capability.VIEW, ASSESSMENTS, pk=pk)


@require_safe
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One organization's assessment: its self-assessment, and the result where the user may see it."""
    assessment = _assessment(request, pk)
    return render(request, "accountability/assessments/assessment_detail.html", {
        "assessment": assessment, "campaign": assessment.campaign, "rows": selectors.assessment_rows(assessment),
        "show_result": selectors.may_see_result(request.user, assessment),
        "may_self_assess": services.may_self_assess(request.user, assessment),
        "may_review": services.may_review(request.user, assessment.campaign),
        "may_register_finding": can(request.user, Capability.INSPECT, assessment.organization),
    })


def _uploads(request: HttpRequest, rows) -> dict[int, list]:
    return {row.indicator.pk: request.FILES.getlist(f"files_{row.indicator.pk}") for row in rows
            if request.FILES.getlist(f"files_{row.indicator.pk}")}


@require_http_methods(["GET", "HEAD", "POST"])
def assessment_self(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessed organization's self-assessment: a score, a note and evidence files per indicator."""
    assessment = _assessment(request, pk)
    if not services.may_self_assess(request.user, assessment):
        raise PermissionDenied(_("只有被考核单位的工作人员可以填写自评。"))
    rows = selectors.assessment_rows(assessment)
    errors: list[str] = []
    if request.method == "POST":
        entries, errors = parse_entries(request.POST, [r.indicator for r in rows])
        if getattr(request, "upload_refused", False):
            errors.append(_("有文件未能上传，请重新选择。"))
        if not errors:
            submit = request.POST.get("op") == "submit"
            try:
                services.assessment_self_save(assessment=assessment, actor=request.user, entries=entries,
                                              summary=request.POST.get("summary", "")[:5000],
                                              uploads=_uploads(request, rows), submit=submit)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("自评已提交，等待考核单位审核。") if submit else _("已保存，可继续填写后提交。"))
                return redirect("accountability:assessment_detail" if submit else "accountability:assessment_self",
                                pk=assessment.pk)
    return render(request, "accountability/assessments/assessment_self.html", {
        "assessment": assessment, "campaign": assessment.campaign, "errors": errors,
        "rows": selectors.with_values(rows, request.POST if errors else None, own=True),
        "data": request.POST if errors else None,
    }, status=400 if errors else 200)


def _reviewable(request: HttpRequest, pk: int) -> Assessment:
    assessment = _assessment(request, pk)
    if not services.may_review(request.user, assessment.campaign):
        raise PermissionDenied(_("只有考核单位的工作人员可以审核评分，被考核单位不能为自己评分。"))
    return assessment


@require_http_methods(["GET", "HEAD", "POST"])
def assessment_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessor's review: the self-assessment beside the score, comments, suggested deductions."""
    assessment = _reviewable(request, pk)
    rows = selectors.assessment_rows(assessment)
    errors: list[str] = []
    if request.method == "POST":
        entries, errors = parse_entries(request.POST, [r.indicator for r in rows])
        if not errors:
            try:
                services.assessment_score(assessment=assessment, actor=request.user, entries=entries,
                                          comment=request.POST.get("comment", "")[:5000])
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("评分已保存。"))
                return redirect("accountability:campaign_detail", pk=assessment.campaign_id)
    return render(request, "accountability/assessments/assessment_review.html", {
        "assessment": assessment, "campaign": assessment.campaign, "errors": errors,
        "rows": selectors.with_values(rows, request.POST if errors else None, own=False),
        "data": request.POST if errors else None,
        "pending": sum(1 for r in rows for s in r.suggestions if s.status == Suggestion.Status.PROPOSED),
    }, status=400 if errors else 200)


@require_POST
def assessment_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    """Look through the data for deductions to suggest (idempotent)."""
    assessment = _reviewable(request, pk)
    try:
        created = suggestions.suggestions_propose(assessment=assessment, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("从数据中发现 %(n)s 条新的扣分建议。") % {"n": len(created)} if created
                         else _("没有发现新的扣分建议。"))
    return redirect("accountability:assessment_review", pk=assessment.pk)


@require_POST
def suggestion_decide(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_for(request.user, Capability.VIEW, Suggestion.objects.select_related(
        "assessment__campaign__organization", "assessment__organization"), pk=pk)
    if not services.may_review(request.user, suggestion.assessment.campaign):
        raise PermissionDenied(_("只有考核单位的工作人员可以处理扣分建议。"))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择采纳或不采纳，并填写理由。"))
        return redirect("accountability:assessment_review", pk=suggestion.assessment_id)
    try:
        services.suggestion_decide(suggestion=suggestion, actor=request.user,
                                   accept=form.cleaned_data["decision"] == "accept", reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已处理扣分建议。"))
    return redirect("accountability:assessment_review", pk=suggestion.assessment_id)


@require_safe
def assessment_file(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_for(request.user, Capability.VIEW, AssessmentFile.objects.select_related("assessment__organization"),
                       pk=pk)
    return stored_file_response(stored_name=evidence.stored_name, filename=evidence.original_name,
                                content_type=evidence.content_type, what=f"assessment {evidence.assessment_id}")
