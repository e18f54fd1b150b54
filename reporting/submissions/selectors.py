"""Reads for the receiving end: reports submitted to an organization."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext

from reporting.models import ReportKind, ReportVersion, Submission
from responsibilities.periods import Period
from responsibilities.permissions import Capability, staffed, visible


def submissions_inbox(user) -> QuerySet[Submission]:
    """Submissions addressed to organizations whose reports the user handles (manage on the receiver)."""
    return visible(
        user, Capability.MANAGE,
        Submission.objects.select_related("report__organization", "version", "to_organization"),
        via="to_organization",
    ).order_by("status", "-submitted_at")


def submissions_to_receive(user) -> QuerySet[Submission]:
    """待我签收: submissions awaiting receipt by an organization the user is staff of
    (`permissions.is_staff`: its own staff, not an ancestor's), oldest first."""
    return staffed(
        user, Submission.objects.select_related("report__organization", "version", "to_organization"),
        via="to_organization",
    ).filter(status=Submission.Status.SUBMITTED).order_by("submitted_at", "pk")


def receipt_acted_on(submission: Submission) -> ReportVersion | None:
    """The act of the receiving organization that fixes a receipt (签收) for good, or None.

    A receipt may be undone until the upper level has acted on it; it has acted once the receiving
    organization has *signed* a region summary (汇总报告, kind `summary`) whose period covers the
    submitted report's period (the same half-year, or the year holding it): that summary counted the
    report as received (board_services.summary_report_create). A summary still in draft fixes nothing;
    a report without a period (重大情况专题报告) is never summarised, so its receipt may always be
    undone. Returns the summary's earliest signed version.
    """
    period_code = submission.report.period
    if not period_code:
        return None
    period = Period.parse(period_code)
    signed = ReportVersion.objects.filter(
        report__organization_id=submission.to_organization_id, report__kind=ReportKind.SUMMARY,
        signed_at__isnull=False,
    ).exclude(report__period="").select_related("report").order_by("signed_at", "pk")
    for version in signed:
        covering = Period.parse(version.report.period)
        if covering.start <= period.start and period.end <= covering.end:
            return version
    return None


def receiver_status_label(submission: Submission, *, receiver: bool) -> str:
    """The status as its reader says it: 「待签收」 to the addressed organization's staff while it waits,
    the stored status (已报送 …) to everyone else."""
    if receiver and submission.status == Submission.Status.SUBMITTED:
        return gettext("待签收")
    return submission.get_status_display()
