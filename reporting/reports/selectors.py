"""Reads for reports: what a user may see, versions, addressees and the facts drawn from the data."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.board.selectors import BOARD_REPORTED, board_rows
from reporting.document import Block, Level
from reporting.models import COMPLETES, Report, ReportKind, ReportVersion
from reporting.pdf import attachment_lines, numbered_blocks
from responsibilities.models import Department, Obligation, Organization
from responsibilities.periods import Period
from responsibilities.permissions import Capability, visible

MEETING_SYSTEMS = ("special_study", "analysis", "theory_study", "joint_meeting")


# A template prompt (模板提示语): a paragraph that is nothing but a full-width parenthesised instruction
# beginning with 请, as the draft templates write them (reporting/reports/services.py _default_blocks,
# reporting/board/services.py): 「（请列明下一步的工作措施。）」. Leading/trailing whitespace is ignored;
# a prompt followed or preceded by the drafter's own text in the same paragraph is not one.
_TEMPLATE_PROMPT = re.compile(r"（请[^（）]*）")


def template_prompts(blocks) -> list[str]:
    """The template prompts still standing in a report body, in order (duplicates kept).

    `blocks` is a version's body as stored: [{"level": 0-4, "text": "..."}, ...]; anything else in
    the list (or a non-list) is ignored. Returns the prompt texts, e.g. ["（请列明下一步的工作措施。）"],
    or [] when none is left. The one predicate for "signed with placeholder text": the inspector's
    flag (accountability/flags.py) and the signing guard (issue #9) both ask it.
    """
    if not isinstance(blocks, list):
        return []
    found = []
    for block in blocks:
        text = block.get("text") if isinstance(block, dict) else None
        if isinstance(text, str) and _TEMPLATE_PROMPT.fullmatch(text.strip()):
            found.append(text.strip())
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
            if block.text in prompts:
                where = _section_name(path) if path else _("正文开头")
                problems.append(_("%(where)s仍是模板提示：%(prompt)s") % {"where": where, "prompt": block.text})
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
    name = organization.name
    return name if name.startswith("中共") else f"中共{name}"


def default_addressee(organization: Organization) -> tuple[str, str]:
    """(主送, 抄送) for a report going upward: the upper committee, copied to its propaganda department."""
    parent = Organization.objects.get_parent(organization)
    if parent is None:
        return "", ""
    department = Department.objects.filter(organization=parent, kind=Department.Kind.PROPAGANDA).first()
    return issuer_mark(parent), department.name if department else ""


def report_facts(organization: Organization, period: Period) -> dict:
    """The numbers a report states about its own organization and its subordinates in `period`."""
    obligations = Obligation.objects.filter(
        organization=organization, period_start__gte=period.start, period_end__lte=period.end
    ).select_related("work_system").annotate(meeting_count=Count("meetings", filter=Q(meetings__withdrawn_at__isnull=True)))  # 撤回 is no evidence
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


@dataclass(frozen=True)
class Rendered:
    """A version as the page shows it: headings numbered like the PDF, text left plain (escaped later)."""

    version: ReportVersion
    blocks: list
    attachments: list[str]


def rendered(version: ReportVersion) -> Rendered:
    blocks = tuple(Block(Level(int(b["level"])), b["text"]) for b in version.blocks)
    return Rendered(version, numbered_blocks(blocks), attachment_lines(tuple(version.attachments)))
