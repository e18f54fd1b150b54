"""Demo data for the work itself: a plausible 2026 in the demo city.

The demo city gets its overrides (the school's 14 studies, the sub-districts'
quarterly special studies), every 2026 obligation, and evidence for most of
what is past due: meeting records for meetings and studies, a small PDF for
documents. A deterministic share is left undone and the overdue sweep marks it,
so 我的工作, the compliance matrix and the inbox show a realistic mix.

Evidence here is back-dated (meetings held on their real dates), so it is
written directly rather than through the evidence services, which stamp the
present; the obligations' status changes still go through the lifecycle
services (responsibilities.work.services), dated when they happened.
Decisions hang on a checksum of each obligation's key: a second run decides
the same way and finds nothing left to do.
"""

from __future__ import annotations

import datetime
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from responsibilities.models import (
    EvidenceFile,
    EvidenceKind,
    MeetingRecord,
    Obligation,
    Organization,
    Person,
    RoleAssignment,
    WorkSystem,
    WorkSystemOverride,
)
from responsibilities.org.selectors import staff_of, team_assignments_on
from responsibilities.periods import Period, PeriodKind
from responsibilities.scheduling import services as scheduling
from responsibilities.work import services as work
from responsibilities.work.uploads import discard_on_error, store_upload

DEMO_YEAR = 2026

_TOPICS = {
    "analysis": "{label}意识形态领域形势分析研判",
    "special_study": "专题研究意识形态工作（{label}）",
    "joint_meeting": "意识形态工作联席会议（{label}）",
    "theory_study": "理论学习中心组学习：习近平新时代中国特色社会主义思想专题（{label}）",
    "liaison": "班子成员到分管领域开展意识形态工作交流",
    "democratic_life": "年度民主生活会暨述职（意识形态工作专项内容）",
}
_DOCUMENTS = {
    "party_report": "{org}关于{label}意识形态工作情况的报告.pdf",
    "summary_report": "{org}宣传部关于{label}全域意识形态工作情况的汇总报告.pdf",
    "briefing": "{org}关于{label}意识形态领域情况的党内通报.pdf",
    "inspection": "{org}{label}意识形态工作专项督查报告.pdf",
    "responsibility_letter": "{org}{label}意识形态工作责任书.pdf",
    "assessment": "{org}{label}意识形态工作检查考核情况.pdf",
}


def _roll(ob: Obligation) -> int:
    """A stable number 0-99 for one obligation."""
    return zlib.crc32(f"{ob.organization_id}:{ob.work_system_id}:{ob.period}".encode()) % 100


def _pdf(title: str) -> bytes:
    # A minimal one-page PDF; the demo only needs a real file to download.
    body = f"BT /F1 12 Tf 72 720 Td ({title.encode('unicode_escape').decode()}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _overrides(root: Organization) -> int:
    created = 0
    subtree = Organization.objects.filter(path__startswith=root.path)
    study = WorkSystem.objects.get(code="theory_study")
    special = WorkSystem.objects.get(code="special_study")
    for school in subtree.filter(name__contains="中学"):
        _obj, new = WorkSystemOverride.objects.get_or_create(
            organization=school, work_system=study,
            defaults={"frequency": "year", "required_count": 14,
                      "note": "学校党组织理论学习每年不少于 14 次，其中意识形态专题不少于 4 次"},
        )
        created += new
    for street in subtree.filter(kind=Organization.Kind.WORKING_COMMITTEE):
        _obj, new = WorkSystemOverride.objects.get_or_create(
            organization=street, work_system=special,
            defaults={"frequency": "quarter", "note": "党工委每年专题研究意识形态工作不少于 4 次"},
        )
        created += new
    return created


def _team(org_id: int, day: datetime.date) -> tuple[Person | None, list[Person]]:
    assignments = list(team_assignments_on(org_id, day))
    chair = next((a.person for a in assignments if a.role == RoleAssignment.Role.SECRETARY), None)
    people = list({a.person_id: a.person for a in assignments}.values())
    return chair, people


def _complete(ob: Obligation, held_on: datetime.date, actor, clerks: dict[int, int] | None = None) -> None:
    """Complete `ob` on `held_on` with its evidence. A meeting record is entered on the meeting's day
    by the organization's own staff (`clerks`: organization id → user id) where it has an account,
    else by `actor` (the city's staff entering for it: what the inspectors' 代填 flag shows)."""
    label = Period.parse(ob.period).label
    system = ob.work_system
    if system.evidence == EvidenceKind.MEETING:
        chair, people = _team(ob.organization_id, held_on)
        if chair is None:
            return
        for n in range(ob.required_count):
            day = max(ob.period_start, held_on - datetime.timedelta(days=7 * (ob.required_count - 1 - n)))
            meeting = MeetingRecord.objects.create(
                obligation=ob, held_on=day, place=f"{ob.organization.name}会议室", chair=chair,
                topic=_TOPICS.get(system.code, system.name).format(label=label),
                discussion="传达学习上级有关精神，分析本单位意识形态工作情况，查找问题并研究改进措施。",
                decisions="明确责任分工，落实整改措施，按期报告进展。",
                created_by_id=(clerks or {}).get(ob.organization_id, getattr(actor, "pk", None)),
            )
            meeting.attendees.set(people)
            # Entered the day it was held (not when the demo was loaded: that would be 补录).
            MeetingRecord.objects.filter(pk=meeting.pk).update(created_at=scheduling.local_moment(day, 12))
    else:
        title = _DOCUMENTS.get(system.code, "{org}{label}工作材料.pdf").format(
            org=ob.organization.short_name or ob.organization.name, label=label
        )
        with discard_on_error():
            stored = store_upload(SimpleUploadedFile(title, _pdf(title)))
        EvidenceFile.objects.create(
            obligation=ob, original_name=stored.original_name, stored_name=stored.stored_name,
            content_type=stored.content_type, size=stored.size, sha256=stored.sha256, uploaded_by=actor,
        )
    work.obligation_complete(obligation=ob, actor=actor, at=scheduling.local_moment(held_on, 16), demo=True)


def seed_work(
    root: Organization, organizations: list[Organization], actor=None, today: datetime.date | None = None
) -> dict[str, int]:
    """Give the demo city's `organizations` a 2026 of work. Returns counts of what was created."""
    today = today or timezone.localdate()
    counts = {"overrides": _overrides(root)}
    periods = [p for kind in PeriodKind for p in Period.all_in_year(kind, DEMO_YEAR)]
    periods += scheduling.periods_to_generate(today)
    counts["obligations"] = scheduling.obligations_generate(periods=set(periods), organizations=organizations)
    done = 0
    clerks = {org_id: min(users) for org_id, users in staff_of(organizations).items()}
    pending = (
        Obligation.objects.filter(organization__in=organizations, status=Obligation.Status.OPEN,
                                  period_start__year=DEMO_YEAR, completed_at__isnull=True, due_date__isnull=False)
        .select_related("organization", "work_system")
    )
    for ob in pending:
        if ob.work_system.evidence == EvidenceKind.REPORT:
            continue  # reports are signed and submitted through reporting (reporting/demo.py)
        roll = _roll(ob)
        if ob.due_date < today:
            if roll < 72:  # on time
                _complete(ob, max(ob.period_start, ob.due_date - datetime.timedelta(days=3 + roll % 20)), actor, clerks)
            elif roll < 82:  # late
                late = min(today - datetime.timedelta(days=1), ob.due_date + datetime.timedelta(days=2 + roll % 12))
                _complete(ob, late, actor, clerks)
            elif roll < 85:
                work.obligation_waive(obligation=ob, actor=actor, reason="机构调整，本期工作并入上级组织统一开展",
                                      at=scheduling.local_moment(ob.due_date))
            else:  # left undone: the overdue sweep will mark it
                continue
            done += 1
        elif ob.period_start <= today and roll < 30:  # some current work finished early
            _complete(ob, max(ob.period_start, today - datetime.timedelta(days=1 + roll % 5)), actor, clerks)
            done += 1
    counts["completed"] = done
    counts["overdue"] = scheduling.sweep_overdue()
    return counts
