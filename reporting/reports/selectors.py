"""Reads for reports: what a user may see, versions, addressees and the facts drawn from the data."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting import typesetting
from reporting.board import selectors as board_selectors
from reporting.board.selectors import BOARD_REPORTED, board_rows
from reporting.document import Block, Level, in_document_language
from reporting.models import COMPLETES, Report, ReportAttachment, ReportKind, ReportVersion
from reporting.pdf import attachment_lines, numbered_blocks
from responsibilities.models import Department, Obligation, Organization
from responsibilities.periods import Period
from responsibilities.permissions import Capability, visible

MEETING_SYSTEMS = ("special_study", "analysis", "theory_study", "joint_meeting")


# A template prompt (模板提示语): a full-width parenthesised instruction beginning with 请, as the draft
# templates write them (reporting/reports/services.py _default_blocks, reporting/board/services.py):
# 「（请列明下一步的工作措施。）」 — whether it stands alone or was left inside the drafter's own text
# (「……学习不够深入。（请补充具体事例）」): printed in a signed document, either is a promise unkept.
# At least two characters after 请, so that a word such as 「（请示）」 is not taken for one.
_TEMPLATE_PROMPT = re.compile(r"（请[^（）]{2,}）")


def template_prompts(blocks) -> list[str]:
    """The template prompts still standing in a report body, in order (duplicates kept).

    `blocks` is a version's body as stored: [{"level": 0-4, "text": "..."}, ...]; anything else in
    the list (or a non-list) is ignored. Returns the prompt texts, e.g. ["（请列明下一步的工作措施。）"],
    whether a prompt is a whole paragraph or part of one; [] when none is left. The one predicate for
    "signed with placeholder text": the inspector's flag (accountability/flags.py) and the signing
    guard (issue #9) both ask it.
    """
    if not isinstance(blocks, list):
        return []
    found = []
    for block in blocks:
        text = block.get("text") if isinstance(block, dict) else None
        if isinstance(text, str):
            found += _TEMPLATE_PROMPT.findall(text)
    return found


def signing_problems(blocks) -> list[str]:
    """Why a body may not be signed as it stands: one Chinese sentence per template prompt still in it
    (`template_prompts`) and per empty section, in the order they occur; [] when it may be signed.

    `blocks` as stored ([{"level": 0-4, "text": "..."}]). A section is a heading with everything below it
    up to the next heading of the same or a higher level; it is empty when no paragraph of text stands
    in it (directly or in a subsection). Every heading is required: a heading left without text would
    be printed as a promise the report does not keep. Sections are named as they print, e.g.
    「第二部分“存在的问题”仍是模板提示：（请列明存在的主要问题及原因。）」,
    「第一部分“基本情况”中的“（一）工作制度落实情况”没有正文内容。」. Asked by the sign-off
    (`report_sign`, issue #9 §2) and by the submission of a version signed before that guard.
    """
    if not isinstance(blocks, list):
        return [_("正文为空。")]
    rows = [b for b in blocks if isinstance(b, dict) and isinstance(b.get("text"), str) and b["text"].strip()]
    if not rows:
        return [_("正文为空。")]
    numbered = numbered_blocks(tuple(Block(Level(int(b["level"])), b["text"].strip()) for b in rows))
    prompts = set(template_prompts(rows))
    problems: list[str] = []
    path: list = []  # the headings enclosing the current block, outermost first
    filled: list[bool] = []  # whether each of them has text so far
    for block in numbered:
        if block.level == Level.PARAGRAPH:
            where = _section_name(path) if path else _("正文开头")
            if block.text in prompts:
                problems.append(_("%(where)s仍是模板提示：%(prompt)s") % {"where": where, "prompt": block.text})
            else:
                for prompt in _TEMPLATE_PROMPT.findall(block.text):
                    problems.append(_("%(where)s的正文中仍有模板提示：%(prompt)s") % {"where": where, "prompt": prompt})
            filled = [True] * len(filled)  # text, or a prompt already named: not reported empty as well
            continue
        while path and path[-1].level >= block.level:
            problems += _closed(path, filled)
        path.append(block)
        filled.append(False)
    while path:
        problems += _closed(path, filled)
    return problems


def _closed(path: list, filled: list[bool]) -> list[str]:
    """Close the innermost open section: a problem if it had no text (a prompt is already named)."""
    name = _section_name(path)
    path.pop()
    had_text = filled.pop()
    return [] if had_text else [_("%(where)s没有正文内容。") % {"where": name}]


def _section_name(path: list) -> str:
    """「第二部分“存在的问题”」 for a part (一级标题), with 「中的“（一）…”」 for the innermost subsection."""
    top, inner = path[0], path[-1]
    if top.level == Level.H1:
        name = _("第%(n)s部分“%(title)s”") % {"n": top.number.rstrip("、"), "title": top.text}
    else:
        name = f"“{top.number}{top.text}”"
    if inner is not top:
        name += _("中的“%(title)s”") % {"title": f"{inner.number}{inner.text}"}
    return name


def reports_visible(user, capability: str = Capability.VIEW) -> QuerySet[Report]:
    return visible(user, capability, Report.objects.select_related("organization"), via="organization")


def report_for_obligation(obligation: Obligation) -> tuple[str | None, Report | None]:
    """What 「起草报告」 on a report task starts from: (the report kind that completes the task's work
    system — COMPLETES read backwards —, the organization's report of that kind and period if one is
    already started). (None, None) for a task no report completes."""
    kind = next((k for k, code in COMPLETES.items() if code == obligation.work_system.code), None)
    if kind is None:
        return None, None
    period = "" if kind == ReportKind.MAJOR else obligation.period
    existing = (Report.objects.filter(organization_id=obligation.organization_id, kind=kind, period=period)
                .order_by("-pk").first() if period else None)
    return kind, existing


def latest_version(report: Report) -> ReportVersion | None:
    return report.versions.order_by("-number").first()


def issuer_mark(organization: Organization) -> str:
    return issuer_mark_of(organization.name)


def issuer_mark_of(name: str) -> str:
    """The name a party organ signs with: 江川市委宣传部 → 中共江川市委宣传部."""
    return name if name.startswith("中共") else f"中共{name}"


def default_addressee(organization: Organization) -> tuple[str, str]:
    """(主送, 抄送) for a report going upward: the upper committee, copied to its propaganda department."""
    parent = Organization.objects.get_parent(organization)
    if parent is None:
        return "", ""
    department = Department.objects.filter(organization=parent, kind=Department.Kind.PROPAGANDA).first()
    return issuer_mark(parent), department.name if department else ""


def issuing_department(report: Report) -> Department | None:
    """The department that issues `report` in its own name, or None when the organization issues it.

    The region summary (汇总报告) is the propaganda department's: it compiles the region's situation and
    reports it to the same-level committee and the upper propaganda department (DOMAIN.md §4 汇总汇报;
    000 篇二 第八条). An organization without a recorded propaganda department issues it itself."""
    if report.kind != ReportKind.SUMMARY:
        return None
    return Department.objects.filter(organization=report.organization, kind=Department.Kind.PROPAGANDA).first()


def summary_addressee(organization: Organization) -> tuple[str, str]:
    """(主送, 抄送) of the region summary: the same-level committee, copied to the upper propaganda
    department (DOMAIN.md §4 汇总汇报); ("中共江川市委", "") at the top of the tree."""
    parent = Organization.objects.get_parent(organization)
    department = (
        Department.objects.filter(organization=parent, kind=Department.Kind.PROPAGANDA).first() if parent else None
    )
    return issuer_mark(organization), department.name if department else ""


def attachment_names(version: ReportVersion, files: Iterable[ReportAttachment] | None = None) -> tuple[str, ...]:
    """The 附件 of a version, in order: its files' titles (`files` when the caller has read them
    already), then names listed without a file."""
    titles = tuple(a.title for a in (version.files.all() if files is None else files))
    return titles + tuple(version.attachments)


def report_facts(organization: Organization, period: Period, *, report: Report | None = None,
                 at: datetime.datetime | None = None, subtree: bool = False) -> dict:
    """The numbers a report states about its organization (or, `subtree=True`, its whole subtree) in
    `period`, from the data as it stands at `at` (default now).

    A report counts the obligation it completes itself (COMPLETES: 党委报告制度 for a 半年专题汇报,
    汇总汇报 for a 汇总报告) as done — late when `at` is past its deadline — because signing and submitting
    the report is what fulfils it (DOMAIN.md §4 党委报告制度; issue #9 §2): a report must never declare
    missing the very report it is. Shape: {"period", "period_label", "systems": [{"code", "name",
    "required", "done", "late", "overdue", "open", "waived", "meetings", "dates"}], "subordinates",
    "subordinate_reports": {board status: n}, "organizations" (subtree only), "computed_at"}."""
    at = at or timezone.now()
    own_code = COMPLETES.get(report.kind) if report is not None else None
    where = {"organization__path__startswith": organization.path} if subtree else {"organization": organization}
    obligations = Obligation.objects.filter(
        period_start__gte=period.start, period_end__lte=period.end, **where
    ).select_related("work_system").annotate(meeting_count=Count("meetings", filter=Q(meetings__withdrawn_at__isnull=True)))  # 撤回 is no evidence
    systems: dict[str, dict] = {}
    for ob in obligations.order_by("work_system__sort_order", "period_start", "pk"):
        entry = systems.setdefault(
            ob.work_system.code,
            {"code": ob.work_system.code, "name": ob.work_system.name, "required": 0, "done": 0, "late": 0,
             "overdue": 0, "open": 0, "waived": 0, "meetings": 0, "dates": []},
        )
        entry["required"] += 1
        entry["meetings"] += ob.meeting_count
        status, completed_at = ob.status, ob.completed_at
        if ob.is_open and own_code == ob.work_system.code and ob.organization_id == organization.pk:
            status = Obligation.Status.DONE_LATE if ob.is_late_at(at) else Obligation.Status.DONE
            completed_at = at
        if status in (Obligation.Status.DONE, Obligation.Status.DONE_LATE):
            entry["done"] += 1
            entry["late"] += status == Obligation.Status.DONE_LATE
            if completed_at:
                entry["dates"].append(f"{timezone.localtime(completed_at):%Y-%m-%d}")
        elif status == Obligation.Status.OVERDUE:
            entry["overdue"] += 1
        elif status == Obligation.Status.WAIVED:
            entry["waived"] += 1
        else:
            entry["open"] += 1
    children = Organization.objects.filter(path__startswith=organization.path, depth=organization.depth + 1)
    board = Counter(status for _org, status in board_rows(organization, period, ReportKind.HALF_YEAR))
    facts = {
        "period": period.code,
        "period_label": period.label,
        "systems": list(systems.values()),
        "subordinates": children.count(),
        "subordinate_reports": dict(board),
        "computed_at": at.isoformat(timespec="seconds"),
    }
    if subtree:
        facts["organizations"] = Organization.objects.filter(path__startswith=organization.path).count()
    return facts


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


# -- live figures ------------------------------------------------------------------------------
# A block flagged "facts" in a stored body is a place-holder for a statistics section: True (the
# work-system figures) or the name of a section of the region summary. An unsigned version shows the
# sections computed now; signing writes the figures of that moment into the signed version for good
# (issue #9 §2: never stale copies). The first block of a section stands for the whole section.

FACTS_STATS = "stats"
FACTS_KEYS = (FACTS_STATS, "intro", "reports", "laggards")


def facts_key(block: dict) -> str | None:
    flag = block.get("facts") if isinstance(block, dict) else None
    if not flag:
        return None
    return flag if isinstance(flag, str) else FACTS_STATS


def facts_flag(key: str) -> bool | str:
    return True if key == FACTS_STATS else key


def live_blocks(blocks: list[dict], sections: dict[str, list[str]]) -> list[dict]:
    """`blocks` with each statistics section replaced by its lines in `sections` (a section not in
    `sections` keeps its stored text)."""
    out, seen = [], set()
    for block in blocks:
        key = facts_key(block)
        if key is None or key not in sections:
            out.append(block)
            continue
        if key in seen:
            continue
        seen.add(key)
        out += [{"level": int(Level.PARAGRAPH), "text": line, "facts": facts_flag(key)} for line in sections[key]]
    return out


@in_document_language
def live_figures(report: Report, *, at: datetime.datetime | None = None) -> tuple[dict, dict[str, list[str]]]:
    """(facts, sections) of `report` from the data at `at` (default now): the figures as a dict (stored
    on a signed version) and the text of each statistics section. A report without a period has none."""
    if not report.period:
        return {}, {}
    period = Period.parse(report.period)
    organization = report.organization
    if report.kind == ReportKind.SUMMARY:
        return summary_figures(organization, period, report=report, at=at)
    facts = report_facts(organization, period, report=report, at=at)
    return facts, {FACTS_STATS: facts_paragraphs(facts) or [_("本期暂无工作任务数据。")]}


def summary_figures(organization: Organization, period: Period, *, report: Report | None = None,
                    at: datetime.datetime | None = None) -> tuple[dict, dict[str, list[str]]]:
    """The region summary's live sections (DOMAIN.md §4 汇总汇报): who below reported how ("intro",
    "reports"), the figures of the whole subtree recomputed from its obligations ("stats"), and the
    units not yet reported, from the board's laggards ("laggards")."""
    state = board_selectors.board(organization, period, ReportKind.HALF_YEAR)
    reported, missing = state.reported, state.laggards
    on_time = sum(1 for e in reported if e.submission and e.submission.on_time)
    received = sum(1 for e in reported if e.status == board_selectors.BOARD_RECEIVED)
    facts = report_facts(organization, period, report=report, at=at, subtree=True)
    facts["subordinate_reports"] = {status: n for status, _label, n in state.counts if n}
    facts["subordinates"] = len(state.entries)
    intro = _(
        "根据意识形态工作责任制关于党委（党组）报告制度的要求，%(org)s所属 %(n)s 个下级党组织应报送"
        "%(period)s意识形态工作专题报告。截至目前，已报送 %(reported)s 个（其中按时 %(on_time)s 个、"
        "逾期 %(late)s 个，已签收 %(received)s 个），未报送 %(missing)s 个。现将有关情况汇总报告如下。"
    ) % {"org": organization.name, "n": len(state.entries), "period": period.label,
         "reported": len(reported), "on_time": on_time, "late": len(reported) - on_time,
         "received": received, "missing": len(missing)}
    stats = [_("以下数据根据本系统记录的工作任务统计，范围为%(org)s及所属各级党组织共 %(n)s 个：") % {
        "org": organization.name, "n": facts["organizations"]}]
    stats += facts_paragraphs({"systems": facts["systems"]}) or [_("本期暂无工作任务数据。")]
    if missing:
        names = "、".join(_("%(org)s（%(status)s）") % {"org": e.organization.name, "status": e.label}
                         for e in missing)
        laggards = [_("截至目前尚未报送的单位共 %(n)s 个：%(names)s。") % {"n": len(missing), "names": names}]
    else:
        laggards = [_("所属下级党组织均已报送本期报告。")]
    sections = {
        "intro": [intro],
        "reports": [_summary_line(i, e) for i, e in enumerate(state.entries, start=1)],
        FACTS_STATS: stats,
        "laggards": laggards,
    }
    return facts, sections


def _summary_line(index: int, entry) -> str:
    name = entry.organization.name
    sub = entry.submission
    when = (_("按时") if sub.on_time else _("逾期")) if sub else ""
    if entry.status == board_selectors.BOARD_RECEIVED:
        text = _("%(org)s：已签收（%(when)s，%(no)s）") % {"org": name, "when": when, "no": sub.version.doc_number}
    elif entry.status in (board_selectors.BOARD_ON_TIME, board_selectors.BOARD_LATE):
        text = _("%(org)s：已报送，待签收（%(when)s，%(no)s）") % {
            "org": name, "when": when, "no": sub.version.doc_number}
    elif entry.status == board_selectors.BOARD_SIGNED:
        text = _("%(org)s：已签发，未报送") % {"org": name}
    elif entry.status == board_selectors.BOARD_RETURNED:
        text = _("%(org)s：已退回，待重新报送") % {"org": name}
    elif entry.status == board_selectors.BOARD_DRAFT:
        text = _("%(org)s：草稿，未报送") % {"org": name}
    else:
        text = _("%(org)s：未起草") % {"org": name}
    return f"{index}. {text}"


def version_blocks(version: ReportVersion) -> list[dict]:
    """The body as it prints: a signed version's stored blocks; an unsigned one's with live figures."""
    if version.is_signed:
        return list(version.blocks)
    return live_blocks(list(version.blocks), live_figures(version.report)[1])


@dataclass(frozen=True)
class Rendered:
    """A version as the page shows it: headings numbered like the PDF, text left plain (escaped later)."""

    version: ReportVersion
    blocks: list
    attachments: list[str]
    live_rows: frozenset = frozenset()  # indexes of the blocks that are live figures (unsigned only)
    files: tuple = ()  # the version's ReportAttachment rows, in order

    @property
    def title_lines(self) -> list[str]:
        """The title broken into the lines the signed PDF prints (GB/T 9704 7.3.1), for the page's preview."""
        return typesetting.title_lines(self.version.title)

    @property
    def live(self) -> bool:
        return bool(self.live_rows)


def rendered(version: ReportVersion) -> Rendered:
    stored = version_blocks(version)
    blocks = tuple(Block(Level(int(b["level"])), b["text"]) for b in stored)
    live = frozenset() if version.is_signed else frozenset(i for i, b in enumerate(stored) if facts_key(b))
    files = tuple(version.files.all())  # read once: the 附件 lines and the file list
    return Rendered(version, numbered_blocks(blocks), attachment_lines(attachment_names(version, files)), live,
                    files)


def periodic_report(organization, kind: str, period) -> Report | None:
    """The report of `kind` for `period` of `organization` (one per organization, kind and period), or
    None; None for no period (重大情况 reports are not one per period)."""
    if period is None:
        return None
    return Report.objects.filter(organization=organization, kind=kind, period=period.code).first()

