"""The 第一责任人's delegations of the sign-off: list, record, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from reporting.delegations import selectors, services
from reporting.delegations.forms import DelegationForm
from reporting.models import Delegation
from responsibilities.models import Organization, Person, RoleAssignment
from responsibilities.org.selectors import team_on
from responsibilities.paging import PER_PAGE
from responsibilities.permissions import Capability, get_for

# -- delegations -----------------------------------------------------------------------------------


def _delegates(organization: Organization) -> QuerySet[Person]:
    """Whom the sign-off may be delegated to today: the leadership team, less the 第一责任人 himself."""
    today = timezone.localdate()
    people = team_on(organization, today, roles=RoleAssignment.TEAM_ROLES)
    holder = selectors.signer_for(organization, today)
    return people.exclude(pk=holder.pk) if holder is not None else people


@require_http_methods(["GET", "HEAD", "POST"])
def delegation_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary's delegations of the sign-off, seen in scope; recorded by the 第一责任人 or an administrator."""
    organization = get_for(request.user, Capability.VIEW, Organization.objects.all(), pk=pk)
    today = timezone.localdate()
    may_delegate = services.may_delegate(request.user, organization, today)
    if request.method == "POST" and not may_delegate:
        raise PermissionDenied(_("只有第一责任人（或系统管理员）可以委托签发。"))
    form = DelegationForm(request.POST or None, people=_delegates(organization)) if may_delegate else None
    if request.method == "POST" and form.is_valid():
        try:
            services.delegation_create(organization=organization, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已登记签发委托。"))
            return redirect("reporting:delegation_list", pk=organization.pk)
    delegations = organization.delegations.select_related("delegate", "created_by", "revoked_by").order_by(
        "-start_date", "-pk"
    )
    context = {
        "organization": organization,
        "form": form,
        "may_revoke": may_delegate,
        "page": Paginator(delegations, PER_PAGE).get_page(request.GET.get("page")),
        "today": today,
    }
    return render(request, "reporting/delegations/delegation_list.html", context,
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def delegation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what is revoked, to confirm. POST: revoke it, back to the list (where a new one may be recorded)."""
    delegation = get_for(
        request.user, Capability.VIEW, Delegation.objects.select_related("organization", "delegate"), pk=pk
    )
    organization = delegation.organization
    if not services.may_delegate(request.user, organization, timezone.localdate()):
        raise PermissionDenied(_("只有第一责任人（或系统管理员）可以撤销签发委托。"))
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.delegation_revoke(delegation=delegation, actor=request.user)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("已撤销签发委托：%(name)s自即日起不能再代为签发。如需另行委托，可在下方登记。")
                             % {"name": delegation.delegate.name})
            return redirect("reporting:delegation_list", pk=organization.pk)
    context = {"delegation": delegation, "organization": organization, "errors": errors}
    return render(request, "reporting/delegations/delegation_revoke.html", context, status=400 if errors else 200)
