"""Dashboards: the compliance matrix with its drill-down list, and the charts.

Each view: access check (the `?org=` organization through `permissions.get_for`, else the
user's own scope) → filter form (400 with the form's Chinese errors when invalid) → one
selector → render.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from responsibilities.dashboards import selectors as dashboards_selectors
from responsibilities.dashboards.forms import (
    ChartsFilterForm,
    MatrixFilterForm,
    ObligationFilterForm,
    with_default_period,
    with_default_year,
)
from responsibilities.dashboards.selectors import Counts, MatrixRow, StatusBucket
from responsibilities.forms import object_id
from responsibilities.models import Organization
from responsibilities.org import selectors as org_selectors
from responsibilities.paging import level_from
from responsibilities.permissions import Capability, can, organization_from, require

# Series and axis names for the charts script, translated here (the script has no strings of its own).
CHART_LABELS = {
    "rate": gettext_lazy("完成率"),
    "rate_axis": gettext_lazy("完成率（百分比）"),
    "count_axis": gettext_lazy("任务数"),
    "done": gettext_lazy("已完成"),
    "open": gettext_lazy("待办"),
    "overdue": gettext_lazy("逾期"),
    "pending": gettext_lazy("进行中"),
    "late_open": gettext_lazy("逾期未完成"),
    "late_done": gettext_lazy("逾期完成"),
}


def _chosen(request: HttpRequest) -> Organization | None:
    """The organization named by `?org=` (`permissions.organization_from`): None when blank, 404 when
    malformed, unknown or outside the user's view."""
    return organization_from(request.user, request.GET.get("org"), Capability.VIEW)


def _chosen_with_ancestors(request: HttpRequest) -> tuple[Organization | None, list[Organization]]:
    """`?org=` as `_chosen`, with the ancestors the user may see (for breadcrumbs) from the same query:
    the id is parsed by the same `object_id`, the access checked by the same `require`."""
    raw = request.GET.get("org")
    if not raw:
        return None, []
    pk = object_id(raw)
    lineage = org_selectors.organization_lineage(pk) if pk is not None else []
    if not lineage:
        raise Http404(_("未找到该对象，或您无权查看。"))
    chosen = lineage[-1]
    require(request.user, Capability.VIEW, chosen)
    return chosen, [org for org in lineage[:-1] if can(request.user, Capability.VIEW, org)]


def _scope(request: HttpRequest) -> Organization | list[Organization]:
    """`?org=`, else the user's only scope root, else all the user's scope roots side by side."""
    chosen = _chosen(request)
    return chosen if chosen is not None else _roots(request)


def _roots(request: HttpRequest) -> Organization | list[Organization]:
    roots = list(org_selectors.organization_roots(request.user))
    return roots[0] if len(roots) == 1 else roots


@require_safe
def compliance_matrix(request: HttpRequest) -> HttpResponse:
    chosen, ancestors = _chosen_with_ancestors(request)
    scope = chosen if chosen is not None else _roots(request)
    form = MatrixFilterForm(with_default_period(request.GET))
    context = {
        "form": form, "scope": scope, "root": scope if isinstance(scope, Organization) else None,
        "ancestors": ancestors,
    }
    if not form.is_valid():
        return render(request, "responsibilities/dashboards/dashboard_matrix.html", context, status=400)
    if scope:
        matrix = dashboards_selectors.compliance_matrix(request.user, scope, **form.filters)
        context.update(matrix=matrix, **_presented(matrix.all_rows, form))
    return render(request, "responsibilities/dashboards/dashboard_matrix.html", context)


@require_safe
def compliance_matrix_rows(request: HttpRequest) -> HttpResponse:
    """The rows under one organization, fetched by htmx when its row is expanded."""
    parent = _chosen(request)
    if parent is None:
        return HttpResponse(_("缺少组织参数。"), status=400, content_type="text/plain; charset=utf-8")
    form = MatrixFilterForm(with_default_period(request.GET))
    if not form.is_valid():
        errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    matrix = dashboards_selectors.compliance_matrix(request.user, parent, level=level_from(request), **form.filters)
    context = {"matrix": matrix, **_presented(matrix.rows, form)}
    return render(request, "responsibilities/dashboards/_matrix_rows.html", context)


@dataclass
class RowView:
    """A matrix row with its number cells rendered once in Python.

    A root page has about a hundred rows of a dozen cells with three links each; building
    those few thousand links with template logic (or even format_html) took longer than
    the aggregate query itself, so they are formatted here from parts that need no
    escaping beyond the href, and the template only lays out the rows.
    """

    row: MatrixRow
    cells: SafeString  # one <td> per work system
    total: SafeString  # the row's numbers over all work systems
    waived: SafeString


_ZERO = '<span class="n zero">0</span>'
_NONE = '<td class="cell"><span class="muted">—</span></td>'


def _presented(rows: list[MatrixRow], form: MatrixFilterForm) -> dict:
    """Rows with their drill-down links, and the filters the rows carry.

    filter_query: every filter (to expand a row or re-root the matrix on it); the
    drill-down links carry all but the status, which each sets itself.
    """
    query = form.query
    status = query.pop("status", "")
    buckets = [status] if status else [StatusBucket.DONE, StatusBucket.PENDING, StatusBucket.OPEN, StatusBucket.OVERDUE]
    list_url = reverse("responsibilities:obligation_list")
    rest = urlencode(query)

    def numbers(scope: str, system: str, counts: Counts, kinds: list[str]) -> str:
        # Safe by construction: bucket names are StatusBucket values, counts are ints, and
        # the href (reverse() + urlencoded parameters + slug codes) is escaped.
        html = []
        for bucket in kinds:
            n = int(getattr(counts, bucket))
            if not n:
                html.append(_ZERO)
                continue
            params = (scope, f"system={system}" if system else "", f"status={bucket}", rest)
            href = escape(f"{list_url}?{'&'.join(p for p in params if p)}")
            html.append(f'<a class="n {StatusBucket(bucket).value}" href="{href}">{n}</a>')
        return "".join(html)

    views = []
    for row in rows:
        scope = row.scope_query
        cells = "".join(
            f'<td class="cell">{numbers(scope, system.code, counts, buckets)}</td>' if counts.total else _NONE
            for system, counts in row.cells
        )
        views.append(RowView(
            row,
            mark_safe(cells),  # noqa: S308 (see numbers())
            mark_safe(numbers(scope, "", row.total, buckets)),  # noqa: S308
            mark_safe(numbers(scope, "", row.total, [StatusBucket.WAIVED])),  # noqa: S308
        ))
    return {
        "rows": views,
        "filter_query": urlencode({**query, **({"status": status} if status else {})}),
        "status_filter": status,
    }


@require_safe
def obligation_list(request: HttpRequest) -> HttpResponse:
    organization = _chosen(request)
    form = ObligationFilterForm(with_default_period(request.GET))
    context = {"form": form, "organization": organization}
    if not form.is_valid():
        return render(request, "responsibilities/dashboards/dashboard_obligations.html", context, status=400)
    qs = dashboards_selectors.obligations_for_dashboard(request.user, organization=organization, **form.filters)
    context["page"] = Paginator(qs, 50).get_page(request.GET.get("page"))
    context["system"] = form.cleaned_data["system"]
    context["period"] = form.cleaned_data["period"]
    return render(request, "responsibilities/dashboards/dashboard_obligations.html", context)


@require_safe
def charts(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    form = ChartsFilterForm(with_default_year(request.GET))
    context = {"form": form, "scope": scope, "root": scope if isinstance(scope, Organization) else None}
    if not form.is_valid():
        return render(request, "responsibilities/dashboards/dashboard_charts.html", context, status=400)
    if scope:
        data = dashboards_selectors.chart_data(request.user, scope, form.cleaned_data["year"])
        quarters = data["quarters"]
        context["chart_data"] = data
        context["quarter_rows"] = list(zip(
            quarters["labels"], quarters["done"], quarters["pending"], quarters["open"], quarters["overdue"],
            quarters["waived"], quarters["rate"], strict=True,
        ))
        context["chart_labels"] = CHART_LABELS
    return render(request, "responsibilities/dashboards/dashboard_charts.html", context)
