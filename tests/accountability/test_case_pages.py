"""The case pages through the client: an inspector opens a case from a finding, proposes the
responsibility, overrides it with a reason, chooses measures, decides and downloads the decision."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accountability.cases import services as cases
from accountability.findings import services as findings
from accountability.log.selectors import action_label
from accountability.models import Case, Measure
from responsibilities.log import LogEntry
from responsibilities.scheduling import services as scheduling
from tests.factories import make_assignment, make_person, make_user

D = dt.date


@pytest.fixture
def inspector_client(tree):
    for name, role in (("李书记", "secretary"), ("王副书记", "direct")):
        make_assignment(person=make_person(name, organization=tree.town_a1), role=role, start=D(2024, 1, 1))
    user = make_user("jijian", grants=[("inspect", tree.city)])
    client = Client()
    client.force_login(user)
    return client, user


def test_an_inspector_takes_a_finding_through_to_a_decision(tree, inspector_client):
    client, user = inspector_client
    finding = findings.finding_create(
        organization=tree.town_a1, source="inspection", description="专题研究未开展", facts_date=D(2026, 3, 10),
        measures="补开", due_date=D(2026, 9, 30), actor=user, now=scheduling.local_moment(D(2026, 4, 1), 10))
    page = client.get(reverse("accountability:case_create") + f"?finding={finding.pk}")
    assert page.status_code == 200 and "李书记（第一责任人（书记））" in page.content.decode()

    response = client.post(reverse("accountability:case_create") + f"?finding={finding.pk}", {
        "title": "专题研究问责", "source": "finding", "facts": "x", "collective": "on",
        "people": [str(p) for p in tree.town_a1.people.values_list("pk", flat=True)],
        "proposer": "",
    })
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("accountability:case_detail", args=[case.pk])

    refused = client.post(reverse("accountability:case_transition", args=[case.pk, "decided"]))
    assert refused.status_code == 400 and "不能转为“决定”" in refused.content.decode()
    for to in ("preliminary",):
        assert client.post(reverse("accountability:case_transition", args=[case.pk, to])).status_code == 302
    subjects = {s.person.name: s for s in case.subjects.filter(person__isnull=False).select_related("person")}
    response = client.post(reverse("accountability:case_determine", args=[case.pk]), {
        "mode": "collective", **{f"participated_{s.pk}": "on" for s in subjects.values()}})
    assert response.status_code == 302
    detail = client.get(reverse("accountability:case_detail", args=[case.pk])).content.decode()
    assert "主要领导责任" in detail and "第十三条" in detail

    override = reverse("accountability:subject_override", args=[subjects["王副书记"].pk])
    assert client.post(override, {"responsibility": "important_leadership", "reason": ""}).status_code == 400
    assert client.post(override, {"responsibility": "important_leadership", "reason": "事前已调整分工"}).status_code == 302
    pdf = client.get(reverse("accountability:case_pdf", args=[case.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert Measure.objects.filter(code="reminder").exists()


# --- one label for a transition, Chinese times in a history, one layout for the two lists ----------


def _case_moved_at_night(tree, user) -> Case:
    """A case registered and sent to 初核 at 02:07 Beijing time on 2 December (18:07 UTC the day before)."""
    night = scheduling.local_moment(D(2026, 12, 2), 2) + dt.timedelta(minutes=7)
    case = cases.case_open(organization=tree.town_a1, title="夜间登记的案件", source="inspection",
                           facts_date=D(2026, 3, 10), facts="x", actor=user, people=[], collective=True, now=night)
    return cases.case_transition(case=case, to="preliminary", actor=user, now=night)


def test_a_transition_is_named_by_both_states_on_the_case_and_on_the_log_pages(tree, inspector_client):
    client, user = inspector_client
    case = _case_moved_at_night(tree, user)
    entry = LogEntry.objects.get(action="case.transitioned", object_id=str(case.pk))

    detail = client.get(reverse("accountability:case_detail", args=[case.pk])).content.decode()
    log_page = client.get(reverse("accountability:log") + f"?org={tree.town_a1.pk}").content.decode()
    entry_page = client.get(reverse("accountability:log_entry", args=[entry.seq])).content.decode()

    for page in (detail, log_page, entry_page):
        assert "流转：登记 → 初核" in page
    assert action_label("case.transitioned", {"previous": "opened", "status": "investigating"}) == "流转：立案 → 调查"
    assert action_label("case.transitioned") == "流转"  # e.g. the log filter's list of actions
    assert action_label("case.opened", {"title": "x"}) == "登记案件"


def test_a_history_reads_its_times_as_chinese_dates_in_beijing_time(tree, inspector_client):
    client, user = inspector_client
    case = _case_moved_at_night(tree, user)
    finding = findings.finding_create(
        organization=tree.town_a1, source="inspection", description="专题研究未开展", facts_date=D(2026, 3, 10),
        measures="补开", due_date=D(2026, 12, 31), actor=user,
        now=scheduling.local_moment(D(2026, 12, 2), 2) + dt.timedelta(minutes=7))

    case_page = client.get(reverse("accountability:case_detail", args=[case.pk])).content.decode()
    finding_page = client.get(reverse("accountability:finding_detail", args=[finding.pk])).content.decode()

    for page in (case_page, finding_page):
        assert "2026年12月2日 02:07" in page
        assert "2026-12-01" not in page and "2026-12-02" not in page
        assert "2026年3月10日" in page  # the date of the facts, too


def test_the_case_and_finding_lists_share_one_layout_each_linking_the_other(tree, inspector_client):
    client, user = inspector_client
    org = f"?org={tree.town_a1.pk}"

    cases_page = client.get(reverse("accountability:case_list") + org)
    findings_page = client.get(reverse("accountability:finding_list") + org)

    for response, other, create, empty in (
        (cases_page, "accountability:finding_list", "accountability:case_create", "没有符合条件的问责案件。"),
        (findings_page, "accountability:case_list", "accountability:finding_create", "没有符合条件的问题。"),
    ):
        text = response.content.decode()
        assert "accountability/_list_page.html" in [t.name for t in response.templates]
        assert f'href="{reverse(other)}{org}"' in text
        assert text.count(f'href="{reverse(create)}{org}"') == 2  # the button, and the empty state's next step
        assert empty in text
        assert "A县一镇党委及下级组织的" in text

    case = _case_moved_at_night(tree, user)
    findings.finding_create(organization=tree.town_a2, source="inspection", description="阵地管理不到位",
                            facts_date=D(2026, 3, 10), measures="整改", due_date=D(2099, 12, 31), actor=user)

    cases_text = client.get(reverse("accountability:case_list")).content.decode()
    findings_text = client.get(reverse("accountability:finding_list")).content.decode()

    assert f'href="{reverse("accountability:case_detail", args=[case.pk])}">夜间登记的案件</a>' in cases_text
    assert 'data-testid="finding-list"' in findings_text and "阵地管理不到位" in findings_text
