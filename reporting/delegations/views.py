"""The 第一责任人's delegations of the sign-off: list and record."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from reporting.delegations import services
from reporting.delegations.forms import DelegationForm
from responsibilities.models import Organization, Person, RoleAssignment
from responsibilities.paging import PER_PAGE
from responsibilities.permissions import Capability, can, get_for

# -- delegations -----------------------------------------------------------------------------------


def _leadership(organization: Organization) -> QuerySet[Person]:
    today = timezone.localdate()
    current = RoleAssignment.objects.filter(organization=organization).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    return Person.objects.filter(pk__in=current.values("person_id")).order_by("name")


@require_http_methods(["GET", "POST"])
def delegation_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary's delegations of the sign-off; recorded by those who sign or administer here."""
    capability = Capability.SIGN_REPORT if request.method == "POST" else Capability.VIEW
    organization = get_for(request.user, capability, Organization.objects.all(), pk=pk)
    may_add = can(request.user, Capability.SIGN_REPORT, organization)
    form = None
    if may_add:
        form = DelegationForm(request.POST or None, people=_leadership(organization))
    if request.method == "POST" and form.is_valid():
        try:
            services.delegation_create(organization=organization, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已登记签发委托。"))
            return redirect("reporting:delegation_list", pk=organization.pk)
    delegations = organization.delegations.select_related("delegate", "created_by").order_by("-start_date", "-pk")
    context = {
        "organization": organization,
        "form": form,
        "page": Paginator(delegations, PER_PAGE).get_page(request.GET.get("page")),
        "today": timezone.localdate(),
    }
    return render(request, "reporting/delegations/delegation_list.html", context,
                  status=400 if request.method == "POST" else 200)
