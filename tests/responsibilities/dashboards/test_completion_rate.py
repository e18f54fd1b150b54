"""The completion rate counts only what is already due; the matrix shows it beside the organization.

Today is 2026-05-10 (Beijing). Town A1 has eight monthly theory-study obligations: one done on
time, one done late, one done ahead of its deadline, one overdue, one waived, one due today and
still open, and two open whose deadlines have not come yet (进行中). Town A2 has only an open one
not yet due. Expected values are literals.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from responsibilities.dashboards.selectors import Counts
from responsibilities.models import Obligation, WorkSystem
from responsibilities.periods import Period

MATRIX = reverse("responsibilities:compliance_matrix")
LIST = reverse("responsibilities:obligation_list")
CHARTS = reverse("responsibilities:charts")
TODAY = dt.datetime(2026, 5, 10, 4, tzinfo=dt.UTC)  # 12:00 in Beijing

# month, status, due date
TOWN_A1 = [
    (1, "done", dt.date(2026, 1, 31)),
    (2, "done_late", dt.date(2026, 2, 28)),
    (3, "overdue", dt.date(2026, 3, 31)),
    (4, "waived", dt.date(2026, 4, 30)),
    (5, "open", dt.date(2026, 5, 10)),  # due today: counted
    (6, "open", dt.date(2026, 6, 30)),  # not yet due: 进行中
    (7, "open", dt.date(2026, 7, 31)),  # not yet due: 进行中
    (8, "done", dt.date(2026, 8, 31)),  # done ahead of its deadline
]


def obligation(org, month: int, status: str, due: dt.date) -> Obligation:
    start = dt.date(2026, month, 1)
    return Obligation.objects.create(
        organization=org, work_system=WorkSystem.objects.get(code="theory_study"), period=f"2026-{month:02d}",
        period_start=start, period_end=Period.parse(f"2026-{month:02d}").end,
        due_date=due, responsible="secretary", status=status,
    )


@pytest.fixture
def towns(tree):
    for month, status, due in TOWN_A1:
        obligation(tree.town_a1, month, status, due)
    obligation(tree.town_a2, 9, "open", dt.date(2026, 9, 30))
    return tree


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_only_tasks_already_due_count_in_the_rate(client, towns, city_staff, today):
    client.force_login(city_staff)
    matrix = client.get(MATRIX, {"org": towns.county_a.pk, "period": "2026"}).context["matrix"]
    a1, a2 = (next(r for r in matrix.rows if r.organization == org) for org in (towns.town_a1, towns.town_a2))
    assert a1.total == Counts(done=3, open=1, overdue=1, waived=1, pending=2)
    assert a1.total.rate == 60.0  # 3 done of 5 due or done (2 not yet due and 1 waived left out)
    assert a2.total == Counts(pending=1)
    assert a2.total.rate is None
    assert matrix.summary.total.rate == 60.0


def test_a_row_with_nothing_due_yet_reads_in_progress(client, towns, city_staff, today):
    client.force_login(city_staff)
    html = client.get(MATRIX, {"org": towns.county_a.pk, "period": "2026"}).content.decode()
    rates = re.findall(r'data-testid="rate">(.*?)</td>', html, re.S)
    assert [re.sub(r"<[^>]+>", "", r).strip() for r in rates] == ["60.0%", "60.0%", "进行中"]
    assert 'class="n pending"' in html and "进行中" in html


def test_rate_and_total_sit_beside_the_organization_and_headers_break_between_words(client, towns, city_staff, today):
    client.force_login(city_staff)
    html = client.get(MATRIX, {"org": towns.county_a.pk, "period": "2026"}).content.decode()
    head = html.split("<thead>")[1].split("</thead>")[0]
    headers = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]
    assert headers[:4] == ["组织", "完成率", "合计", "党委报告制度"]
    assert headers[-1] == "免除"
    assert ">党委<wbr>报告<wbr>制度<" in head
    assert ">民主<wbr>生活会<wbr>与<wbr>述职<" in head
    # Inside a row too, rate and total come right after the organization's cell.
    row = html.split('data-testid="matrix-row"')[2]
    cells = re.findall(r'<td class="([^"]*)"', row)
    assert cells[:2] == ["cell rate", "cell total"]


def test_the_pending_cell_lists_the_tasks_not_yet_due(client, towns, city_staff, today):
    client.force_login(city_staff)
    page = client.get(LIST, {"org": towns.town_a1.pk, "period": "2026", "status": "pending"}).context["page"]
    assert sorted(ob.period for ob in page.object_list) == ["2026-06", "2026-07"]
    due = client.get(LIST, {"org": towns.town_a1.pk, "period": "2026", "status": "open"}).context["page"]
    assert [ob.period for ob in due.object_list] == ["2026-05"]


def test_charts_use_the_same_rate(client, towns, city_staff, today):
    client.force_login(city_staff)
    quarters = client.get(CHARTS, {"org": towns.county_a.pk, "year": "2026"}).context["chart_data"]["quarters"]
    assert quarters["rate"] == [66.7, 0.0, 100.0, None]
    assert quarters["pending"] == [0, 1, 2, 0]
