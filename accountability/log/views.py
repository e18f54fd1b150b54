"""The accountability log for inspectors: the list with its filters, one entry, the chain status."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accountability.log import selectors
from accountability.log.forms import LogFilterForm
from responsibilities.paging import PER_PAGE, CheapPage
from responsibilities.permissions import Capability, has_any, organization_from


@require_safe
def log_list(request: HttpRequest) -> HttpResponse:
    """问责日志 (?org= an organization's subtree; else everything the user may inspect)."""
    organization = organization_from(request.user, request.GET.get("org"), Capability.INSPECT)
    if organization is None and not has_any(request.user, Capability.INSPECT):
        raise PermissionDenied
    form = LogFilterForm(request.GET)
    context = {"form": form, "organization": organization, "chain_check": selectors.chain_status()}
    if not form.is_valid():
        return render(request, "accountability/log/log_list.html", context, status=400)
    page = CheapPage(selectors.entries(request.user, form.filters(organization)), request.GET.get("page"),
                     per_page=PER_PAGE)
    context["page"] = page
    context["rows"] = [(entry, selectors.action_label(entry.action, entry.payload), selectors.object_label(entry.object_type))
                       for entry in page]
    return render(request, "accountability/log/log_list.html", context)


@require_safe
def log_entry(request: HttpRequest, seq: int) -> HttpResponse:
    entry = selectors.entry_for(request.user, seq)
    return render(request, "accountability/log/log_entry.html", {
        "entry": entry, "action": selectors.action_label(entry.action, entry.payload),
        "object": selectors.object_label(entry.object_type), "payload": selectors.payload_lines(entry.payload),
        "chain_check": selectors.chain_status(),
    })
