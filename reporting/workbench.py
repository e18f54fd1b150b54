"""The reports' panels of the workbench (responsibilities.workbench), registered by ReportingConfig.ready:

- 待签发 (who signs): the drafts whose signature was asked of this user (提请签发, reporting.handoffs),
  with the deadline each report serves (the obligation it completes, `COMPLETES`);
- 待报送 / 被退回 (the staff of the report's organization): signed and not yet submitted / returned;
- 待签收 (the staff of the upper organization): submissions addressed to an organization they are staff
  of themselves, not to the levels below it;
- 未报送的下级 (the same staff): the direct subordinates lagging on the current half-year's report
  (`board.selectors.board`, the board's own default period and kind).

Each is one selector with a fixed number of queries.
"""

from __future__ import annotations

import datetime
import operator
from functools import reduce
from urllib.parse import urlencode

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from reporting import handoffs
from reporting.board.selectors import board
from reporting.models import COMPLETES, Report, ReportKind, ReportVersion, Submission
from responsibilities import workbench
from responsibilities.models import Notification, Obligation, Organization
from responsibilities.org.selectors import staffed_organization_ids
from responsibilities.periods import Period, PeriodKind
from responsibilities.permissions import Capability, has_any
from responsibilities.workbench import ENTRIES, Card, Entry, Panel

LAGGARD_BOARDS = 3  # upper organizations looked at (four queries each)


def _deadlines(reports: list[Report]) -> dict[int, datetime.date | None]:
    """{report id: the due date of the obligation it completes (report_obligation's rule)}: one query."""
    wanted = [Q(organization_id=r.organization_id, work_system__code=COMPLETES[r.kind], period=r.period)
              for r in reports if COMPLETES.get(r.kind) and r.period]
    found = {
        (ob.organization_id, ob.work_system.code, ob.period): ob.due_date
        for ob in Obligation.objects.filter(reduce(operator.or_, wanted)).select_related("work_system")
    } if wanted else {}
    return {r.pk: found.get((r.organization_id, COMPLETES.get(r.kind), r.period)) for r in reports}


def _report_title(report: Report) -> str:
    """The latest version's title (annotated by `_staff_reports`): two 重大情况 reports must be told apart."""
    return report.latest_title or str(report)


def to_sign(user, today: datetime.date) -> Card | None:
    """待签发: the open 提请签发 notices addressed to `user` and the reports they concern, earliest
    deadline first. None for who may sign nowhere. Four queries."""
    if not has_any(user, Capability.SIGN_REPORT):
        return None
    notices = Notification.objects.filter(recipient=user, item_type=handoffs.SIGN, done_at__isnull=True)
    count = notices.count()
    versions = list(ReportVersion.objects.filter(pk__in=notices.values("item_id"))
                    .select_related("report__organization").order_by("-created_at")[:50])
    reports = [v.report for v in versions]
    due = _deadlines(reports)
    far = datetime.date.max
    versions.sort(key=lambda v: (due[v.report_id] or far, v.pk))
    entries = [Entry(title=v.title, detail=v.report.organization.name, due_date=due[v.report_id],
                     url=reverse("reporting:report_sign", args=[v.report_id])) for v in versions[:ENTRIES]]
    return Card(count=count, entries=entries)


def _staff_reports(user, status: str) -> tuple[int, list[Report]] | None:
    org_ids = staffed_organization_ids(user)
    if not org_ids:
        return None
    qs = Report.objects.filter(organization_id__in=org_ids, status=status)
    latest_title = ReportVersion.objects.filter(report=OuterRef("pk")).order_by("-number").values("title")[:1]
    return qs.count(), list(qs.select_related("organization").annotate(latest_title=Subquery(latest_title))
                            .order_by("-updated_at", "-pk")[:ENTRIES])


def to_submit(user, today: datetime.date) -> Card | None:
    """待报送: reports of the user's organizations (staff) signed and not yet submitted. Four queries."""
    found = _staff_reports(user, Report.Status.SIGNED)
    if found is None:
        return None
    count, reports = found
    due = _deadlines(reports)
    return Card(count=count, entries=[
        Entry(title=_report_title(r), detail=r.organization.name, due_date=due[r.pk],
              url=reverse("reporting:report_submit", args=[r.pk])) for r in reports])


def returned(user, today: datetime.date) -> Card | None:
    """被退回: reports of the user's organizations returned by the upper organization, with the latest
    reason. Five queries."""
    found = _staff_reports(user, Report.Status.RETURNED)
    if found is None:
        return None
    count, reports = found
    due = _deadlines(reports)
    reasons: dict[int, str] = {}
    for sub in (Submission.objects.filter(report__in=reports, status=Submission.Status.RETURNED)
                .order_by("handled_at", "pk").only("report_id", "return_reason")):
        reasons[sub.report_id] = sub.return_reason
    return Card(count=count, entries=[
        Entry(title=_report_title(r), due_date=due[r.pk], url=reverse("reporting:report_detail", args=[r.pk]),
              detail=_("%(org)s · 退回理由：%(reason)s") % {"org": r.organization.name, "reason": reasons.get(r.pk, "")})
        for r in reports])


def to_receive(user, today: datetime.date) -> Card | None:
    """待签收: submissions awaiting receipt addressed to an organization the user is staff of, oldest
    first. Three queries."""
    org_ids = staffed_organization_ids(user)
    if not org_ids:
        return None
    qs = Submission.objects.filter(to_organization_id__in=org_ids, status=Submission.Status.SUBMITTED)
    rows = qs.select_related("report__organization", "version").order_by("submitted_at", "pk")[:ENTRIES]
    return Card(count=qs.count(), more_url=reverse("reporting:submission_inbox"), entries=[
        # The sender's deadline is not the receiver's: said as 按时 / 逾期 N 天 of the submission, not as a red
        # 已逾期 badge that would read as if the 签收 were late.
        Entry(title=s.version.title, url=reverse("reporting:submission_detail", args=[s.pk]),
              detail=_("%(org)s · %(at)s报送 · %(when)s") % {
                  "org": s.report.organization.name, "at": date_format(timezone.localdate(s.submitted_at), _("Y年n月j日")),
                  "when": ngettext("逾期 %(n)s 天", "逾期 %(n)s 天", s.days_late) % {"n": s.days_late}
                  if s.days_late else _("按时")})
        for s in rows])


def laggards(user, today: datetime.date) -> Card | None:
    """未报送的下级: for the first LAGGARD_BOARDS organizations the user is staff of that have
    subordinates, the direct subordinates whose half-year report for the current half-year is not
    submitted yet (the board's laggards). At most 2 + 4 × LAGGARD_BOARDS queries."""
    org_ids = staffed_organization_ids(user)
    if not org_ids:
        return None
    uppers = list(Organization.objects.filter(pk__in=org_ids, numchild__gt=0).order_by("path")[:LAGGARD_BOARDS])
    if not uppers:
        return None
    period = Period.containing(PeriodKind.HALF, today)
    count, entries = 0, []
    for upper in uppers:
        lagging = board(upper, period, ReportKind.HALF_YEAR).laggards
        count += len(lagging)
        query = urlencode({"org": upper.pk, "period": period.code, "kind": ReportKind.HALF_YEAR})
        url = f"{reverse('reporting:board')}?{query}"
        entries += [Entry(title=e.organization.name, detail=f"{period.label} · {e.label}", url=url,
                          due_date=e.obligation.due_date if e.obligation else None,
                          due_provisional=bool(e.obligation and e.obligation.due_provisional)) for e in lagging]
    return Card(count=count, entries=entries[:ENTRIES])


def register_panels() -> None:
    workbench.register(Panel("reports.to_sign", gettext_lazy("待签发"), 20, to_sign,
                             gettext_lazy("已提请您签发的报告")))
    workbench.register(Panel("reports.to_submit", gettext_lazy("待报送"), 21, to_submit,
                             gettext_lazy("已签发、尚未报送上级的报告")))
    workbench.register(Panel("reports.returned", gettext_lazy("被退回"), 22, returned,
                             gettext_lazy("上级退回、需修改后重新签发报送的报告")))
    workbench.register(Panel("reports.to_receive", gettext_lazy("待签收"), 30, to_receive,
                             gettext_lazy("下级报送给本组织、等待签收的报告")))
    workbench.register(Panel("reports.laggards", gettext_lazy("未报送的下级"), 31, laggards,
                             gettext_lazy("本期半年报告尚未报送的直属下级组织")))
