"""Reads of the work: obligations in scope, my open tasks, the notification inbox."""

from __future__ import annotations

# ---------------------------------------------------------------------------------
# Dashboards: the compliance matrix (合规矩阵) and the charts (统计图表)
# ---------------------------------------------------------------------------------
# Kept together and self-contained (own imports) so the section can move into its own
# module when this file grows past ~800 lines.
from django.db.models import Q  # noqa: E402
from django.utils import timezone

from responsibilities.models import (  # noqa: E402
    RESPONSIBLE_ROLES,
    Obligation,
    RoleAssignment,
)
from responsibilities.permissions import Capability, visible

# -- obligations ----------------------------------------------------------------------

_STATUS_ORDER = {"overdue": 0, "open": 1, "done_late": 2, "done": 3, "waived": 4}


def obligations_visible(user, capability: str = Capability.VIEW):

    return visible(
        user, capability,
        Obligation.objects.select_related("organization", "work_system"),
        via="organization",
    )


def my_open_obligations(user):
    """Open obligations where the user is responsible: a role holder for it, or staff of the organization.

    Overdue first, then by deadline.
    """
    from django.db.models import Case, IntegerField, Value, When

    from responsibilities.models import (
        Obligation,
        OrganizationGroupPermission,
        OrganizationUserPermission,
    )

    today = timezone.localdate()
    condition = Q(pk__in=[])
    person = getattr(user, "person", None)
    if person is not None:
        for responsible, roles in RESPONSIBLE_ROLES.items():
            orgs = RoleAssignment.objects.filter(person=person, role__in=roles).active_on(today)
            condition |= Q(responsible=responsible, organization__in=orgs.values("organization_id"))
    staff_orgs = OrganizationUserPermission.objects.filter(
        user=user, permission__codename=Capability.MANAGE
    ).values("content_object_id")
    group_staff_orgs = OrganizationGroupPermission.objects.filter(
        group__user=user, permission__codename=Capability.MANAGE
    ).values("content_object_id")
    condition |= Q(organization__in=staff_orgs) | Q(organization__in=group_staff_orgs)
    return (
        obligations_visible(user)
        .open()
        .filter(condition, period_start__lte=today)  # next period's tasks appear when it begins
        .annotate(
            overdue_first=Case(
                When(status=Obligation.Status.OVERDUE, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("overdue_first", "due_date", "organization__path", "work_system__sort_order")
    )


def unread_count(user) -> int:
    return user.notifications.filter(read_at__isnull=True).count()


def inbox(user):
    return user.notifications.select_related("obligation").order_by("-created_at", "-pk")
