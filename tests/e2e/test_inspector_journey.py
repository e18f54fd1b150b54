"""The inspector's journey in a real browser: from a finding against a township to a filed
accountability case, its decision document, and the tamper-evident log that records it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accountability.findings import services as findings
from responsibilities.scheduling import services as scheduling
from tests.e2e.test_journeys import log_in
from tests.factories import ensure_seed_data, make_user

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/e2e-shots")


@pytest.fixture
def finding(scene, tree):
    """A finding against 镇 A1, whose 第一责任人 (刘卫东) and team held office on the facts date."""
    ensure_seed_data()
    user = make_user("jijian", grants=[("inspect", tree.city)])
    return findings.finding_create(
        organization=tree.town_a1, source="inspection", description="上半年未专题研究意识形态工作",
        facts_date=dt.date(2026, 3, 10), measures="补开专题会议并形成纪要", due_date=dt.date(2026, 9, 30),
        actor=user, now=scheduling.local_moment(dt.date(2026, 4, 1), 10))


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _step(page, label: str, **fields) -> None:
    page.get_by_role("link", name=f"转为“{label}”").click()
    for name, value in fields.items():
        page.get_by_label(name).fill(value)
    page.get_by_role("button", name=f"确认转为“{label}”").click()
    expect(page.locator("h1")).to_contain_text(label)


def test_inspector_escalates_a_finding_to_a_filed_case(page, tree, scene, finding):
    log_in(page, "jijian")
    expect(page.locator("h1")).to_contain_text("纪检巡察工作台")
    _shot(page, "workplace-desktop")

    page.goto(f"/findings/{finding.pk}/")
    page.get_by_role("link", name="转为问责案件").click()
    expect(page.locator("h1")).to_contain_text(tree.town_a1.name)
    page.get_by_label("案由").fill("意识形态工作责任制落实不力问责")
    page.locator("input[name=circumstances]").first.check()
    page.get_by_role("checkbox", name=re.compile(scene.town_secretary.name)).check()
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("h1")).to_contain_text("意识形态工作责任制落实不力问责")
    case_url = page.url

    _step(page, "初核")
    page.get_by_label("决策方式").select_option("collective")
    for box in page.get_by_role("checkbox", name="参与决策").all():
        box.check()
    page.get_by_role("button", name="提出责任认定建议").click()
    subjects = page.get_by_test_id("subjects")
    expect(subjects).to_contain_text(scene.town_secretary.name)
    expect(subjects).to_contain_text("第十三条")

    page.get_by_label("问责决定机关").select_option(label=tree.county_a.name)
    page.get_by_role("button", name="确定", exact=True).click()
    rows = page.get_by_test_id("subjects").locator("tbody tr")
    for i in range(rows.count()):
        rows.nth(i).get_by_label("问责措施").select_option(index=1)
        rows.nth(i).get_by_role("button", name="选定").click()
    _step(page, "立案")
    _step(page, "调查")
    _shot(page, "case-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "case-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    _step(page, "决定")

    pdf = page.request.get(page.get_by_role("link", name="下载 PDF").get_attribute("href"))
    assert pdf.ok and pdf.body()[:4] == b"%PDF"
    (SHOTS / "decision.pdf").write_bytes(pdf.body())
    _step(page, "执行")
    _step(page, "备案", 备案机关="中共A县委组织部")
    expect(page.locator("body")).to_contain_text("备案")
    _shot(page, "case-filed-desktop")

    page.goto("/log/")
    expect(page.locator("h1")).to_contain_text("问责日志")
    _shot(page, "log-before-verify")
    log_table = page.locator("table")
    expect(log_table).to_contain_text(tree.town_a1.name)
    expect(log_table).to_contain_text("转为问责案件")
    expect(log_table).to_contain_text("提出责任认定建议")
    call_command("verify_log")
    page.reload()
    expect(page.get_by_test_id("chain-status")).to_contain_text(re.compile(r"已验证至 #\d+"))
    _shot(page, "log-desktop")
    page.goto("/inspection/")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "workplace-phone")
    assert case_url
