"""Open tasks say how near their deadline is (已逾期 N 天 / 今天到期 / 还有 N 天) and offer the button
named for what they need: 起草报告 for a report, 登记会议 for a meeting, 上传材料 for a file (issue #9 §4)."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from reporting.models import Report
from responsibilities.models import Obligation
from responsibilities.periods import Period
from responsibilities.scheduling import services as scheduling
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(tree):
    scheduling.obligations_generate(periods=[Period.parse("2026H1"), Period.parse("2026Q2"), Period.parse("2026")],
                                    now=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))

    def get(code, period):
        return Obligation.objects.get(organization=tree.county_a, work_system__code=code, period=period)

    return get


@pytest.fixture
def drafter(tree):
    org = tree.county_a
    user = make_user("a_drafter", grants=[("view", org), ("manage", org), ("draft_report", org)])
    client = Client()
    client.force_login(user)
    return client


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@time_machine.travel(dt.datetime(2026, 7, 3, 2, tzinfo=dt.UTC), tick=False)  # 3 July in Beijing
def test_my_work_says_how_late_each_task_is_and_names_its_button(tasks, drafter):
    report, meeting, letter = tasks("party_report", "2026H1"), tasks("analysis", "2026Q2"), tasks("briefing", "2026")
    scheduling.obligations_generate(periods=[Period.parse("2026")], now=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))

    html = page(drafter, reverse("responsibilities:my_work"))

    assert "已逾期 3 天" in html  # the analysis of 2026Q2, due 30 June
    assert f'href="/reports/new/?obligation={report.pk}">起草报告</a>' in html
    assert f'href="/obligations/{meeting.pk}/#meeting">登记会议</a>' in html
    assert f'href="/obligations/{letter.pk}/#files">上传材料</a>' in html
    assert "还有 181 天" in html  # the 党内通报 of 2026, due 31 December
    assert "2026年上半年" in html and "2026H1<" not in html


def test_the_task_page_says_due_today_and_a_report_task_offers_to_draft_the_report(tasks, drafter):
    report = tasks("party_report", "2026H1")

    with time_machine.travel(dt.datetime.combine(report.due_date, dt.time(2), tzinfo=dt.UTC), tick=False):
        html = page(drafter, reverse("responsibilities:obligation_detail", args=[report.pk]))

    assert "今天到期" in html
    assert "起草报告" in html and "上传材料" not in html
    assert "《党委（党组）意识形态工作责任制实施细则》第八条" in html


@time_machine.travel(dt.datetime(2026, 6, 30, 2, tzinfo=dt.UTC), tick=False)
def test_drafting_from_the_task_opens_the_new_report_form_for_that_period(tasks, drafter, tree):
    report_task = tasks("party_report", "2026H1")

    html = page(drafter, reverse("reporting:report_create") + f"?obligation={report_task.pk}")

    assert f'<option value="{tree.county_a.pk}" selected>' in html
    assert '<option value="half_year" selected>' in html
    assert '<option value="2026" selected>2026年</option>' in html and '<option value="H1" selected>上半年</option>' in html


@time_machine.travel(dt.datetime(2026, 6, 30, 2, tzinfo=dt.UTC), tick=False)
def test_drafting_again_from_the_task_opens_the_report_already_started(tasks, drafter, tree):
    report_task = tasks("party_report", "2026H1")
    drafter.post(reverse("reporting:report_create"), {
        "organization": tree.county_a.pk, "kind": "half_year", "period_year": "2026", "period_part": "H1"})
    report = Report.objects.get(organization=tree.county_a, period="2026H1")

    response = drafter.get(reverse("reporting:report_create") + f"?obligation={report_task.pk}")

    assert response.status_code == 302 and response["Location"] == reverse("reporting:report_detail", args=[report.pk])


def test_a_user_who_may_not_draft_there_cannot_start_from_the_task(tasks, tree):
    report_task = tasks("party_report", "2026H1")
    viewer = Client()
    viewer.force_login(make_user("a_viewer", grants=[("view", tree.county_a)]))

    assert viewer.get(reverse("reporting:report_create") + f"?obligation={report_task.pk}").status_code == 403
