"""Accountability cases: subjects on the date of the facts, escalation from a finding, authority,
the workflow's allowed and refused transitions, responsibility proposal and override, the decision
document, the filing deadline chased by the scheduler, and the log."""

import datetime as dt
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accountability.cases import services
from accountability.findings import services as findings
from accountability.models import Case, Circumstance, Measure
from responsibilities.log import LogEntry
from responsibilities.models import Notification
from responsibilities.org import services as org_services
from responsibilities.scheduling import services as scheduling
from tests.factories import make_assignment, make_person, make_user

D = dt.date


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return scheduling.local_moment(day, hour)


@pytest.fixture
def team(tree):
    """Town A1's team on 2026-03-10: 李书记 (secretary), 王副书记 (direct), 张委员 (member);
    张委员 leaves on 2026-03-31 and 孙委员 joins on 2026-04-01."""
    people = {}
    for name, role, start, end in (("李书记", "secretary", D(2024, 1, 1), None),
                                   ("王副书记", "direct", D(2024, 1, 1), None),
                                   ("张委员", "member", D(2024, 1, 1), D(2026, 3, 31)),
                                   ("孙委员", "member", D(2026, 4, 1), None)):
        people[name] = make_person(name, organization=tree.town_a1)
        people[name].assignment = make_assignment(person=people[name], role=role, start=start, end=end)
    people["inspector"] = make_user("jijian", grants=[("inspect", tree.city)])
    people["staff"] = make_user("town_staff", grants=[("manage", tree.town_a1)])
    return people


def _open(tree, team, *, people=("李书记", "王副书记", "张委员"), circumstances=None, **kwargs):
    if circumstances is None:
        circumstances = [Circumstance.objects.get(code="general-10")]
    return services.case_open(
        organization=tree.town_a1, title="专题研究流于形式问责", source="inspection", facts_date=D(2026, 3, 10),
        facts="2026年一季度未按要求专题研究意识形态工作。", actor=team["inspector"],
        circumstances=circumstances, people=[team[n] for n in people],
        now=at(D(2026, 7, 1)), **kwargs,
    )


def _decidable(tree, team):
    case = _open(tree, team)
    for to in ("preliminary", "opened", "investigating"):
        services.case_transition(case=case, to=to, actor=team["inspector"], now=at(D(2026, 7, 2)))
    subjects = {s.person.name if s.person else "班子": s for s in case.subjects.select_related("person")}
    services.case_determine(case=case, actor=team["inspector"], mode="collective", facts={
        subjects["李书记"].pk: {"participated": True}, subjects["王副书记"].pk: {"participated": True},
        subjects["张委员"].pk: {"participated": True, "opposed": True}})
    return case, subjects


def test_subjects_are_the_team_on_the_date_of_the_facts_and_a_later_change_does_not_move_them(tree, team):
    offered = [a.person.name for a in services.team_on_facts_date(tree.town_a1, D(2026, 3, 10))]
    assert offered == ["李书记", "王副书记", "张委员"]
    with pytest.raises(ValidationError, match="孙委员在2026-03-10不是A县一镇党委领导班子成员"):
        _open(tree, team, people=("孙委员",))

    case = _open(tree, team)
    org_services.role_end(assignment=team["李书记"].assignment, end_date=D(2026, 6, 30), actor=None)

    roles = {s.person.name: s.role for s in case.subjects.filter(person__isnull=False).select_related("person")}
    assert roles == {"李书记": "first_responsible", "王副书记": "direct_responsible", "张委员": "member"}
    assert case.subjects.filter(person__isnull=True).count() == 1  # the team, collectively


def test_a_finding_escalates_into_a_case_with_its_facts_and_files_by_reference(tree, team):
    finding = findings.finding_create(
        organization=tree.town_a1, source="inspection", description="网络阵地管理不力", facts_date=D(2026, 3, 10),
        measures="整改", due_date=D(2026, 5, 31), actor=team["inspector"], now=at(D(2026, 4, 1)))
    pdf = SimpleUploadedFile("截图.pdf", b"%PDF-1.4\n% shot\n%%EOF\n", "application/pdf")
    findings.finding_rectify(finding=finding, actor=team["staff"], rectification="已关停", uploads=[pdf],
                             now=at(D(2026, 4, 2)))

    case = services.case_from_finding(finding=finding, actor=team["inspector"], now=at(D(2026, 7, 1)))

    assert (case.source, case.finding, case.facts_date) == ("finding", finding, D(2026, 3, 10))
    assert case.facts == "网络阵地管理不力\n整改情况：已关停"
    assert list(case.files.all()) == list(finding.files.all())  # the same stored file, not a copy
    assert [s.person.name for s in case.subjects.filter(person__isnull=False)] == ["李书记"]
    assert LogEntry.objects.filter(action="finding.escalated", object_id=str(finding.pk)).count() == 1


def test_only_the_allowed_transitions_happen_and_each_refusal_says_why(tree, team):
    case = _open(tree, team, circumstances=[])
    with pytest.raises(ValidationError, match="案件当前为“登记”，不能转为“决定”（可转为：初核）"):
        services.case_transition(case=case, to="decided", actor=team["inspector"])
    services.case_transition(case=case, to="preliminary", actor=team["inspector"])
    with pytest.raises(ValidationError, match="立案须至少认定一项追责情形"):
        services.case_transition(case=case, to="opened", actor=team["inspector"])
    with pytest.raises(ValidationError, match="不予立案须写明理由"):
        services.case_transition(case=case, to="dismissed", actor=team["inspector"])
    with pytest.raises(ValidationError, match="只有纪检巡察人员"):
        services.case_transition(case=case, to="dismissed", actor=team["staff"], note="情节轻微")
    services.case_transition(case=case, to="dismissed", actor=team["inspector"], note="情节轻微")
    assert Case.objects.get(pk=case.pk).status == "dismissed"
    with pytest.raises(ValidationError, match="可转为：无"):
        services.case_transition(case=case, to="preliminary", actor=team["inspector"])


def test_the_decision_needs_measures_for_every_subject_and_an_authority_with_management_power(tree, team):
    case, subjects = _decidable(tree, team)
    with pytest.raises(ValidationError, match="尚缺：领导班子（集体）、李书记、王副书记。"):
        services.case_transition(case=case, to="decided", actor=team["inspector"])
    reminder = Measure.objects.get(code="reminder")
    for key in ("班子", "李书记", "王副书记"):  # 张委员 opposed: no responsibility, no measure needed
        services.subject_set_measure(subject=subjects[key], actor=team["inspector"], measure=reminder)

    with pytest.raises(ValidationError, match="B县委对A县一镇党委没有管理权限"):
        services.case_set_authority(case=case, actor=team["inspector"], authority=tree.county_b)
    with pytest.raises(ValidationError, match="X市委不直接管理A县一镇党委的领导班子"):
        services.case_set_authority(case=case, actor=team["inspector"], authority=tree.city)
    Case.objects.filter(pk=case.pk).update(authority=tree.county_b)  # e.g. written by a script
    with pytest.raises(ValidationError, match="B县委对A县一镇党委没有管理权限"):
        services.case_transition(case=case, to="decided", actor=team["inspector"])
    services.case_set_authority(case=case, actor=team["inspector"], authority=tree.county_a)

    case = services.case_transition(case=case, to="decided", actor=team["inspector"], now=at(D(2026, 7, 6)))
    assert (case.status, case.decision_number, case.due_date) == ("decided", "A县委〔2026〕1号", D(2026, 8, 5))


def test_responsibility_is_proposed_per_article_13_and_overridden_only_with_a_reason(tree, team):
    case, subjects = _decidable(tree, team)
    proposed = {s.person.name: (s.proposed, s.responsibility, s.proposed_clause)
                for s in case.subjects.filter(person__isnull=False).select_related("person")}
    clause = "《党委（党组）意识形态工作责任制实施细则》第十三条"
    assert proposed == {"李书记": ("main_leadership", "main_leadership", clause),
                        "王副书记": ("main_leadership", "main_leadership", clause),
                        "张委员": ("none", "none", clause)}
    with pytest.raises(ValidationError, match="必须写明理由"):
        services.subject_override(subject=subjects["王副书记"], actor=team["inspector"],
                                  responsibility="important_leadership", reason="  ")

    services.subject_override(subject=subjects["王副书记"], actor=team["inspector"],
                              responsibility="important_leadership", reason="分管工作已于事前调整")

    subjects["王副书记"].refresh_from_db()
    assert (subjects["王副书记"].proposed, subjects["王副书记"].responsibility) == ("main_leadership",
                                                                               "important_leadership")
    entry = LogEntry.objects.get(action="case.responsibility_overridden")
    assert (entry.payload["reason"], entry.actor.username) == ("分管工作已于事前调整", "jijian")


def test_an_individual_decision_is_that_leaders_personal_responsibility(tree, team):
    case, subjects = _decidable(tree, team)
    services.case_determine(case=case, actor=team["inspector"], mode="individual", facts={},
                            decided_by=team["王副书记"])
    assert dict(case.subjects.filter(person__isnull=False).values_list("person__name", "responsibility")) == {
        "李书记": "none", "王副书记": "personal", "张委员": "none"}


def _decided(tree, team, now):
    case, subjects = _decidable(tree, team)
    for s in subjects.values():
        services.subject_set_measure(subject=s, actor=team["inspector"], measure=Measure.objects.get(code="criticism"))
    return services.case_transition(case=case, to="decided", actor=team["inspector"], now=now)


def test_the_filing_deadline_is_reminded_and_escalated_once_and_filing_stops_it(tree, team):
    county_staff = make_user("county_staff", grants=[("manage", tree.county_a)])
    city_staff = make_user("city_staff", grants=[("manage", tree.city)])
    case = _decided(tree, team, at(D(2026, 9, 1)))  # filing due Wed 2026-10-01 … a holiday? due_date as is
    assert case.due_date == D(2026, 10, 1)

    scheduling.sweep_overdue(now=at(D(2026, 10, 2)))
    scheduling.sweep_overdue(now=at(D(2026, 10, 3)))

    overdue = Notification.objects.filter(item_type="accountability.case", item_id=case.pk)
    assert set(overdue.values_list("kind", "recipient__username")) == {("overdue", "jijian"),
                                                                     ("escalation", "city_staff")}
    assert not overdue.filter(recipient=county_staff).exists()  # the deciding county's upper organization is told
    assert LogEntry.objects.filter(action="case.filing_overdue").count() == 1
    services.case_transition(case=case, to="executing", actor=team["inspector"])
    case = services.case_transition(case=case, to="filed", actor=team["inspector"], filing_to="中共X市委组织部",
                                    now=at(D(2026, 10, 5)))
    assert (case.status, case.next_reminder_at) == ("filed", None)
    assert city_staff.pk in overdue.values_list("recipient", flat=True)


def test_every_case_event_is_in_the_log_with_its_actor(tree, team):
    case = _decided(tree, team, at(D(2026, 7, 6)))
    actions = list(LogEntry.objects.filter(object_type="accountability.case", object_id=str(case.pk))
                   .values_list("action", flat=True))
    assert actions[0] == "case.opened"
    assert actions.count("case.transitioned") == 4
    assert "case.responsibility_proposed" in actions and actions.count("case.measure_set") == 4
    assert set(LogEntry.objects.filter(object_type="accountability.case").values_list("actor__username", flat=True)) \
        == {"jijian"}


def test_the_decision_document_renders_with_its_number(tree, team, tmp_path, settings):
    case = _decided(tree, team, at(D(2026, 7, 6)))
    pdf = tmp_path / "decision.pdf"
    pdf.write_bytes((services.decision_dir() / case.decision_pdf).read_bytes())

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    compact = "".join(text.split())

    assert "问责决定书" in compact and "问责的决定" in compact
    assert "A县委〔2026〕1号" in compact
    assert "李书记（时任第一责任人）：主要领导责任" in compact
    assert "中共A县委" in compact
