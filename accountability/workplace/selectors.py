"""Reads for the inspector's workplace (纪检巡察工作台): who is an inspector, the flags as rows of a
list, the search across meeting records, and the sections of the inspector's home.

Everything is scoped by the user's `inspect` capability (responsibilities.permissions), which an
administrator holds too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability import flags
from accountability.cases import selectors as case_selectors
from accountability.findings import selectors as finding_selectors
from accountability.flags import FlagKind
from reporting.reports.selectors import template_prompts
from responsibilities.models import MeetingRecord, Organization
from responsibilities.permissions import Capability, has_any, visible
from responsibilities.text import chinese_date, display_name

# The capabilities that make a user an operator (我的工作 is theirs); `inspect` alone does not.
OPERATOR_CAPABILITIES = (Capability.MANAGE, Capability.DRAFT_REPORT, Capability.SIGN_REPORT, Capability.ADMINISTER)

# Search: at most this many characters and terms; results a page at a time, never past MAX_PAGE.
SEARCH_MAX_CHARS = 50
SEARCH_MAX_TERMS = 5
SEARCH_PER_PAGE = 20
SEARCH_MAX_PAGE = 50
EXCERPT_CHARS = 40  # characters of context on each side of the first match

# The chain status badge (helper H1's template); shown once it exists.


def is_inspector(user) -> bool:
    """Does the user hold `inspect` anywhere (an administrator does)?"""
    return has_any(user, Capability.INSPECT)


def is_inspector_only(user) -> bool:
    """An inspector and nothing else: `inspect` somewhere, and none of manage, draft_report,
    sign_report or administer anywhere. Such a user's home is the inspector's workplace."""
    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return False
    return is_inspector(user) and not any(has_any(user, c) for c in OPERATOR_CAPABILITIES)


def recent_years(today: datetime.date | None = None, *, back: int = 5) -> list[int]:
    """This year and the `back` years before it, newest first: the year filter's choices."""
    year = (today or timezone.localdate()).year
    return list(range(year, year - back - 1, -1))


# -- flags as rows ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagRow:
    """One flagged record as the list shows it: what, where, when, why, and a link to its own page."""

    kind: str
    organization: Organization
    day: datetime.date | None
    title: str
    reason: str
    url: str


def _meeting_row(kind: str, m: MeetingRecord) -> FlagRow:
    ob = m.obligation
    if kind == FlagKind.LATE_ENTRY:
        reason = _("会议日期 %(held)s，登记日期 %(entered)s，相隔 %(days)s 天") % {
            "held": f"{m.held_on:%Y-%m-%d}", "entered": f"{m.entered_on:%Y-%m-%d}",
            "days": (m.entered_on - m.held_on).days}
    else:
        who = display_name(m.created_by)
        reason = _("由 %(who)s 登记，该账号不是%(org)s的工作人员") % {"who": who, "org": ob.organization.name}
    return FlagRow(kind, ob.organization, m.held_on, f"{ob.work_system.name} · {m.topic}", reason,
                   reverse("responsibilities:obligation_detail", args=[ob.pk]))


def _version_row(v) -> FlagRow:
    prompts = template_prompts(v.blocks)
    reason = _("签发稿仍含模板提示语：%(prompts)s") % {"prompts": "、".join(prompts)}
    title = f"{v.doc_number} {v.title}".strip()
    return FlagRow(FlagKind.PLACEHOLDER, v.report.organization, timezone.localdate(v.signed_at), title, reason,
                   reverse("reporting:report_detail", args=[v.report_id]))


def _obligation_row(ob) -> FlagRow:
    if ob.completed_on > ob.due_date:
        reason = _("截止日期 %(due)s，%(done)s 才完成（逾期 %(days)s 天）") % {
            "due": f"{ob.due_date:%Y-%m-%d}", "done": f"{ob.completed_on:%Y-%m-%d}",
            "days": (ob.completed_on - ob.due_date).days}
    else:
        reason = _("截止日期当天（%(due)s）才完成") % {"due": f"{ob.due_date:%Y-%m-%d}"}
    return FlagRow(FlagKind.LAST_MINUTE, ob.organization, ob.completed_on, f"{ob.work_system.name} · {ob.period_label}",
                   reason, reverse("responsibilities:obligation_detail", args=[ob.pk]))


def flag_rows(kind: str, records) -> list[FlagRow]:
    """Rows for records of one kind, as `flags.flagged` returns them (a page of them)."""
    if kind in (FlagKind.LATE_ENTRY, FlagKind.PROXY_ENTRY):
        return [_meeting_row(kind, m) for m in records]
    if kind == FlagKind.PLACEHOLDER:
        return [_version_row(v) for v in records]
    return [_obligation_row(ob) for ob in records]


def flag_summary(user, *, organization: Organization | None, year: int | None) -> list[tuple[str, str, int]]:
    """(kind, label, count) for every flag kind, scoped like flags.flagged."""
    counts = flags.flag_counts(user, organization=organization, year=year)
    return [(kind.value, str(kind.label), counts[kind.value]) for kind in FlagKind]


# -- search across meeting records ------------------------------------------------------------------


def search_terms(query: str) -> list[str]:
    """The terms of a query: split on whitespace, at most SEARCH_MAX_TERMS, duplicates dropped."""
    terms: list[str] = []
    for term in query.split():
        if term not in terms:
            terms.append(term)
    return terms[:SEARCH_MAX_TERMS]


def _term_condition(term: str) -> Q:
    attendee = MeetingRecord.attendees.through.objects.filter(meetingrecord=OuterRef("pk"), person__name__icontains=term)
    return (Q(topic__icontains=term) | Q(discussion__icontains=term) | Q(decisions__icontains=term)
            | Q(other_attendees__icontains=term) | Q(chair__name__icontains=term) | Q(Exists(attendee)))


def meeting_search(user, terms: list[str], *, organization: Organization | None = None,
                   year: int | None = None) -> QuerySet[MeetingRecord]:
    """Meeting records in `user`'s inspect scope (optionally `organization`'s subtree and one `year`
    of meeting dates) matching every term in the topic, the minutes (讨论情况, 议定事项), the chair
    or the attendees. Case-insensitive substring matching (LIKE/ILIKE, the same on SQLite and
    PostgreSQL); newest meetings first. The caller pages it (SEARCH_PER_PAGE, SEARCH_MAX_PAGE)."""
    via = "obligation__organization"
    qs = visible(user, Capability.INSPECT, MeetingRecord.objects.all(), via=via)
    if organization is not None:
        qs = qs.filter(obligation__organization__path__startswith=organization.path)
    if year is not None:
        qs = qs.filter(held_on__year=year)
    if not terms:
        return qs.none()
    for term in terms:
        qs = qs.filter(_term_condition(term))
    return (qs.select_related("obligation__organization", "obligation__work_system", "chair")
            .prefetch_related("attendees").order_by("-held_on", "-pk"))


@dataclass(frozen=True)
class Excerpt:
    """Where a record matched: the field's label and its text around the first match, split so that
    the template marks the match (and escapes all three)."""

    field: str
    before: str
    match: str
    after: str


def excerpt(record: MeetingRecord, terms: list[str]) -> Excerpt | None:
    """The first field (topic, minutes, decisions, attendees) containing one of `terms`, cut to
    EXCERPT_CHARS characters either side of the match; None when only a related name matched."""
    names = "、".join([record.chair.name, *(p.name for p in record.attendees.all()),
                      *([record.other_attendees] if record.other_attendees else [])])
    fields = ((_("议题"), record.topic), (_("讨论情况"), record.discussion), (_("议定事项"), record.decisions),
              (_("主持人和参会人员"), names))
    for label, text in fields:
        lowered = text.lower()
        hits = [(lowered.find(t.lower()), t) for t in terms if t.lower() in lowered]
        if not hits:
            continue
        start, term = min(hits)
        end = start + len(term)
        before = text[max(0, start - EXCERPT_CHARS):start]
        after = text[end:end + EXCERPT_CHARS]
        return Excerpt(str(label), ("…" if start > EXCERPT_CHARS else "") + before, text[start:end],
                       after + ("…" if end + EXCERPT_CHARS < len(text) else ""))
    return None


# -- the inspector's home ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A section of the inspector's home: its rows ([] shows the empty state)."""

    key: str
    title: str
    rows: list
    empty: str


@dataclass(frozen=True)
class HomeRow:
    text: str
    url: str

    def __str__(self) -> str:
        return self.text


HOME_ROWS = 10  # rows per section of the inspector's home


def cases_in_progress(user) -> list[HomeRow]:
    """问责案件 in progress (登记 … 执行) in the user's inspect scope, oldest first (accountability.cases.selectors)."""
    return [
        HomeRow(f"{case.organization.name} · {case} · {case.get_status_display()}",
                reverse("accountability:case_detail", args=[case.pk]))
        for case in case_selectors.cases_in_progress(user)[:HOME_ROWS]
    ]


def filing_deadlines(user) -> list[HomeRow]:
    """Decided cases awaiting 备案, soonest deadline first."""
    rows = []
    for case in case_selectors.filing_deadlines(user)[:HOME_ROWS]:
        due = _("备案期限 %(day)s") % {"day": chinese_date(case.due_date)} if case.due_date else _("未定备案期限")
        rows.append(HomeRow(f"{case.organization.name} · {case} · {due}",
                            reverse("accountability:case_detail", args=[case.pk])))
    return rows


def rectification_overdue(user) -> list[HomeRow]:
    """Findings whose rectification (整改) is overdue, in scope, the longest overdue first."""
    findings = finding_selectors.overdue_rectification(user=user).select_related("organization").order_by("due_date", "pk")
    return [
        HomeRow(f"{finding.organization.name} · {finding} · "
                + _("整改期限 %(day)s") % {"day": chinese_date(finding.due_date)},
                reverse("accountability:finding_detail", args=[finding.pk]))
        for finding in findings[:HOME_ROWS]
    ]


def home_sections(user) -> list[Section]:
    return [
        Section("cases", _("办理中的问责案件"), cases_in_progress(user), _("目前没有办理中的问责案件。")),
        Section("filing", _("备案期限"), filing_deadlines(user), _("目前没有待备案的问责决定。")),
        Section("rectification", _("整改逾期"), rectification_overdue(user), _("目前没有整改逾期的问题。")),
    ]
