"""Reads about who may sign (签发) for an organization on a day."""

from __future__ import annotations

import datetime

from reporting.models import Delegation
from responsibilities.models import (
    Organization,
    OrganizationGroupPermission,
    OrganizationUserPermission,
    RoleAssignment,
)
from responsibilities.org.selectors import holder_on
from responsibilities.permissions import Capability


def signer_for(organization: Organization, day: datetime.date):
    """Who may sign for `organization` on `day`: the 第一责任人 then, by the role history."""
    return holder_on(organization, RoleAssignment.Role.SECRETARY, day)


def signer_user_ids(organization: Organization, day: datetime.date) -> set[int]:
    """The active users who may be asked to sign for `organization` on `day`: holders of `sign_report`
    on the organization itself (directly or through a group) and the delegates in force that day
    (`Delegation.in_force_on`) who have an account. Two queries. Whether one of them really may sign
    is still `services.signing_capacity` at the moment of signing."""
    code = Capability.SIGN_REPORT
    granted = (
        OrganizationUserPermission.objects.filter(
            permission__codename=code, content_object=organization, user__is_active=True
        ).values_list("user_id")
        .union(OrganizationGroupPermission.objects.filter(
            permission__codename=code, content_object=organization, group__user__is_active=True
        ).values_list("group__user"))
    )
    delegates = Delegation.objects.in_force_on(day).filter(
        organization=organization, delegate__user__isnull=False, delegate__user__is_active=True
    ).values_list("delegate__user_id", flat=True)
    return {uid for (uid,) in granted} | set(delegates)
