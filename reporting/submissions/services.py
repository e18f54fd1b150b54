"""Writes of the receiving end: 签收 (receipt) and 退回 (return with a reason) of submitted reports."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.document import in_document_language
from reporting.models import (
    Report,
    ReportVersion,
    Submission,
)
from reporting.reports import selectors
from reporting.reports.services import (
    attachments_carry,
    report_locked,
    report_obligation,
)
from responsibilities import log
from responsibilities.models import Obligation
from responsibilities.permissions import Capability, can
from responsibilities.work import services as work


def _handle(submission: Submission, actor) -> Submission:
    submission = Submission.objects.select_for_update().select_related("report__organization").get(pk=submission.pk)
    if submission.status != Submission.Status.SUBMITTED:
        raise ValidationError(_("该报告已%(s)s，不能重复处理。") % {"s": submission.get_status_display()})
    if not can(actor, Capability.MANAGE, submission.to_organization):
        raise ValidationError(_("您没有处理报送给%(org)s的报告的权限。") % {"org": submission.to_organization.name})
    return submission


@in_document_language
@transaction.atomic
def submission_receive(*, submission: Submission, actor, at: datetime.datetime | None = None) -> Submission:
    """签收 at `at` (an aware datetime; default now): the upper organization acknowledges receipt."""
    at = at or timezone.now()
    submission = _handle(submission, actor)
    submission.status, submission.handled_at, submission.handled_by = Submission.Status.RECEIVED, at, actor
    submission.save(update_fields=["status", "handled_at", "handled_by"])
    report = report_locked(submission.report)
    report.status = Report.Status.RECEIVED
    report.save(update_fields=["status", "updated_at"])
    log.append(
        action="submission.received", subject=submission, actor=actor, at=at, report=report.pk,
        version=submission.version_id, to_organization={"id": submission.to_organization_id,
                                                         "name": submission.to_organization.name},
    )
    work.messages_send(sender=actor, at=at, messages=[work.Message(
        recipient_ids=(report.created_by_id,) if report.created_by_id else (),
        title=_("【报告】%(to)s已签收%(title)s") % {"to": submission.to_organization.name,
                                               "title": submission.version.title},
        body="", url=reverse("reporting:report_detail", args=[report.pk]),
    )])
    return submission


@in_document_language
@transaction.atomic
def submission_return(
    *, submission: Submission, actor, reason: str, at: datetime.datetime | None = None
) -> Submission:
    """退回 at `at` (an aware datetime; default now): the report goes back to its author as a new draft version; the obligation it completed is open
    again (a waived one stays waived)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("退回必须填写理由。"))
    submission = _handle(submission, actor)
    now = at or timezone.now()
    submission.status, submission.handled_at, submission.handled_by = Submission.Status.RETURNED, now, actor
    submission.return_reason = reason[:500]
    submission.save(update_fields=["status", "handled_at", "handled_by", "return_reason"])
    report = report_locked(submission.report)
    signed = submission.version
    returned = ReportVersion.objects.create(
        report=report, number=selectors.latest_version(report).number + 1, title=signed.title,
        addressee=signed.addressee, copy_to=signed.copy_to, blocks=signed.blocks, attachments=signed.attachments,
        facts=signed.facts, created_by=actor, note=_("上级退回：%(reason)s") % {"reason": reason[:200]},
    )
    attachments_carry(source=signed, target=returned)
    report.status = Report.Status.RETURNED
    report.save(update_fields=["status", "updated_at"])
    log.append(
        action="submission.returned", subject=submission, actor=actor, at=now, report=report.pk,
        version=submission.version_id, reason=submission.return_reason,
        to_organization={"id": submission.to_organization_id, "name": submission.to_organization.name},
    )
    obligation = report_obligation(report)
    if obligation is not None and obligation.status in (Obligation.Status.DONE, Obligation.Status.DONE_LATE):
        # Open again, overdue or with its remaining reminders, exactly as a reopened task is. Only what
        # a submission completed: a waiver (decided one level up) stands, whatever happens to a report.
        work.obligation_reopen(obligation=obligation, actor=actor, at=now,
                               reason=_("报告被上级退回：%(reason)s") % {"reason": reason[:300]})
    work.messages_send(sender=actor, at=now, messages=[work.Message(
        recipient_ids=(report.created_by_id,) if report.created_by_id else (),
        title=_("【报告退回】%(to)s退回了%(title)s") % {"to": submission.to_organization.name, "title": signed.title},
        body=_("退回理由：%(reason)s") % {"reason": reason}, url=reverse("reporting:report_detail", args=[report.pk]),
    )])
    return submission
