"""The responsibility list (责任清单) of an organization: list, edit, retire, cascade, print.

Each view: access check (through `permissions`) → form → one service call → redirect or render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from responsibilities.duties import importing as duty_importing
from responsibilities.duties import selectors as duties_selectors
from responsibilities.duties import services
from responsibilities.duties.forms import DutyCascadeForm, DutyItemForm
from responsibilities.importing import background, workbook
from responsibilities.models import DutyItem, Organization
from responsibilities.org import selectors as org_selectors
from responsibilities.permissions import Capability, can, get_for


def _people(request: HttpRequest, org: Organization):
    return org_selectors.people_visible(request.user).filter(organization=org)


def _list_context(org: Organization) -> dict:
    return {
        "org": org,
        "items": duties_selectors.duty_list(org),
        "today": timezone.localdate(),
    }


@require_safe
def duty_home(request: HttpRequest) -> HttpResponse:
    """The menu's 责任清单: the user's own organization's list, or a choice when they see several."""
    roots = list(org_selectors.organization_roots(request.user))
    if len(roots) == 1:
        return redirect("responsibilities:duty_list", pk=roots[0].pk)
    return render(request, "responsibilities/duties/duty_home.html", {"roots": roots})


@require_safe
def duty_import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(duty_importing.duty_template_build(), content_type=workbook.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename="责任清单导入模板.xlsx")
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def duty_import(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_for(request.user, Capability.MANAGE, Organization.objects.all(), pk=pk)
    context: dict = {"org": org, "max_mb": workbook.IMPORT_MAX_BYTES // 1024 // 1024, "file_errors": [],
                     "problems": []}
    status = 200
    if request.method == "POST":
        try:
            book = workbook.upload_open(request.FILES.get("file"))
        except ValidationError as exc:
            context["file_errors"] = exc.messages
        else:
            if background.runs_in_background(book, background.DUTY_IMPORT):
                job = background.import_job_create(user=request.user, kind=background.DUTY_IMPORT, workbook=book,
                                                   filename=request.FILES["file"].name, organization=org)
                return redirect("responsibilities:import_job", pk=job.pk)
            outcome = duty_importing.duty_items_import(organization=org, workbook=book, actor=request.user)
            if outcome.ok:
                messages.success(request, _("导入成功：新增责任清单条目 %(n)d 条。") % {"n": outcome.items})
                return redirect("responsibilities:duty_list", pk=org.pk)
            context["problems"] = outcome.problems
        status = 400
    return render(request, "responsibilities/duties/duty_import.html", context, status=status)


@require_safe
def duty_list(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_for(request.user, Capability.VIEW, Organization.objects.all(), pk=pk)
    context = _list_context(org)
    context["can_manage"] = can(request.user, Capability.MANAGE, org)
    context["has_children"] = org.numchild > 0
    return render(request, "responsibilities/duties/duty_list.html", context)


@require_safe
def duty_print(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_for(request.user, Capability.VIEW, Organization.objects.all(), pk=pk)
    return render(request, "responsibilities/duties/duty_print.html", _list_context(org))


@require_http_methods(["GET", "HEAD", "POST"])
def duty_add(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_for(request.user, Capability.MANAGE, Organization.objects.all(), pk=pk)
    form = DutyItemForm(request.POST or None, people=_people(request, org))
    if request.method == "POST" and form.is_valid():
        try:
            services.duty_item_create(organization=org, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已添加责任清单条目。"))
            return redirect("responsibilities:duty_list", pk=org.pk)
    status = 400 if form.is_bound else 200
    return render(request, "responsibilities/duties/duty_form.html", {"org": org, "form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def duty_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_for(request.user, Capability.MANAGE, DutyItem.objects.select_related("organization", "source__organization"), pk=pk)
    org = item.organization
    form = DutyItemForm(request.POST or None, people=_people(request, org), initial=DutyItemForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.duty_item_update(item=item, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已保存责任清单条目。"))
            return redirect("responsibilities:duty_list", pk=org.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "responsibilities/duties/duty_form.html", {"org": org, "form": form, "item": item}, status=status
    )


@require_http_methods(["GET", "HEAD", "POST"])
def duty_retire(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_for(request.user, Capability.MANAGE, DutyItem.objects.select_related("organization", "source__organization"), pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.duty_item_retire(item=item, actor=request.user)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("已停用责任清单条目。"))
            return redirect("responsibilities:duty_list", pk=item.organization_id)
    context = {
        "item": item,
        "org": item.organization,
        "active_copies": item.copies.filter(retired_at__isnull=True).count(),
        "errors": errors,
    }
    return render(request, "responsibilities/duties/duty_retire.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def duty_cascade(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: choose items and targets. POST `preview`: what would change. POST `confirm`: push."""
    org = get_for(request.user, Capability.MANAGE, Organization.objects.all(), pk=pk)
    items = duties_selectors.duty_items_for_cascade(org)
    targets = duties_selectors.cascade_targets(request.user, org)
    if request.method in ("GET", "HEAD"):
        form = DutyCascadeForm(items=items, targets=targets, organization=org,
                               initial={"items": [i.pk for i in items if i.retired_at is None]})
        return render(request, "responsibilities/duties/duty_cascade.html", {"org": org, "form": form})

    form = DutyCascadeForm(request.POST, items=items, targets=targets, organization=org)
    context = {"org": org, "form": form}
    if form.is_valid():
        chosen, to = form.cleaned_data["items"], form.cleaned_data["targets"]
        if "confirm" in request.POST:
            try:
                plan = services.duty_items_cascade(source_org=org, items=chosen, targets=to, actor=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已下发到 %(orgs)d 个下级组织：新增 %(new)d 条，更新 %(updated)d 条，停用 %(retired)d 条。") % {
                    "orgs": len(plan),
                    "new": sum(len(t.new) for t in plan),
                    "updated": sum(len(t.updated) for t in plan),
                    "retired": sum(len(t.retired) for t in plan),
                })
                return redirect("responsibilities:duty_list", pk=org.pk)
        else:
            plan = duties_selectors.duty_cascade_preview(source_org=org, items=chosen, targets=to)
            context["plan"] = plan
            context["totals"] = {
                "new": sum(len(t.new) for t in plan),
                "updated": sum(len(t.updated) for t in plan),
                "retired": sum(len(t.retired) for t in plan),
                "unchanged": sum(len(t.unchanged) for t in plan),
            }
            return render(request, "responsibilities/duties/duty_cascade_preview.html", context)
    return render(request, "responsibilities/duties/duty_cascade.html", context, status=400)
