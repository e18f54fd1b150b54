"""The recurring work in a real browser: an overdue task completed from 我的工作, the matrix drilled into."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from responsibilities.models import Obligation
from responsibilities.periods import Period, PeriodKind
from responsibilities.scheduling import services as scheduling
from tests.e2e.test_journeys import log_in
from tests.factories import ensure_seed_data, make_org

pytestmark = pytest.mark.e2e


@pytest.fixture
def work(scene, tree) -> Obligation:
    """This quarter's and last quarter's tasks for the county; last quarter's are overdue now."""
    ensure_seed_data()
    today = timezone.localdate()
    last_quarter = Period.containing(PeriodKind.QUARTER, today).previous()
    scheduling.obligations_generate(periods=[last_quarter, *scheduling.periods_to_generate(today)])
    scheduling.sweep_overdue()
    return Obligation.objects.get(organization=tree.county_a, work_system__code="analysis", period=last_quarter.code)


def test_an_overdue_analysis_is_recorded_from_my_work(page: Page, scene, tree, work):
    assert work.status == "overdue"
    log_in(page, scene.username)
    page.get_by_role("link", name="我的工作").click()

    first_row = page.get_by_test_id("my-work").locator("tbody tr").first
    expect(first_row).to_contain_text("逾期")
    row = page.get_by_test_id("my-work").locator("tbody tr", has_text="分析研判制度").filter(has_text=work.period_label)
    row.get_by_role("link", name="登记会议").click()

    expect(page.get_by_role("heading", name="登记会议记录")).to_be_visible()
    page.get_by_label("地点").fill("县委常委会议室")
    page.get_by_label("主持人").select_option(label=scene.county_secretary.name)
    page.get_by_label(scene.county_secretary.name, exact=True).check()
    page.get_by_label("议题").fill("上季度意识形态领域形势分析研判")
    page.get_by_label("讨论情况").fill("研判了网络舆情、阵地管理和意识形态安全情况。")
    page.get_by_role("button", name="保存会议记录").click()

    expect(page.get_by_text("已登记会议记录。")).to_be_visible()
    expect(page.locator(".page-head .status")).to_have_text("逾期完成")
    work.refresh_from_db()
    assert work.status == "done_late"
    assert work.meetings.get().topic == "上季度意识形态领域形势分析研判"


def test_the_matrix_expands_a_town_to_its_villages(page: Page, scene, tree, work):
    make_org("A县一镇东村党支部", parent=tree.town_a1, kind="branch")
    scheduling.obligations_generate(periods=scheduling.periods_to_generate(timezone.localdate()))
    log_in(page, scene.username)
    page.get_by_role("link", name="合规矩阵").click()

    rows = page.get_by_test_id("matrix-row")
    expect(rows.filter(has_text="A县一镇党委")).to_be_visible()
    expect(rows.filter(has_text="A县一镇东村党支部")).to_have_count(0)
    expect(rows.filter(has_text="B县委")).to_have_count(0)
    rows.filter(has_text="A县一镇党委").get_by_role("button", name="展开下级").click()

    expect(rows.filter(has_text="A县一镇东村党支部")).to_be_visible()
