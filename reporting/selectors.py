"""Reads for reports: facts from the data, what a user may see, the submission board, verification."""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reporting.models import Report, ReportKind, ReportVersion, Submission
from responsibilities.models import Department, Obligation, Organization, RoleAssignment, WorkSystem
from responsibilities.periods import Period
from responsibilities.permissions import Capability, visible
from responsibilities.selectors import holder_on

# The work system whose obligation a report of each kind completes.
COMPLETES = {
    ReportKind.HALF_YEAR: "party_report",
    ReportKind.SUMMARY: "summary_report",
    ReportKind.INSPECTION: "inspection",
    ReportKind.MAJOR: "major_report",
}
MEETING_SYSTEMS = ("special_study", "analysis", "theory_study", "joint_meeting")


def reports_visible(user, capability: str = Capability.VIEW) -> QuerySet[Report]:
    return visible(user, capability, Report.objects.select_related("organization"), via="organization")


def latest_version(report: Report) -> ReportVersion | None:
    return report.versions.order_by("-number").first()


def signed_version_by_hash(sha256: str) -> ReportVersion | None:
    return (
        ReportVersion.objects.filter(pdf_sha256=sha256, signed_at__isnull=False)
        .select_related("report__organization", "signer", "signed_by", "delegation__delegate")
        .first()
    )


def issuer_mark(organization: Organization) -> str:
    name = organization.name
    return name if name.startswith("中共") else f"中共{name}"


def default_addressee(organization: Organization) -> tuple[str, str]:
    """(主送, 抄送) for a report going upward: the upper committee, copied to its propaganda department."""
    parent = Organization.objects.get_parent(organization)
    if parent is None:
        return "", ""
    department = Department.objects.filter(organization=parent, kind=Department.Kind.PROPAGANDA).first()
    return issuer_mark(parent), department.name if department else ""


@dataclass(frozen=True)
class SystemFact:
    code: str
    name: str
    required: int  # obligations of the period
    done: int
    late: int
    overdue: int
    open: int
    waived: int
    meetings: int  # meetings recorded (for meeting systems)
    dates: tuple[str, ...]  # completion dates, Y-m-d


def report_facts(organization: Organization, period: Period) -> dict:
    """The numbers a report states about its own organization and its subordinates in `period`."""
    obligations = Obligation.objects.filter(
        organization=organization, period_start__gte=period.start, period_end__lte=period.end
    ).select_related("work_system").annotate(meeting_count=Count("meetings"))
    systems: dict[str, dict] = {}
    for ob in obligations.order_by("work_system__sort_order", "period_start"):
        entry = systems.setdefault(
            ob.work_system.code,
            {"code": ob.work_system.code, "name": ob.work_system.name, "required": 0, "done": 0, "late": 0,
             "overdue": 0, "open": 0, "waived": 0, "meetings": 0, "dates": []},
        )
        entry["required"] += 1
        entry["meetings"] += ob.meeting_count
        if ob.status in (Obligation.Status.DONE, Obligation.Status.DONE_LATE):
            entry["done"] += 1
            entry["late"] += ob.status == Obligation.Status.DONE_LATE
            if ob.completed_at:
                entry["dates"].append(f"{timezone.localtime(ob.completed_at):%Y-%m-%d}")
        elif ob.status == Obligation.Status.OVERDUE:
            entry["overdue"] += 1
        elif ob.status == Obligation.Status.WAIVED:
            entry["waived"] += 1
        else:
            entry["open"] += 1
    children = Organization.objects.filter(path__startswith=organization.path, depth=organization.depth + 1)
    board = Counter(status for _org, status in board_rows(organization, period, ReportKind.HALF_YEAR))
    return {
        "period": period.code,
        "period_label": period.label,
        "systems": list(systems.values()),
        "subordinates": children.count(),
        "subordinate_reports": dict(board),
        "computed_at": timezone.now().isoformat(timespec="seconds"),
    }


def facts_paragraphs(facts: dict) -> list[str]:
    """The statistics section's text, written from the facts (the author may edit it afterwards)."""
    lines = []
    for s in facts.get("systems", []):
        text = f"{s['name']}：应完成 {s['required']} 项，已完成 {s['done']} 项"
        if s["late"]:
            text += f"（其中逾期完成 {s['late']} 项）"
        if s["overdue"]:
            text += f"，逾期未完成 {s['overdue']} 项"
        if s["waived"]:
            text += f"，经批准免除 {s['waived']} 项"
        if s["open"]:
            text += f"，尚在办理 {s['open']} 项"
        if s["code"] in MEETING_SYSTEMS and s["meetings"]:
            text += f"；共召开（组织）会议 {s['meetings']} 次"
        lines.append(text + "。")
    if facts.get("subordinates"):
        reports = facts.get("subordinate_reports", {})
        done = sum(n for status, n in reports.items() if status in BOARD_REPORTED)
        lines.append(
            f"下级党组织 {facts['subordinates']} 个，已报送本期专题报告 {done} 个，未报送 {facts['subordinates'] - done} 个。"
        )
    return lines


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


def submissions_inbox(user) -> QuerySet[Submission]:
    """Submissions addressed to organizations whose reports the user handles (manage on the receiver)."""
    return visible(
        user, Capability.MANAGE,
        Submission.objects.select_related("report__organization", "version", "to_organization"),
        via="to_organization",
    ).order_by("status", "-submitted_at")


def signer_for(organization: Organization, day: datetime.date):
    """Who may sign for `organization` on `day`: the 第一责任人 then, by the role history."""
    return holder_on(organization, RoleAssignment.Role.SECRETARY, day)


# -- the submission board in full, the region summary's figures, verification --------------------
# (board_rows above answers "which status"; the board page also needs the report, the latest
# submission and the deadline of each row, in a fixed number of queries however many rows.)

BOARD_LAGGARDS = (BOARD_MISSING, BOARD_DRAFT, BOARD_SIGNED, BOARD_RETURNED)
SUMMED_FIELDS = ("required", "done", "late", "overdue", "open", "waived", "meetings")


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


def summary_report_of(organization: Organization, period: Period) -> Report | None:
    return Report.objects.filter(organization=organization, kind=ReportKind.SUMMARY, period=period.code).first()


def summed_facts(facts_list: list[dict]) -> list[dict]:
    """The work-system figures of several reports added up (the region's key figures)."""
    systems: dict[str, dict] = {}
    for facts in facts_list:
        for s in facts.get("systems", []):
            entry = systems.setdefault(s["code"], {"code": s["code"], "name": s["name"], "dates": [],
                                                    **dict.fromkeys(SUMMED_FIELDS, 0)})
            for name in SUMMED_FIELDS:
                entry[name] += int(s.get(name, 0))
    order = {code: i for i, code in enumerate(
        WorkSystem.objects.filter(code__in=systems).order_by("sort_order", "code").values_list("code", flat=True)
    )}
    return sorted(systems.values(), key=lambda s: order.get(s["code"], len(order)))


# -- verification (验证) ----------------------------------------------------------------------------


def signed_version_of_file(chunks: Iterable[bytes]) -> ReportVersion | None:
    """The signed version whose stored PDF is byte-identical to the file read in `chunks`."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return signed_version_by_hash(digest.hexdigest())


def verification_lines(version: ReportVersion, *, detailed: bool) -> list[tuple[str, str]]:
    """What a verification tells about a genuine document, as (label, value) pairs.

    Without `detailed` (a viewer outside the issuing organization's scope) only what the document
    itself shows on its face: the document number and the issuing organization.
    """
    organization = version.report.organization
    lines = [(_("发文字号"), version.doc_number), (_("发文组织"), organization.name)]
    if not detailed:
        return lines
    signed_at = timezone.localtime(version.signed_at)
    lines += [
        (_("标题"), version.title),
        (_("报告类型"), version.report.get_kind_display()),
        (_("报告期间"), Period.parse(version.report.period).label if version.report.period else "—"),
        (_("版本"), _("第 %(n)s 版") % {"n": version.number}),
        (_("签发人"), version.signer.name if version.signer else "—"),
        (_("签发账号"), version.signed_by.get_username() if version.signed_by else "—"),
        (_("签发时间"), f"{signed_at:%Y-%m-%d %H:%M}"),
    ]
    if version.delegation_id:
        d = version.delegation
        lines.append((_("委托签发"), _("%(name)s受委托签发（委托期 %(start)s 至 %(end)s，事由：%(reason)s）") % {
            "name": d.delegate.name, "start": f"{d.start_date:%Y-%m-%d}", "end": f"{d.end_date:%Y-%m-%d}",
            "reason": d.reason}))
    lines.append(("SHA-256", version.pdf_sha256))
    return lines
