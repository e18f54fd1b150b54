"""Findings and rectification: the responsible person on the date of the facts, the status flow,
and overdue rectification reminded and escalated by the scheduler's one mechanism — exactly once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accountability.findings import services
from accountability.models import Finding
from responsibilities.log import LogEntry
from responsibilities.models import Notification
from responsibilities.scheduling import services as scheduling
from tests.factories import make_assignment, make_person, make_user

D = dt.date


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return scheduling.local_moment(day, hour)


@pytest.fixture
def people(tree):
    """Town A1: 李书记 secretary until 2026-03-31, 赵书记 from 2026-04-01; its own staff; county A's staff."""
    old = make_person("李书记", organization=tree.town_a1,
                      user=make_user("li", grants=[("view", tree.town_a1)]))
    make_assignment(person=old, role="secretary", start=D(2024, 1, 1), end=D(2026, 3, 31))
    new = make_person("赵书记", organization=tree.town_a1)
    make_assignment(person=new, role="secretary", start=D(2026, 4, 1))
    return {
        "old": old, "new": new,
        "inspector": make_user("jijian", grants=[("inspect", tree.city)]),
        "town_staff": make_user("town_staff", grants=[("manage", tree.town_a1)]),
        "county_staff": make_user("county_staff", grants=[("manage", tree.county_a)]),
    }


def _finding(tree, people, *, facts=D(2026, 3, 10), due=D(2026, 9, 30), now=None):
    return services.finding_create(
        organization=tree.town_a1, source="inspection", description="意识形态工作专题研究未按要求开展",
        facts_date=facts, measures="补开专题会议并建立台账", due_date=due, actor=people["inspector"],
        now=now or at(D(2026, 7, 1)),
    )


def test_the_responsible_person_is_who_held_the_post_on_the_date_of_the_facts(tree, people):
    finding = _finding(tree, people, facts=D(2026, 3, 10))

    assert finding.responsible_person == people["old"]  # 李书记, though 赵书记 holds the post today
    assert _finding(tree, people, facts=D(2026, 4, 2)).responsible_person == people["new"]


def test_only_an_inspector_registers_a_finding(tree, people):
    with pytest.raises(ValidationError, match="只有纪检巡察人员可以登记问题"):
        services.finding_create(
            organization=tree.town_a1, source="inspection", description="x", facts_date=D(2026, 3, 1),
            measures="y", due_date=D(2026, 9, 30), actor=people["county_staff"], now=at(D(2026, 7, 1)),
        )


def test_rectification_is_submitted_by_the_staff_and_verified_or_sent_back(tree, people):
    finding = _finding(tree, people)
    with pytest.raises(ValidationError, match="只有整改单位的工作人员"):
        services.finding_rectify(finding=finding, actor=people["inspector"], rectification="已整改")
    services.finding_start(finding=finding, actor=people["town_staff"], now=at(D(2026, 7, 2)))
    pdf = SimpleUploadedFile("会议记录.pdf", b"%PDF-1.4\n% minutes\n%%EOF\n", "application/pdf")
    finding = services.finding_rectify(finding=finding, actor=people["town_staff"], rectification="已补开专题会议",
                                       uploads=[pdf], now=at(D(2026, 7, 10)))
    assert finding.status == "submitted"
    assert finding.files.get().original_name == "会议记录.pdf"
    with pytest.raises(ValidationError, match="必须填写理由"):
        services.finding_verify(finding=finding, actor=people["inspector"], accept=False, reason=" ")

    finding = services.finding_verify(finding=finding, actor=people["inspector"], accept=False, reason="台账不全",
                                      now=at(D(2026, 7, 11)))
    assert (finding.status, finding.return_reason) == ("rectifying", "台账不全")
    assert finding.next_reminder_at is not None  # reminders resume
    services.finding_rectify(finding=finding, actor=people["town_staff"], rectification="台账已补齐",
                             now=at(D(2026, 7, 12)))
    finding = services.finding_verify(finding=finding, actor=people["inspector"], accept=True, now=at(D(2026, 7, 13)))

    assert finding.status == "closed"
    actions = list(LogEntry.objects.filter(object_type="accountability.finding", object_id=str(finding.pk))
                   .values_list("action", "actor__username"))
    assert actions == [
        ("finding.created", "jijian"), ("finding.started", "town_staff"), ("finding.rectified", "town_staff"),
        ("finding.returned", "jijian"), ("finding.rectified", "town_staff"), ("finding.closed", "jijian"),
    ]


def test_rectification_is_reminded_and_escalated_once_by_the_obligations_sweeps(tree, people):
    finding = _finding(tree, people, due=D(2026, 9, 30))  # a Wednesday; the 14-day reminder is Wed 09-16

    assert scheduling.sweep_reminders(now=at(D(2026, 9, 16))) == 2  # the town's staff and 李书记's account
    assert scheduling.sweep_reminders(now=at(D(2026, 9, 16))) == 0
    reminders = Notification.objects.filter(item_type="accountability.finding", item_id=finding.pk, kind="reminder")
    assert set(reminders.values_list("recipient__username", "offset_days")) == {("town_staff", 14), ("li", 14)}
    assert "【到期提醒】问题整改（意识形态工作专题研究未按要求开展）还有 14 天到期（A县一镇党委）" in reminders.first().title

    assert scheduling.sweep_overdue(now=at(D(2026, 9, 30), 23)) == 0  # still the deadline day
    assert scheduling.sweep_overdue(now=at(D(2026, 10, 1), 0)) == 1
    assert scheduling.sweep_overdue(now=at(D(2026, 10, 2))) == 0

    finding.refresh_from_db()
    assert finding.status == "overdue"
    escalations = Notification.objects.filter(item_type="accountability.finding", item_id=finding.pk, kind="escalation")
    assert list(escalations.values_list("recipient__username", flat=True)) == ["county_staff"]
    assert LogEntry.objects.filter(action="finding.overdue", object_id=str(finding.pk)).count() == 1


def test_a_finding_submitted_in_time_is_neither_reminded_nor_overdue(tree, people):
    finding = _finding(tree, people, due=D(2026, 9, 30))
    services.finding_rectify(finding=finding, actor=people["town_staff"], rectification="已整改",
                             now=at(D(2026, 9, 1)))

    scheduling.sweep_reminders(now=at(D(2026, 9, 16)))
    scheduling.sweep_overdue(now=at(D(2026, 10, 2)))

    assert not Notification.objects.filter(item_type="accountability.finding").exists()
    assert Finding.objects.get(pk=finding.pk).status == "submitted"
