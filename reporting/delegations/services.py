"""Writes and rules of the sign-off capacity: who signs for an organization, and delegations of it."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.delegations import selectors
from reporting.models import (
    Delegation,
    ReportVersion,
)
from responsibilities.models import (
    Organization,
    Person,
    RoleAssignment,
)
from responsibilities.permissions import Capability, can

# -- sign-off (签发) -----------------------------------------------------------------------------


def _signing_capacity(version: ReportVersion, actor, day: datetime.date) -> tuple[Person, Delegation | None]:
    """The person signing and, for a deputy, the delegation they sign under; ValidationError otherwise."""
    organization = version.report.organization
    if not can(actor, Capability.SIGN_REPORT, organization):
        raise ValidationError(_("您没有签发本组织报告的权限。"))
    person = Person.objects.filter(user=actor).first()
    if person is None:
        raise ValidationError(_("您的账号未关联任职人员，不能签发。"))
    holder = selectors.signer_for(organization, day)
    if holder is not None and holder.pk == person.pk:
        return person, None
    delegation = (
        Delegation.objects.filter(organization=organization, delegate=person, start_date__lte=day, end_date__gte=day)
        .order_by("-start_date")
        .first()
    )
    if delegation is not None:
        return person, delegation
    raise ValidationError(
        _("只有%(date)s担任%(org)s第一责任人的同志（或在委托期内的受托人）可以签发。")
        % {"date": f"{day:%Y-%m-%d}", "org": organization.name}
    )


def signing_capacity(*, version: ReportVersion, actor, day: datetime.date | None = None) -> tuple[Person, Delegation | None]:
    """What `_signing_capacity` would decide, for the sign-off page to say before the click."""
    return _signing_capacity(version, actor, day or timezone.localdate())


@transaction.atomic
def delegation_create(
    *, organization: Organization, delegate: Person, start_date: datetime.date, end_date: datetime.date,
    reason: str, actor,
) -> Delegation:
    if end_date < start_date:
        raise ValidationError(_("结束日期不能早于起始日期。"))
    if not reason.strip():
        raise ValidationError(_("请填写委托事由。"))
    if not RoleAssignment.objects.filter(person=delegate, organization=organization).active_on(start_date).exists():
        raise ValidationError(_("受托人须为%(org)s领导班子成员。") % {"org": organization.name})
    return Delegation.objects.create(
        organization=organization, delegate=delegate, start_date=start_date, end_date=end_date,
        reason=reason.strip(), created_by=actor,
    )
