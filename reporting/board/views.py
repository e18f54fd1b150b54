"""The submission board (报送情况), level by level, its reminders and the region summary (汇总报告)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from reporting.board import selectors, services
from reporting.board.forms import BoardFilterForm, with_board_defaults
from reporting.models import ReportKind
from responsibilities.models import Organization
from responsibilities.org import selectors as org_selectors
from responsibilities.paging import level_from
from responsibilities.permissions import Capability, can, organization_from

# The colour of each board status, borrowed from the obligation statuses' styles.
STATUS_STYLE = {
    selectors.BOARD_MISSING: "overdue",
    selectors.BOARD_DRAFT: "open",
    selectors.BOARD_SIGNED: "open",
    selectors.BOARD_ON_TIME: "done",
    selectors.BOARD_LATE: "done_late",
    selectors.BOARD_RECEIVED: "done",
    selectors.BOARD_RETURNED: "overdue",
}


def _organization(request: HttpRequest, capability: str, *, required: bool = True) -> Organization | None:
    """`?org=` (`permissions.organization_from`): 404 when malformed, unknown or outside the user's
    view, 403 when visible without `capability`; when blank, None or (`required`) a ValidationError."""
    organization = organization_from(request.user, request.GET.get("org"), capability)
    if organization is None and required:
        raise ValidationError(_("缺少组织参数。"))
    return organization


def _rows(board: selectors.Board) -> list[tuple[selectors.BoardEntry, str]]:
    return [(entry, STATUS_STYLE[entry.status]) for entry in board.entries]


def _board_url(organization: Organization, form: BoardFilterForm) -> str:
    return f"{reverse('reporting:board')}?org={organization.pk}&{form.query}"


@require_safe
def board(request: HttpRequest) -> HttpResponse:
    upper = _organization(request, Capability.VIEW, required=False)
    if upper is None:
        upper = org_selectors.organization_roots(request.user).first()
    form = BoardFilterForm(with_board_defaults(request.GET, upper))
    context = {"form": form, "upper": upper, "status_style": STATUS_STYLE}
    if not form.is_valid():
        return render(request, "reporting/board/board.html", context, status=400)
    if upper is not None:
        period, kind = form.cleaned_data["period"], form.cleaned_data["kind"]
        result = selectors.board(upper, period, kind)
        context.update(
            board=result, rows=_rows(result), level=0, filter_query=form.query, kind_label=ReportKind(kind).label,
            counts=[(status, label, n, STATUS_STYLE[status]) for status, label, n in result.counts],
            ancestors=[
                org for org in org_selectors.organization_lineage(upper.pk)[:-1]
                if can(request.user, Capability.VIEW, org)
            ],
            may_remind=can(request.user, Capability.MANAGE, upper),
            # A 汇总报告 sums up the half-yearly reports (reporting.models.PERIOD_KINDS): offered on their board.
            may_summarise=form.cleaned_data["kind"] == ReportKind.HALF_YEAR
            and can(request.user, Capability.DRAFT_REPORT, upper),
            summary=selectors.summary_report_of(upper, period),
        )
    return render(request, "reporting/board/board.html", context)


@require_safe
def board_rows(request: HttpRequest) -> HttpResponse:
    """The rows under one organization, fetched by htmx when its row is expanded."""
    try:
        upper = _organization(request, Capability.VIEW)
    except ValidationError as exc:
        return HttpResponse(exc.messages[0], status=400, content_type="text/plain; charset=utf-8")
    form = BoardFilterForm(with_board_defaults(request.GET))
    if not form.is_valid():
        errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    result = selectors.board(upper, form.cleaned_data["period"], form.cleaned_data["kind"])
    context = {"board": result, "rows": _rows(result), "level": level_from(request) + 1, "filter_query": form.query}
    return render(request, "reporting/board/board_rows.html", context)


def _action(request: HttpRequest, capability: str) -> tuple[Organization, BoardFilterForm] | HttpResponse:
    try:
        upper = _organization(request, capability)
    except ValidationError as exc:
        return HttpResponse(exc.messages[0], status=400, content_type="text/plain; charset=utf-8")
    form = BoardFilterForm(with_board_defaults(request.GET))
    if not form.is_valid():
        errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    return upper, form


@require_POST
def board_remind(request: HttpRequest) -> HttpResponse:
    """提醒未报送单位: one message per laggard and recipient per day."""
    checked = _action(request, Capability.MANAGE)
    if isinstance(checked, HttpResponse):
        return checked
    upper, form = checked
    reminded, sent = services.board_remind(
        upper=upper, period=form.cleaned_data["period"], kind=form.cleaned_data["kind"], actor=request.user
    )
    if sent:
        messages.success(request, _("已提醒 %(orgs)s 个未报送单位（共 %(n)s 人），邮件将随后发出。") % {
            "orgs": reminded, "n": sent})
    else:
        messages.info(request, _("没有需要提醒的单位，或今天已经提醒过（每个单位每天最多提醒一次）。"))
    return HttpResponseRedirect(_board_url(upper, form))


@require_POST
def board_summary(request: HttpRequest) -> HttpResponse:
    """生成汇总报告 from the subordinates' reports, or open the one that already exists."""
    checked = _action(request, Capability.DRAFT_REPORT)
    if isinstance(checked, HttpResponse):
        return checked
    upper, form = checked
    period = form.cleaned_data["period"]
    if form.cleaned_data["kind"] != ReportKind.HALF_YEAR:
        messages.error(request, _("汇总报告根据下级的半年专题汇报生成，请在“半年专题汇报”的报送情况中生成。"))
        return HttpResponseRedirect(_board_url(upper, form))
    existing = selectors.summary_report_of(upper, period)
    if existing is None:
        try:
            report = services.summary_report_create(organization=upper, period=period, actor=request.user)
        except IntegrityError:
            # A colleague's click created it a moment ago (one summary per organization and period).
            existing = selectors.summary_report_of(upper, period)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return HttpResponseRedirect(_board_url(upper, form))
        else:
            messages.success(request, _("已根据下级报告生成汇总报告草稿，请修改完善后送签。"))
            return redirect("reporting:report_detail", pk=report.pk)
    messages.info(request, _("%(org)s%(period)s的汇总报告已经存在，已为您打开。") % {
        "org": upper.name, "period": period.label})
    return redirect("reporting:report_detail", pk=existing.pk)
