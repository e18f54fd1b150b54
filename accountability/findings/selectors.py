"""Reads of findings: scoped to what the user may see (responsibilities.permissions.visible)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accountability.models import Finding
from responsibilities.models import Organization
from responsibilities.permissions import Capability, visible


def findings_visible(user) -> QuerySet[Finding]:
    return visible(
        user, Capability.VIEW,
        Finding.objects.select_related("organization", "responsible_person", "created_by"), via="organization",
    )


def findings_filtered(user, *, organization: Organization | None = None, status: str = "", overdue: bool = False,
                      now: datetime.datetime | None = None) -> QuerySet[Finding]:
    """The finding list: in `organization`'s subtree when given, with `status`, or only those whose
    rectification is overdue (marked 逾期, or still owed past the deadline before the sweep ran)."""
    qs = findings_visible(user)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = overdue_rectification(qs, now=now)
    return qs.order_by("due_date", "pk")


def overdue_rectification(qs: QuerySet[Finding] | None = None, *, user=None,
                          now: datetime.datetime | None = None) -> QuerySet[Finding]:
    """Findings whose rectification is overdue at `now` (an inspector's home: 整改逾期).

    Pass a queryset, or `user` for everything that user may see."""
    now = now or timezone.now()
    if qs is None:
        qs = findings_visible(user)
    from django.db.models import Q

    return qs.filter(Q(status=Finding.Status.OVERDUE) | Q(status__in=Finding.OWED, due_at__lte=now))
