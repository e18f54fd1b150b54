"""Reads for the receiving end: reports submitted to an organization."""

from __future__ import annotations

from django.db.models import QuerySet

from reporting.models import Submission
from responsibilities.permissions import Capability, visible


def submissions_inbox(user) -> QuerySet[Submission]:
    """Submissions addressed to organizations whose reports the user handles (manage on the receiver)."""
    return visible(
        user, Capability.MANAGE,
        Submission.objects.select_related("report__organization", "version", "to_organization"),
        via="to_organization",
    ).order_by("status", "-submitted_at")
