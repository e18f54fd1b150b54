"""Demo findings and cases in the demo city (江川市), made through the services with back-dated moments.

Findings against 临河县柳溪镇党委 from the 2026 special inspection (two of them overdue, one being
rectified, one closed), and two cases: one escalated from an overdue finding and under 调查, one
against 临河县城关镇党委 decided by 临河县委 (问责决定书 numbered and rendered), filed and archived.
The inspector is `city_jijian`. Idempotent: a second run finds the inspection's findings and changes
nothing. To be wired to `demo_city_seeded` by the lead (see reporting/demo.py on_demo_city_seeded).
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accountability.cases import services as cases
from accountability.findings import services as findings
from accountability.models import Circumstance, Finding, Measure
from responsibilities.models import Organization
from responsibilities.scheduling import services as scheduling

D = datetime.date
TOWN = "临河县柳溪镇党委"
OTHER_TOWN = "临河县城关镇党委"
REFERENCE = "2026年度意识形态工作责任制专项检查"

# (description, severity, facts date, registered, measures, due date, what became of it)
FINDINGS = (
    ("2026年上半年未按要求召开党委会专题研究意识形态工作", "major", D(2026, 3, 31), D(2026, 7, 10),
     "于三季度内补开专题会议，形成会议纪要并建立专题研究台账", D(2026, 9, 30), "overdue"),
    ("第二季度意识形态领域形势分析研判未开展", "minor", D(2026, 6, 30), D(2026, 7, 10),
     "补开分析研判会，按季度建立研判记录", D(2026, 8, 31), "overdue"),
    ("村务公开栏等宣传阵地管理台账不全", "minor", D(2026, 5, 20), D(2026, 7, 10),
     "逐村核查宣传阵地，建立阵地管理台账", D(2027, 1, 31), "rectifying"),
    ("镇政务微信公众号未落实“三审三校”制度", "major", D(2026, 2, 20), D(2026, 3, 5),
     "修订信息发布审核制度，明确审核责任人", D(2026, 5, 31), "closed"),
)


def _at(day: D, hour: int = 10) -> datetime.datetime:
    return scheduling.local_moment(day, hour)


def _in(root: Organization, name: str) -> Organization | None:
    return Organization.objects.filter(path__startswith=root.path, name=name).first()


@transaction.atomic
def seed_cases(root: Organization) -> dict:
    """Seed the findings and cases under `root` (the demo city). Returns counts of what was made."""
    counts = {"findings": 0, "overdue": 0, "cases": 0}
    town, other = _in(root, TOWN), _in(root, OTHER_TOWN)
    if town is None or other is None or Finding.objects.filter(organization=town, source_reference=REFERENCE).exists():
        return counts
    users = get_user_model().objects
    inspector = users.filter(username="city_jijian").first()
    staff = users.filter(username="county_a_xcb").first()
    made = []
    for description, severity, facts, registered, measures, due, state in FINDINGS:
        finding = findings.finding_create(
            organization=town, source="inspection", source_reference=REFERENCE, description=description,
            severity=severity, facts_date=facts, measures=measures, due_date=due, actor=inspector, now=_at(registered),
        )
        if state in ("rectifying", "closed"):
            findings.finding_start(finding=finding, actor=staff, now=_at(registered + datetime.timedelta(days=3)))
        if state == "closed":
            findings.finding_rectify(finding=finding, actor=staff, now=_at(D(2026, 5, 20)),
                                     rectification="已修订《信息发布审核办法》，明确分管领导为审核责任人。")
            findings.finding_verify(finding=finding, actor=inspector, accept=True, now=_at(D(2026, 6, 2)))
        made.append(finding)
    counts["findings"] = len(made)
    counts["overdue"] = len(findings.findings_mark_overdue(now=timezone.now(), limit=100))

    # Case 1: the overdue special-study finding escalated, now under investigation.
    escalated = cases.case_from_finding(
        finding=made[0], actor=inspector, title="柳溪镇党委落实意识形态专题研究制度不力问责",
        circumstances=list(Circumstance.objects.filter(code="general-10")), now=_at(D(2026, 10, 15)),
    )
    for to, day in (("preliminary", D(2026, 10, 16)), ("opened", D(2026, 10, 20)), ("investigating", D(2026, 10, 21))):
        cases.case_transition(case=escalated, to=to, actor=inspector, now=_at(day))

    # Case 2: decided by 临河县委, executed, filed with the city's organization department, archived.
    team = cases.team_on_facts_date(other, D(2026, 4, 10))
    leaders = [a.person for a in team if a.role in ("secretary", "direct")]
    decided = cases.case_open(
        organization=other, title="城关镇党委处置网络舆情不力问责", source="inspection", source_reference=REFERENCE,
        facts_date=D(2026, 4, 10),
        facts="2026年4月，城关镇对辖区网络平台出现的错误导向信息处置迟缓，未及时报告，造成不良影响。",
        circumstances=list(Circumstance.objects.filter(code__in=["general-8", "network-5"])), people=leaders,
        proposer="临河县委宣传部问责建议", actor=inspector, now=_at(D(2026, 7, 20)),
    )
    for to, day in (("preliminary", D(2026, 7, 21)), ("opened", D(2026, 7, 24)), ("investigating", D(2026, 7, 27))):
        cases.case_transition(case=decided, to=to, actor=inspector, now=_at(day))
    subjects = list(decided.subjects.select_related("person"))
    cases.case_determine(case=decided, actor=inspector, mode="collective", now=_at(D(2026, 8, 10)),
                         facts={s.pk: {"participated": True} for s in subjects if s.person_id})
    measures = {"first_responsible": "written_self_criticism", "direct_responsible": "warning_talk"}
    for s in subjects:
        code = "circulated_criticism" if s.is_team else measures.get(s.role, "criticism")
        cases.subject_set_measure(subject=s, actor=inspector, measure=Measure.objects.get(code=code),
                                  now=_at(D(2026, 8, 10)))
    for to, day, extra in (("decided", D(2026, 8, 20), {}), ("executing", D(2026, 8, 25), {}),
                           ("filed", D(2026, 9, 10), {"filing_to": "中共江川市委组织部"}),
                           ("archived", D(2026, 9, 30), {})):
        cases.case_transition(case=decided, to=to, actor=inspector, now=_at(day), **extra)
    counts["cases"] = 2
    return counts
