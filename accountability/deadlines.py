"""Accountability's deadlines, chased by the scheduler's one reminder and overdue sweep
(responsibilities.scheduling.chase): a finding's rectification deadline (整改期限) and a decided
case's filing deadline (备案期限). Registered at start-up (AccountabilityConfig.ready)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from accountability.cases.services import cases_mark_filing_overdue
from accountability.findings.services import findings_mark_overdue
from accountability.models import Case, Finding
from responsibilities.org.selectors import staff_of
from responsibilities.scheduling import chase
from responsibilities.text import chinese_date


def _finding_recipients(claimed: list[tuple], day: datetime.date) -> dict[int, set[int]]:
    """The rectifying organization's staff and the responsible person's account."""
    staff = staff_of({org_id for _pk, org_id, *_rest in claimed})
    people = dict(Finding.objects.filter(pk__in=[row[0] for row in claimed], responsible_person__user__is_active=True)
                  .values_list("pk", "responsible_person__user_id"))
    result = {}
    for pk, org_id, *_rest in claimed:
        users = set(staff.get(org_id, ())) | ({people[pk]} if pk in people else set())
        if users:
            result[pk] = users
    return result


def _finding_notices(pks: list[int]) -> dict[int, chase.Notice]:
    return {
        f.pk: chase.Notice(
            what=f"问题整改（{f.description[:20]}）", organization=f.organization.name, due_date=f.due_date,
            body=f"整改单位：{f.organization.name}\n问题：{f.description[:200]}\n整改期限：{chinese_date(f.due_date)}",
            url=reverse("accountability:finding_detail", args=[f.pk]),
        )
        for f in Finding.objects.filter(pk__in=pks).select_related("organization")
    }


def _case_recipients(claimed: list[tuple], day: datetime.date) -> dict[int, set[int]]:
    """Whoever registered the case (the inspector working it)."""
    rows = Case.objects.filter(pk__in=[row[0] for row in claimed], created_by__is_active=True)
    return {pk: {uid} for pk, uid in rows.values_list("pk", "created_by_id")}


def _case_notices(pks: list[int]) -> dict[int, chase.Notice]:
    return {
        c.pk: chase.Notice(
            what=f"问责决定备案（{c.title}）", organization=c.authority.name, due_date=c.due_date,
            body=f"案件：{c.title}\n决定书：{c.decision_number}\n备案机关：{c.filing_to}\n备案期限：{chinese_date(c.due_date)}",
            url=reverse("accountability:case_detail", args=[c.pk]),
        )
        for c in Case.objects.filter(pk__in=pks).select_related("authority")
    }


FINDINGS = chase.Chased(
    item_type="accountability.finding",
    pending=lambda: Finding.objects.filter(status__in=Finding.OWED),
    mark_overdue=findings_mark_overdue,
    recipients=_finding_recipients,
    notices=_finding_notices,
)

FILINGS = chase.Chased(
    item_type="accountability.case",
    pending=lambda: Case.objects.filter(status__in=(Case.Status.DECIDED, Case.Status.EXECUTING),
                                        filing_overdue_at__isnull=True),
    mark_overdue=cases_mark_filing_overdue,
    recipients=_case_recipients,
    notices=_case_notices,
    claim_fields=("authority_id",),
)


def register() -> None:
    chase.register(FINDINGS)
    chase.register(FILINGS)
