"""The rubric editor (指标体系): list per organization, create from the default, edit indicators, Excel."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accountability.models import Indicator, Rubric
from accountability.rubrics import services
from accountability.rubrics.excel import RubricImportError, rubric_import, rubric_workbook
from accountability.rubrics.forms import ImportForm, IndicatorForm, RubricCreateForm
from accountability.rubrics.services import rubric_in_use, rubric_problems
from responsibilities.models import Capability
from responsibilities.permissions import can, get_for, organization_from, visible
from responsibilities.ratelimit import rate_limited


def _scope_org(request: HttpRequest, capability: str = Capability.VIEW):
    organization = organization_from(request.user, request.GET.get("org") or request.POST.get("org"), capability)
    if organization is None:
        roots = visible(request.user, capability, _roots(request.user))
        organization = roots.first()
    if organization is None:
        from django.http import Http404

        raise Http404(_("未找到该对象，或您无权查看。"))
    return organization


def _roots(user):
    from responsibilities.org.selectors import organization_roots

    return organization_roots(user)


@require_safe
def rubric_list(request: HttpRequest) -> HttpResponse:
    """An organization's rubrics by year (?org=, default the first organization in scope)."""
    organization = _scope_org(request)
    rubrics = Rubric.objects.filter(organization=organization).order_by("-year")
    return render(request, "accountability/rubrics/rubric_list.html", {
        "organization": organization, "rubrics": rubrics,
        "may_manage": can(request.user, Capability.MANAGE, organization),
        "form": RubricCreateForm(initial={"year": timezone.localdate().year}),
    })


@require_POST
def rubric_create(request: HttpRequest) -> HttpResponse:
    """Copy the default rubric into the organization for a year."""
    organization = _scope_org(request, Capability.MANAGE)
    form = RubricCreateForm(request.POST)
    if form.is_valid():
        try:
            rubric = services.rubric_create(organization=organization, year=form.cleaned_data["year"],
                                            actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已按默认指标体系建立，可在下方逐项修改。"))
            return redirect("accountability:rubric_detail", pk=rubric.pk)
    rubrics = Rubric.objects.filter(organization=organization).order_by("-year")
    return render(request, "accountability/rubrics/rubric_list.html", {
        "organization": organization, "rubrics": rubrics, "may_manage": True, "form": form}, status=400)


def _detail_context(request: HttpRequest, rubric: Rubric, form=None) -> dict:
    indicators = list(rubric.indicators.order_by("sort_order", "pk"))
    groups = [(g, [i for i in indicators if i.parent_id == g.pk]) for g in indicators if g.parent_id is None]
    may_edit = can(request.user, Capability.MANAGE, rubric) and not rubric_in_use(rubric)
    return {
        "rubric": rubric, "organization": rubric.organization, "groups": groups,
        "group_points": {g.pk: sum(i.points for i in leaves) for g, leaves in groups},
        "total": sum(i.points for i in indicators if i.parent_id is not None),
        "problems": rubric_problems(rubric), "may_edit": may_edit, "in_use": rubric_in_use(rubric),
        "form": form or (IndicatorForm(rubric=rubric) if may_edit else None),
    }


@require_safe
def rubric_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = get_for(request.user, Capability.VIEW, Rubric.objects.select_related("organization"), pk=pk)
    return render(request, "accountability/rubrics/rubric_detail.html", _detail_context(request, rubric))


def _save_indicator(request: HttpRequest, rubric: Rubric, form: IndicatorForm, indicator: Indicator | None):
    data = form.cleaned_data
    services.indicator_save(
        rubric=rubric, actor=request.user, indicator=indicator, parent=data["parent"], name=data["name"],
        method=data["method"] or "", points=data["points"] if data["points"] is not None else 0,
        per_occurrence=data["per_occurrence"], cap=data["cap"], criteria=data["criteria"])


@require_POST
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = get_for(request.user, Capability.MANAGE, Rubric.objects.select_related("organization"), pk=pk)
    form = IndicatorForm(request.POST, rubric=rubric)
    if form.is_valid():
        try:
            _save_indicator(request, rubric, form, None)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已添加指标。"))
            return redirect("accountability:rubric_detail", pk=rubric.pk)
    return render(request, "accountability/rubrics/rubric_detail.html", _detail_context(request, rubric, form),
                  status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_for(request.user, Capability.MANAGE, Indicator.objects.select_related("rubric__organization"),
                        pk=pk)
    rubric = indicator.rubric
    initial = {"parent": indicator.parent, "name": indicator.name, "method": indicator.method,
               "points": indicator.points, "per_occurrence": indicator.per_occurrence, "cap": indicator.cap,
               "criteria": indicator.criteria}
    form = IndicatorForm(request.POST or None, rubric=rubric, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _save_indicator(request, rubric, form, indicator)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已保存指标。"))
            return redirect("accountability:rubric_detail", pk=rubric.pk)
    return render(request, "accountability/rubrics/indicator_edit.html",
                  {"indicator": indicator, "rubric": rubric, "form": form},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def indicator_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what is removed, to confirm. POST: remove it."""
    indicator = get_for(request.user, Capability.MANAGE, Indicator.objects.select_related("rubric__organization"),
                        pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.indicator_remove(indicator=indicator, actor=request.user)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("已删除指标“%(name)s”。") % {"name": indicator.name})
            return redirect("accountability:rubric_detail", pk=indicator.rubric_id)
    return render(request, "accountability/rubrics/indicator_remove.html", {
        "indicator": indicator, "rubric": indicator.rubric, "children": indicator.children.all(),
        "errors": errors}, status=400 if errors else 200)


@require_safe
@rate_limited("export")
def rubric_export(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = get_for(request.user, Capability.VIEW, Rubric.objects.select_related("organization"), pk=pk)
    response = HttpResponse(
        rubric_workbook(rubric), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(rubric.name)}.xlsx"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def rubric_import_view(request: HttpRequest) -> HttpResponse:
    """Upload a sheet as the organization's rubric for a year; every row's problem is listed, nothing is lost."""
    organization = _scope_org(request, Capability.MANAGE)
    form = ImportForm(request.POST or None, request.FILES or None,
                      initial={"year": timezone.localdate().year})
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > 5 * 1024 * 1024:
                raise RubricImportError([_("文件过大（不超过 5 MB）。")])
            rubric = rubric_import(organization=organization, year=form.cleaned_data["year"], data=upload.read(),
                                   actor=request.user)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("已导入指标体系。"))
            return redirect("accountability:rubric_detail", pk=rubric.pk)
    return render(request, "accountability/rubrics/rubric_import.html",
                  {"organization": organization, "form": form, "errors": errors},
                  status=400 if request.method == "POST" else 200)
