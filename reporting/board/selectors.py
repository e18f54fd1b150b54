"""Reads for the submission board (报送情况) and the region summary: who below has reported what."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Max
from django.utils.translation import gettext_lazy

from reporting.models import COMPLETES, Report, ReportKind, Submission
from responsibilities.models import Obligation, Organization
from responsibilities.periods import Period, PeriodKind

# -- the submission board ------------------------------------------------------------------------

BOARD_MISSING = "missing"  # 未起草
BOARD_DRAFT = "draft"  # 草稿
BOARD_SIGNED = "signed"  # 已签发
BOARD_ON_TIME = "on_time"  # 已报送（按时）
BOARD_LATE = "late"  # 已报送（逾期）
BOARD_RECEIVED = "received"  # 已签收
BOARD_RETURNED = "returned"  # 已退回
BOARD_REPORTED = (BOARD_ON_TIME, BOARD_LATE, BOARD_RECEIVED)
BOARD_LABELS = {  # lazy: the board shows them in the user's language, documents in Chinese
    BOARD_MISSING: gettext_lazy("未起草"),
    BOARD_DRAFT: gettext_lazy("草稿"),
    BOARD_SIGNED: gettext_lazy("已签发"),
    BOARD_ON_TIME: gettext_lazy("已报送（按时）"),
    BOARD_LATE: gettext_lazy("已报送（逾期）"),
    BOARD_RECEIVED: gettext_lazy("已签收"),
    BOARD_RETURNED: gettext_lazy("已退回"),
}


def board_rows(upper: Organization, period: Period, kind: str) -> list[tuple[Organization, str]]:
    """Each direct subordinate of `upper` with the status of its report of `kind` for `period`."""
    children = list(
        Organization.objects.filter(path__startswith=upper.path, depth=upper.depth + 1).order_by("sort_order", "path")
    )
    reports = {
        r.organization_id: r
        for r in Report.objects.filter(organization__in=children, kind=kind, period=period.code)
    }
    latest_submission = {}
    for sub in Submission.objects.filter(report__in=reports.values()).order_by("submitted_at", "pk"):
        latest_submission[sub.report_id] = sub
    rows = []
    for child in children:
        report = reports.get(child.pk)
        rows.append((child, _board_status(report, latest_submission.get(report.pk) if report else None)))
    return rows


def _board_status(report: Report | None, submission: Submission | None) -> str:
    if report is None:
        return BOARD_MISSING
    if report.status == Report.Status.RECEIVED:
        return BOARD_RECEIVED
    if report.status == Report.Status.RETURNED:
        return BOARD_RETURNED
    if report.status == Report.Status.SUBMITTED:
        return BOARD_ON_TIME if submission is None or submission.on_time else BOARD_LATE
    if report.status == Report.Status.SIGNED:
        return BOARD_SIGNED
    return BOARD_DRAFT


# -- the submission board in full, the region summary's figures, verification --------------------
# (board_rows above answers "which status"; the board page also needs the report, the latest
# submission and the deadline of each row, in a fixed number of queries however many rows.)

BOARD_LAGGARDS = (BOARD_MISSING, BOARD_DRAFT, BOARD_SIGNED, BOARD_RETURNED)


@dataclass(frozen=True)
class BoardEntry:
    organization: Organization
    status: str
    report: Report | None
    submission: Submission | None  # the latest one, if the report was ever submitted
    obligation: Obligation | None  # the obligation the report completes: its deadline

    @property
    def label(self) -> str:
        return BOARD_LABELS[self.status]

    @property
    def reported(self) -> bool:
        return self.status in BOARD_REPORTED

    @property
    def lagging(self) -> bool:
        return self.status in BOARD_LAGGARDS

    @property
    def expandable(self) -> bool:
        return self.organization.numchild > 0


@dataclass(frozen=True)
class Board:
    upper: Organization
    period: Period
    kind: str
    entries: list[BoardEntry]

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """(status, label, count) for every status, in the board's order, zeros included."""
        counted = Counter(entry.status for entry in self.entries)
        return [(status, label, counted[status]) for status, label in BOARD_LABELS.items()]

    @property
    def laggards(self) -> list[BoardEntry]:
        return [entry for entry in self.entries if entry.lagging]

    @property
    def reported(self) -> list[BoardEntry]:
        return [entry for entry in self.entries if entry.reported]


def board(upper: Organization, period: Period, kind: str) -> Board:
    """Each direct subordinate of `upper` with its report of `kind` for `period`: four queries."""
    below = {"organization__path__startswith": upper.path, "organization__depth": upper.depth + 1}
    children = list(
        Organization.objects.filter(path__startswith=upper.path, depth=upper.depth + 1).order_by("sort_order", "path")
    )
    reports = {r.organization_id: r for r in Report.objects.filter(kind=kind, period=period.code, **below)}
    latest: dict[int, Submission] = {}
    submissions = Submission.objects.filter(
        report__kind=kind, report__period=period.code, **{f"report__{k}": v for k, v in below.items()}
    ).select_related("version", "submitted_by", "handled_by")
    for sub in submissions.order_by("submitted_at", "pk"):
        latest[sub.report_id] = sub
    code = COMPLETES.get(kind)
    obligations = (
        {ob.organization_id: ob for ob in Obligation.objects.filter(work_system__code=code, period=period.code, **below)}
        if code else {}
    )
    entries = []
    for child in children:
        report = reports.get(child.pk)
        submission = latest.get(report.pk) if report else None
        entries.append(BoardEntry(child, _board_status(report, submission), report, submission,
                                  obligations.get(child.pk)))
    return Board(upper, period, kind, entries)


def nearest_period(upper: Organization, kind: str, today: datetime.date) -> Period:
    """The period the board opens on: of the previous, current and next periods (half-years; years for
    the annual inspection report), the one whose deadline is nearest to `today`, before or after it
    (issue #9 §2), so that early in July the board still shows the half-year just closed.

    A period's deadline is the latest due date of the obligations its report completes for `upper`'s
    direct subordinates (the board's rows; COMPLETES); a period without such obligations falls back to
    its last day (DOMAIN.md §4: by 30 June and 31 December). A tie goes to the earlier period. One query.
    """
    length = PeriodKind.YEAR if kind == ReportKind.INSPECTION else PeriodKind.HALF
    current = Period.containing(length, today)
    candidates = [current.previous(), current, current.next()]
    deadlines = {period.code: period.end for period in candidates}
    code = COMPLETES.get(kind)
    if code:
        rows = Obligation.objects.filter(
            work_system__code=code, period__in=list(deadlines), due_date__isnull=False,
            organization__path__startswith=upper.path, organization__depth=upper.depth + 1,
        ).values("period").annotate(deadline=Max("due_date"))
        deadlines.update({row["period"]: row["deadline"] for row in rows})
    return min(candidates, key=lambda period: abs((deadlines[period.code] - today).days))


def summary_report_of(organization: Organization, period: Period) -> Report | None:
    return Report.objects.filter(organization=organization, kind=ReportKind.SUMMARY, period=period.code).first()
