"""Organization tree, organization and person pages, role assignment forms.

Each view: access check (through `permissions`) → form → one service call → redirect or render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from responsibilities import workbench
from responsibilities.models import Organization, Person, RoleAssignment
from responsibilities.org import selectors, services
from responsibilities.org.forms import (
    OrganizationMoveForm,
    OrganizationSearchForm,
    RoleAssignmentForm,
    RoleEndForm,
)
from responsibilities.paging import CheapPage
from responsibilities.permissions import Capability, can, get_for, visible
from responsibilities.scheduling.services import calendar_missing_for_next_year


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "roots": selectors.organization_roots(request.user),
        "panels": workbench.workbench(request.user, today),
        "today": today,
    }
    if request.user.is_superuser:
        context["calendar_missing"] = calendar_missing_for_next_year()
    return render(request, "responsibilities/org/home.html", context)


@require_safe
def organization_tree(request: HttpRequest) -> HttpResponse:
    form = OrganizationSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    context = {"form": form, "query": query}
    if query:
        context["results"] = selectors.organization_search(request.user, query)
    else:
        context["nodes"] = selectors.organization_roots(request.user)
    return render(request, "responsibilities/org/org_tree.html", context)


@require_safe
def organization_children(request: HttpRequest, pk: int) -> HttpResponse:
    """One level of the tree, loaded on demand by htmx."""
    parent = get_for(request.user, Capability.VIEW, Organization.objects.all(), pk=pk)
    nodes = selectors.organization_children(request.user, parent)
    return render(request, "responsibilities/org/_org_nodes.html", {"nodes": nodes})


@require_safe
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_for(request.user, Capability.VIEW, Organization.objects.all(), pk=pk)
    history = CheapPage(selectors.role_history(org), request.GET.get("page"), per_page=50)
    context = {
        "org": org,
        "ancestors": visible(request.user, Capability.VIEW, selectors.organization_ancestors(org)),
        "team": selectors.leadership_team(org),
        "departments": selectors.organization_departments(org),
        "children": selectors.organization_children(request.user, org)[:200],
        "history": history,
        "can_manage": can(request.user, Capability.MANAGE, org),
        "can_administer": can(request.user, Capability.ADMINISTER, org),
        "today": timezone.localdate(),
    }
    return render(request, "responsibilities/org/org_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def role_add(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_for(request.user, Capability.MANAGE, Organization.objects.all(), pk=pk)
    people = selectors.people_visible(request.user).filter(organization=org)
    form = RoleAssignmentForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = data["person"] or services.person_create(
                    name=data["new_name"], title=data["new_title"], organization=org, actor=request.user
                )
                services.role_assign(
                    person=person,
                    organization=org,
                    role=data["role"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    portfolio=data["portfolio"],
                    actor=request.user,
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已登记任职：%(name)s") % {"name": person.name})
            return redirect("responsibilities:organization_detail", pk=org.pk)
    return render(request, "responsibilities/org/role_form.html", {"org": org, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def role_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_for(
        request.user,
        Capability.MANAGE,
        RoleAssignment.objects.select_related("organization", "person"),
        pk=pk,
    )
    form = RoleEndForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.role_end(assignment=assignment, end_date=form.cleaned_data["end_date"], actor=request.user)
        except ValidationError as exc:
            form.add_error("end_date", exc)
        else:
            messages.success(request, _("已结束任职：%(a)s") % {"a": assignment})
            return redirect("responsibilities:organization_detail", pk=assignment.organization_id)
    return render(request, "responsibilities/org/role_end.html", {"assignment": assignment, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def organization_move(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_for(request.user, Capability.ADMINISTER, Organization.objects.all(), pk=pk)
    parents = visible(
        request.user, Capability.ADMINISTER, Organization.objects.exclude(path__startswith=org.path)
    ).order_by("path")
    form = OrganizationMoveForm(request.POST or None, parents=parents)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_move(
                organization=org, new_parent=form.cleaned_data["new_parent"], actor=request.user
            )
        except ValidationError as exc:
            form.add_error("new_parent", exc)
        else:
            messages.success(request, _("已移动组织及其全部下级组织。"))
            return redirect("responsibilities:organization_detail", pk=org.pk)
    return render(request, "responsibilities/org/org_move.html", {"org": org, "form": form})


@require_safe
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = Person.objects.select_related("organization", "department").filter(pk=pk).first()
    # Only roles in organizations the viewer may see; a person is visible through their own
    # organization or through such a role (accountability follows the role, not the address).
    roles = list(visible(request.user, Capability.VIEW, selectors.person_roles(person), via="organization")) if person else []
    if person is None or not (roles or can(request.user, Capability.VIEW, person)):
        raise Http404(_("未找到该对象，或您无权查看。"))
    today = timezone.localdate()
    context = {
        "person": person,
        "home_visible": can(request.user, Capability.VIEW, person),
        "current": [r for r in roles if r.is_active_on(today)],
        "past": [r for r in roles if not r.is_active_on(today)],
        "today": today,
    }
    return render(request, "responsibilities/org/person_detail.html", context)
