"""Writes of the receiving end: 签收 (receipt) and 退回 (return with a reason) of submitted reports."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting import handoffs
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
from reporting.submissions.selectors import receipt_acted_on
from responsibilities import log
from responsibilities.models import Obligation
from responsibilities.periods import Period
from responsibilities.permissions import is_staff
from responsibilities.work import services as work


def _handle(submission: Submission, actor) -> Submission:
    submission = Submission.objects.select_for_update().select_related("report__organization").get(pk=submission.pk)
    if submission.status != Submission.Status.SUBMITTED:
        raise ValidationError(_("该报告当前为“%(s)s”，不能重复处理。") % {"s": submission.get_status_display()})
    _require_addressed_staff(submission, actor)
    return submission


def _require_addressed_staff(submission: Submission, actor) -> None:
    """签收 / 退回 and their undoing are the addressed organization's own staff's (permissions.is_staff)."""
    if not is_staff(actor, submission.to_organization):
        raise ValidationError(_("只有%(org)s的工作人员可以签收或退回。") % {"org": submission.to_organization.name})


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
    handoffs.submission_received(submission, actor=actor, at=at)
    return submission


@in_document_language
@transaction.atomic
def submission_receive_undo(*, submission: Submission, actor, at: datetime.datetime | None = None) -> Submission:
    """撤销签收 at `at` (an aware datetime; default now): the submission waits for receipt again and the
    report is 已报送 again, until the upper level has acted on the receipt (`selectors.receipt_acted_on`:
    the receiving organization signed its region summary for the period). Only the addressed
    organization's staff (permissions.is_staff). The obligation the submission completed stays complete.
    Raises ValidationError when the submission is not received, or the receipt has been acted on.
    """
    at = at or timezone.now()
    submission = Submission.objects.select_for_update(of=("self",)).select_related(
        "report__organization", "to_organization", "handled_by").get(pk=submission.pk)
    if submission.status != Submission.Status.RECEIVED:
        raise ValidationError(_("该报告尚未签收，无需撤销。"))
    _require_addressed_staff(submission, actor)
    summary = receipt_acted_on(submission)
    if summary is not None:
        raise ValidationError(_("%(org)s已签发%(period)s的汇总报告（%(no)s），不能再撤销签收。") % {
            "org": submission.to_organization.name, "period": Period.parse(summary.report.period).label,
            "no": summary.doc_number})
    received_by, received_at = submission.handled_by, submission.handled_at
    submission.status, submission.handled_at, submission.handled_by = Submission.Status.SUBMITTED, None, None
    submission.save(update_fields=["status", "handled_at", "handled_by"])
    report = report_locked(submission.report)
    report.status = Report.Status.SUBMITTED
    report.save(update_fields=["status", "updated_at"])
    log.append(
        action="submission.receipt_undone", subject=submission, actor=actor, at=at, report=report.pk,
        version=submission.version_id,
        to_organization={"id": submission.to_organization_id, "name": submission.to_organization.name},
        received_by={"id": received_by.pk, "name": received_by.get_username()} if received_by else None,
        received_at=received_at.isoformat() if received_at else None,
    )
    handoffs.submission_receipt_undone(submission, actor=actor, at=at)
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
    handoffs.submission_returned(submission, actor=actor, at=now)
    return submission
