"""Hand-offs of a report between people, as in-app notices (issue #9 §1): each step tells the next
person, and the notice is closed (已办结) when that step is done.

    提请签发 (drafter)      -> the signers          "reporting.sign"       (version)    closed when signed
    签发 (signer)           -> the drafter          "reporting.submit"     (version)    closed when submitted
    报送 (drafter)          -> the upper staff      "reporting.submission" (submission) closed when received/returned
    签收 (upper staff)      -> drafter and signer   "reporting.received"   (submission) written closed: nothing left to do
    退回 (upper staff)      -> drafter and signer   "reporting.returned"   (submission) closed at the next submission
    撤销签收 (upper staff)  -> drafter and signer   "reporting.receipt_undone" (submission) written closed; the
                               upper staff's "reporting.submission" notice is open again

Every function runs inside the transaction of the service that changed the state (report_sign,
report_submit, submission_receive, submission_return each call one of them in one line), so a
notice exists exactly when its state change does. Nobody is told about their own action.
The e-mail copies leave through the outbox sweep like every other notification.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.delegations.selectors import signer_user_ids
from reporting.document import in_document_language
from reporting.models import Report, ReportVersion, Submission
from reporting.reports import selectors
from responsibilities import log
from responsibilities.models import Notification
from responsibilities.org.selectors import staff_of
from responsibilities.text import display_name
from responsibilities.work import services as work

SIGN = "reporting.sign"
SUBMIT = "reporting.submit"
SUBMISSION = "reporting.submission"
RECEIVED = "reporting.received"
RETURNED = "reporting.returned"
UNDONE = "reporting.receipt_undone"


def _report_url(report: Report) -> str:
    return reverse("reporting:report_detail", args=[report.pk])


def _others(actor, *user_ids: int | None) -> tuple[int, ...]:
    return tuple(sorted({uid for uid in user_ids if uid and uid != getattr(actor, "pk", None)}))


def _version_ids(report: Report) -> list[int]:
    return list(ReportVersion.objects.filter(report=report).values_list("pk", flat=True))


def sign_requested_open(version: ReportVersion) -> bool:
    """Has a signature of `version` been asked for (提请签发) and not yet given?"""
    return Notification.objects.filter(item_type=SIGN, item_id=version.pk, done_at__isnull=True).exists()


@in_document_language
@transaction.atomic
def signature_request(*, report: Report, actor, at: datetime.datetime | None = None) -> tuple[ReportVersion, int]:
    """提请签发: the drafter says the latest draft is ready and the users who may sign for the report's
    organization (`signer_user_ids`: sign_report holders there and delegates in force) are told.

    Returns (the version, how many people were told). Raises ValidationError when the report is not a
    draft (DRAFT or RETURNED), the latest version is signed already, a request for it is still open, or
    nobody could sign. The caller checked `draft_report` on the report.
    """
    from reporting.reports.services import report_locked

    at = at or timezone.now()
    report = report_locked(report)
    version = selectors.latest_version(report)
    if report.status not in (Report.Status.DRAFT, Report.Status.RETURNED) or version.is_signed:
        raise ValidationError(_("报告当前状态为“%(s)s”，无需提请签发。") % {"s": report.get_status_display()})
    if sign_requested_open(version):
        raise ValidationError(_("第 %(n)s 版已提请签发，正在等待签发。") % {"n": version.number})
    recipients = _others(actor, *signer_user_ids(report.organization, timezone.localdate(at)))
    if not recipients:
        raise ValidationError(_("%(org)s目前没有可以签发的同志（签发权限或委托），请联系系统管理员。") % {
            "org": report.organization.name})
    # A request for an earlier version of this report is superseded: the signer is asked about this text only.
    work.notifications_close(item_type=SIGN, item_ids=[pk for pk in _version_ids(report) if pk != version.pk], at=at)
    count = work.messages_send(sender=actor, at=at, messages=[work.Message(
        recipient_ids=recipients,
        title=_("【待签发】%(title)s") % {"title": version.title},
        body=_("%(org)s的报告（第 %(n)s 版）已起草完成，请审阅签发。") % {
            "org": report.organization.name, "n": version.number},
        url=reverse("reporting:report_sign", args=[report.pk]), item_type=SIGN, item_id=version.pk,
    )])
    log.append(action="reportversion.sign_requested", subject=version, actor=actor, at=at,
               report=report.pk, number=version.number, recipients=list(recipients))
    return version, count


def report_signed(version: ReportVersion, *, actor, at: datetime.datetime) -> None:
    """签发 done: the requests to sign any version of the report are closed; the drafter is asked to submit."""
    report = version.report
    work.notifications_close(item_type=SIGN, item_ids=_version_ids(report), at=at)
    work.messages_send(sender=actor, at=at, messages=[work.Message(
        recipient_ids=_others(actor, report.created_by_id),
        title=_("【已签发，请报送】%(title)s") % {"title": version.title},
        body=_("发文字号：%(no)s") % {"no": version.doc_number},
        url=reverse("reporting:report_submit", args=[report.pk]), item_type=SUBMIT, item_id=version.pk,
    )])


def report_submitted(submission: Submission, *, actor, at: datetime.datetime) -> None:
    """报送 done: the 请报送 notice and earlier 退回 notices are closed; the upper organization's own staff
    (`staff_of`, not the levels above it) are asked to receive it."""
    report, version, upper = submission.report, submission.version, submission.to_organization
    if report.created_by_id and report.created_by_id != getattr(actor, "pk", None):
        # Someone else submitted (the signer's 签发并报送): the drafter's 请报送 notice becomes the news that
        # it is done — the same item, so messages_send renews it in place: closed, unread, e-mailed again.
        work.messages_send(sender=actor, at=at, messages=[work.Message(
            recipient_ids=(report.created_by_id,),
            title=_("【已报送】%(title)s已报送%(to)s") % {"title": version.title, "to": upper.name},
            body=_("发文字号：%(no)s\n报送人：%(who)s") % {"no": version.doc_number, "who": display_name(actor)},
            url=_report_url(report), item_type=SUBMIT, item_id=version.pk, done=True,
        )])
    work.notifications_close(item_type=SUBMIT, item_ids=[version.pk], at=at)
    earlier = Submission.objects.filter(report=report).exclude(pk=submission.pk).values_list("pk", flat=True)
    work.notifications_close(item_type=RETURNED, item_ids=list(earlier), at=at)
    work.messages_send(sender=actor, at=at, messages=[work.Message(
        recipient_ids=_others(actor, *staff_of([upper]).get(upper.pk, set())),
        title=_("【报告】%(org)s报送了%(title)s") % {"org": report.organization.name, "title": version.title},
        body=_("发文字号：%(no)s\n报送时间：%(at)s（%(when)s）") % {
            "no": version.doc_number, "at": f"{timezone.localtime(at):%Y-%m-%d %H:%M}",
            "when": _("按时") if submission.on_time else _("逾期")},
        url=reverse("reporting:submission_detail", args=[submission.pk]), item_type=SUBMISSION,
        item_id=submission.pk,
    )])


def _drafter_and_signer(submission: Submission, actor) -> tuple[int, ...]:
    return _others(actor, submission.report.created_by_id, submission.version.signed_by_id)


def submission_received(submission: Submission, *, actor, at: datetime.datetime) -> None:
    """签收 done: the notice to the upper staff is closed; drafter and signer are told (nothing left to do)."""
    work.notifications_close(item_type=SUBMISSION, item_ids=[submission.pk], at=at)
    work.messages_send(sender=actor, at=at, messages=[work.Message(
        recipient_ids=_drafter_and_signer(submission, actor),
        title=_("【报告】%(to)s已签收%(title)s") % {"to": submission.to_organization.name,
                                               "title": submission.version.title},
        body="", url=_report_url(submission.report), item_type=RECEIVED, item_id=submission.pk, done=True,
    )])


def submission_receipt_undone(submission: Submission, *, actor, at: datetime.datetime) -> None:
    """撤销签收: the upper staff's notice is open again (the report awaits receipt); drafter and signer
    are told the receipt they were told of no longer stands (nothing for them to do)."""
    work.notifications_reopen(item_type=SUBMISSION, item_ids=[submission.pk])
    work.messages_send(sender=actor, at=at, messages=[work.Message(
        recipient_ids=_drafter_and_signer(submission, actor),
        title=_("【撤销签收】%(to)s撤销了对%(title)s的签收，报告重新等待签收") % {
            "to": submission.to_organization.name, "title": submission.version.title},
        body="", url=_report_url(submission.report), item_type=UNDONE, item_id=submission.pk, done=True,
    )])


def submission_returned(submission: Submission, *, actor, at: datetime.datetime) -> None:
    """退回 done: the notice to the upper staff is closed; drafter and signer are asked to revise it."""
    work.notifications_close(item_type=SUBMISSION, item_ids=[submission.pk], at=at)
    work.messages_send(sender=actor, at=at, messages=[work.Message(
        recipient_ids=_drafter_and_signer(submission, actor),
        title=_("【报告退回】%(to)s退回了%(title)s") % {"to": submission.to_organization.name,
                                                 "title": submission.version.title},
        body=_("退回理由：%(reason)s") % {"reason": submission.return_reason},
        url=_report_url(submission.report), item_type=RETURNED, item_id=submission.pk,
    )])
