"""Demo data for the inspector's workplace: the one flag kind the demo city's records lack.

The city's records already show three kinds (accountability/flags.py): 代填 (the city's propaganda
staff entered the towns' meetings, the towns having no accounts of their own), reports signed with
template prompts (reporting/demo.py), and tasks completed on the deadline day or late
(responsibilities/demo/work.py). Meeting records are entered the day they are held, so 补录 has no
example: this adds one — 临河县委 recording in late May a study session held in early April, entered
by its own staff (so it is 补录 only, not 代填). Idempotent: a second run finds it and changes nothing.

The lead wires `seed_workplace` to `demo_city_seeded` (see reporting/demo.py on_demo_city_seeded).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from responsibilities.models import (
    EvidenceKind,
    MeetingRecord,
    Obligation,
    Organization,
    RoleAssignment,
)
from responsibilities.org.selectors import staff_of, team_on
from responsibilities.scheduling import services as scheduling

COUNTY = "临河县委"
HELD_ON = datetime.date(2026, 4, 8)
ENTERED = (datetime.date(2026, 5, 28), 17)  # 50 days later, the day before an inspection visit
TOPIC = "学习贯彻意识形态工作责任制有关文件精神"


def seed_workplace(root: Organization) -> dict[str, int]:
    """Add the 补录 example under `root` (the demo city). Returns {"late_entries": records added}."""
    county = Organization.objects.filter(path__startswith=root.path, name=COUNTY).first()
    if county is None or timezone.localdate() < ENTERED[0]:
        return {"late_entries": 0}
    obligation = (Obligation.objects.filter(organization=county, work_system__evidence=EvidenceKind.MEETING,
                                            period_start__lte=HELD_ON, period_end__gte=HELD_ON)
                  .order_by("work_system__sort_order", "pk").first())
    if obligation is None or obligation.meetings.filter(held_on=HELD_ON, topic=TOPIC).exists():
        return {"late_entries": 0}
    people = list(team_on(county, HELD_ON))
    chair = team_on(county, HELD_ON, roles=[RoleAssignment.Role.SECRETARY]).first()
    if chair is None:
        return {"late_entries": 0}
    clerk = min(staff_of([county]).get(county.pk, {None}), key=lambda pk: pk or 0)
    record = MeetingRecord.objects.create(
        obligation=obligation, held_on=HELD_ON, place="县委常委会议室", chair=chair, topic=TOPIC,
        discussion="集体学习意识形态工作责任制有关文件，结合本县实际交流学习体会。",
        decisions="各班子成员结合分管领域抓好落实。", created_by_id=clerk,
    )
    record.attendees.set(people)
    MeetingRecord.objects.filter(pk=record.pk).update(created_at=scheduling.local_moment(*ENTERED))
    return {"late_entries": 1}
