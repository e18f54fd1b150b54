"""Writes of findings (问题清单) and their rectification (整改): the one service per state change.

Status: 待整改 → 整改中 → 已整改待核验 → 已销号; 逾期 when the deadline passes while still owed
(the scheduler's overdue sweep, `findings_mark_overdue`). Every change records its actor and appends
to the tamper-evident log (responsibilities.log) in the same transaction: finding.created,
finding.started, finding.rectified, finding.closed, finding.returned, finding.overdue.

Who: an inspector (`inspect` on the finding's organization) registers and verifies; the rectifying
organization's staff (`manage` there) start and submit the rectification; the finding's author may
verify too.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.evidence import files_store
from accountability.models import Finding
from responsibilities import log
from responsibilities.models import Organization, RoleAssignment
from responsibilities.org.selectors import holder_on
from responsibilities.permissions import Capability, can
from responsibilities.scheduling.calendar import due_moment, next_reminder
from responsibilities.work.uploads import discard_on_error

Status = Finding.Status


def _require(actor, capability: str, finding_or_org, message: str) -> None:
    """Services check the rule themselves too: actor None is the system (demo, scheduler)."""
    if actor is not None and not can(actor, capability, finding_or_org):
        raise ValidationError(message)


def may_verify(user, finding: Finding) -> bool:
    """An inspector of the organization, or whoever registered the finding."""
    return can(user, Capability.INSPECT, finding) or (user is not None and finding.created_by_id == user.pk)


def responsible_on(organization: Organization, role: str, day: datetime.date):
    """Who held `role` in `organization` on `day` (the date of the facts, never today): a Person or None."""
    return holder_on(organization, role, day)


def _schedule(finding: Finding, now: datetime.datetime) -> None:
    """Status and reminders of a finding that is owed again: overdue once its deadline has passed."""
    late = now >= finding.due_at
    if late:
        finding.status, finding.next_reminder_at = Status.OVERDUE, None
    else:
        finding.next_reminder_at = next_reminder(finding.due_date, now)


@transaction.atomic
def finding_create(
    *, organization: Organization, source: str, description: str, facts_date: datetime.date, measures: str,
    due_date: datetime.date, actor, severity: str = "minor", source_reference: str = "",
    responsible_role: str = RoleAssignment.Role.SECRETARY, now: datetime.datetime | None = None,
) -> Finding:
    """Register a finding against `organization` with its rectification measures and deadline.

    The responsible person is whoever held `responsible_role` there on `facts_date` (DOMAIN.md §2:
    accountability attaches to whoever held the post then). Raises ValidationError (Chinese) when
    the actor may not (`inspect`), a text is empty, the facts lie in the future or the deadline
    before the facts. Logs finding.created.
    """
    now = now or timezone.now()
    _require(actor, Capability.INSPECT, organization, _("只有纪检巡察人员可以登记问题。"))
    if not description.strip() or not measures.strip():
        raise ValidationError(_("问题描述和整改措施都不能为空。"))
    if facts_date > timezone.localdate(now):
        raise ValidationError(_("问题发生日期不能晚于今天。"))
    if due_date < facts_date:
        raise ValidationError(_("整改期限不能早于问题发生日期。"))
    if source not in Finding.Source.values:
        raise ValidationError(_("请选择问题来源。"))
    finding = Finding(
        organization=organization, source=source, source_reference=source_reference.strip(),
        description=description.strip(), severity=severity, facts_date=facts_date, responsible_role=responsible_role,
        responsible_person=responsible_on(organization, responsible_role, facts_date), measures=measures.strip(),
        due_date=due_date, due_at=due_moment(due_date), created_by=actor,
    )
    _schedule(finding, now)
    finding.save()
    log.append(action="finding.created", subject=finding, actor=actor, at=now, severity=severity,
               due_date=due_date, facts_date=facts_date, responsible=finding.responsible_person_id,
               description=finding.description[:200])
    return finding


def _locked(finding: Finding) -> Finding:
    return Finding.objects.select_for_update().select_related("organization").get(pk=finding.pk)


@transaction.atomic
def finding_start(*, finding: Finding, actor, now: datetime.datetime | None = None) -> Finding:
    """The rectifying organization's staff take it on: 待整改 → 整改中. Logs finding.started."""
    now = now or timezone.now()
    finding = _locked(finding)
    _require(actor, Capability.MANAGE, finding, _("只有整改单位的工作人员可以开始整改。"))
    if finding.status != Status.PENDING:
        raise ValidationError(_("该问题当前为“%(s)s”，不能再开始整改。") % {"s": finding.get_status_display()})
    finding.status = Status.RECTIFYING
    finding.save(update_fields=["status"])
    log.append(action="finding.started", subject=finding, actor=actor, at=now)
    return finding


@discard_on_error()
@transaction.atomic
def finding_rectify(
    *, finding: Finding, actor, rectification: str, uploads: list = (), now: datetime.datetime | None = None
) -> Finding:
    """Submit the rectification with its evidence files for verification: → 已整改待核验.

    From 待整改, 整改中 or 逾期 (late rectification is still rectification). Reminders stop.
    Raises ValidationError when the actor is not the organization's staff (`manage`), the
    rectification text is empty or a file is refused. Logs finding.rectified with the files' SHA-256.
    """
    now = now or timezone.now()
    finding = _locked(finding)
    _require(actor, Capability.MANAGE, finding, _("只有整改单位的工作人员可以提交整改情况。"))
    if finding.status not in (Status.PENDING, Status.RECTIFYING, Status.OVERDUE):
        raise ValidationError(_("该问题当前为“%(s)s”，不能提交整改。") % {"s": finding.get_status_display()})
    if not rectification.strip():
        raise ValidationError(_("请填写整改情况。"))
    files = files_store(uploads=list(uploads), actor=actor)
    finding.files.add(*files)
    late = finding.status == Status.OVERDUE or now >= finding.due_at
    finding.status, finding.rectification, finding.submitted_at = Status.SUBMITTED, rectification.strip(), now
    finding.next_reminder_at, finding.return_reason = None, ""
    finding.save(update_fields=["status", "rectification", "submitted_at", "next_reminder_at", "return_reason"])
    log.append(action="finding.rectified", subject=finding, actor=actor, at=now, late=late,
               files=[f.sha256 for f in files], rectification=finding.rectification[:500])
    return finding


@transaction.atomic
def finding_verify(
    *, finding: Finding, actor, accept: bool, reason: str = "", now: datetime.datetime | None = None
) -> Finding:
    """Verify a submitted rectification: accept (→ 已销号) or send it back with a reason (→ 整改中,
    or 逾期 when the deadline has passed; its reminders resume). Only an inspector of the organization
    or the finding's author (`may_verify`). Logs finding.closed or finding.returned."""
    now = now or timezone.now()
    finding = _locked(finding)
    if actor is not None and not may_verify(actor, finding):
        raise ValidationError(_("只有纪检巡察人员或问题登记人可以核验整改。"))
    if finding.status != Status.SUBMITTED:
        raise ValidationError(_("只有“已整改待核验”的问题可以核验，该问题当前为“%(s)s”。") % {
            "s": finding.get_status_display()})
    if accept:
        finding.status, finding.closed_at, finding.closed_by = Status.CLOSED, now, actor
        finding.save(update_fields=["status", "closed_at", "closed_by"])
        log.append(action="finding.closed", subject=finding, actor=actor, at=now)
        return finding
    if not reason.strip():
        raise ValidationError(_("退回整改必须填写理由。"))
    finding.status, finding.return_reason = Status.RECTIFYING, reason.strip()
    _schedule(finding, now)
    finding.save(update_fields=["status", "return_reason", "next_reminder_at"])
    log.append(action="finding.returned", subject=finding, actor=actor, at=now, reason=finding.return_reason,
               status=finding.status)
    return finding


@transaction.atomic
def findings_mark_overdue(*, now: datetime.datetime, limit: int) -> list[tuple[int, int]]:
    """Mark up to `limit` findings still owed (待整改, 整改中) whose deadline has passed at `now` 逾期.

    Rows are claimed (`ClaimQuerySet.claim`): a doubled or concurrent sweep marks each once. Each gets
    a finding.overdue log entry without actor (the scheduler). Returns (id, organization id) per row.
    The scheduler's overdue sweep calls it (accountability.deadlines)."""
    claimed = (
        Finding.objects.filter(status__in=Finding.OWED, due_at__lte=now)
        .claim("organization_id", limit=limit, status=Status.OVERDUE, next_reminder_at=None)
    )
    for finding in Finding.objects.filter(pk__in=[pk for pk, _org in claimed]).select_related("organization"):
        log.append(action="finding.overdue", subject=finding, actor=None, at=now, due_date=finding.due_date)
    return claimed
