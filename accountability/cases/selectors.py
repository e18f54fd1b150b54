"""Reads of cases: scoped to what the user may see; what an inspector's home shows."""

from __future__ import annotations

from django.db.models import QuerySet

from accountability.log.selectors import action_label
from accountability.models import Case
from responsibilities.log import LogEntry
from responsibilities.models import Organization
from responsibilities.permissions import Capability, visible


def cases_visible(user) -> QuerySet[Case]:
    return visible(
        user, Capability.VIEW, Case.objects.select_related("organization", "authority", "finding"), via="organization"
    )


def cases_filtered(user, *, organization: Organization | None = None, status: str = "") -> QuerySet[Case]:
    qs = cases_visible(user)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    if status:
        qs = qs.filter(status=status)
    return qs


def cases_in_progress(user) -> QuerySet[Case]:
    """Cases still being worked (登记 … 执行) where the user does case work (`inspect`), oldest first."""
    return visible(user, Capability.INSPECT, Case.objects.select_related("organization", "authority"),
                   via="organization").filter(status__in=Case.IN_PROGRESS).order_by("created_at", "pk")


def filing_deadlines(user) -> QuerySet[Case]:
    """Decided cases not yet filed upward (备案), earliest deadline first, with `due_date`, `due_at`
    and `filing_overdue_at` (set once the deadline passed)."""
    return visible(user, Capability.INSPECT, Case.objects.select_related("organization", "authority"),
                   via="organization").filter(
        status__in=(Case.Status.DECIDED, Case.Status.EXECUTING)).order_by("due_date", "pk")


def history(obj) -> QuerySet[LogEntry]:
    """The log entries about a case or a finding, oldest first: its history as the chain records it."""
    return LogEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("seq")


def history_rows(obj) -> list[tuple]:
    """(entry, what it is called) for each log entry about `obj`, oldest first."""
    return [(entry, action_label(entry.action, entry.payload)) for entry in history(obj)]
