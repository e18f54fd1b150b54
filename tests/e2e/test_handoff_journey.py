"""Issue #9's journey in a real browser: the clerk drafts and asks for the signature, the secretary is
told (workbench and 通知) on his phone, is refused while a template prompt remains, signs and submits
in one step; the clerk is told; the city's 待我签收 shows the report and receives it after confirming.

Screenshots of each step land in $E2E_SHOTS/handoff (default /tmp/e2e-shots/handoff)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reporting.models import Report, Submission
from responsibilities.models import Notification
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.test_journeys import PASSWORD, log_in
from tests.factories import ensure_seed_data, make_user

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1400, "height": 900}
SHOTS = Path(os.environ.get("E2E_SHOTS", "/tmp/e2e-shots")) / "handoff"
PROMPT = "（请列明下一步的工作措施。）"


@pytest.fixture
def people(scene, tree):
    ensure_seed_data()
    staff = make_user("county_drafter", grants=[("view", tree.county_a), ("draft_report", tree.county_a),
                                                ("manage", tree.county_a)])
    staff.last_name, staff.first_name = "王", "晓燕"
    staff.save(update_fields=["last_name", "first_name"])
    secretary = make_user("county_shuji", grants=[("view", tree.county_a), ("sign_report", tree.county_a)])
    scene.county_secretary.user = secretary
    scene.county_secretary.save(update_fields=["user"])
    city = make_user("city_receiver", grants=[("view", tree.city), ("manage", tree.city)])
    return staff, secretary, city


def _as(browser, server, username, viewport):
    context = browser.new_context(base_url=server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport=viewport)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, username)
    return page


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def _open_menu_link(page, name: str) -> None:
    page.get_by_role("button", name="菜单").click()
    page.locator("#mainnav").get_by_role("link", name=re.compile(f"^{name}")).first.click()


def test_secretary_is_told_refused_on_a_prompt_then_signs_and_submits_and_the_city_receives(
    browser, server, tree, people
):
    staff_user, secretary_user, _city = people

    # The clerk drafts the 2026年上半年 report, writes all but one section, and asks for the signature.
    staff = _as(browser, server, "county_drafter", DESK)
    staff.goto(f"/reports/new/?org={tree.county_a.pk}")
    staff.get_by_label("报告类型").select_option("half_year")
    staff.get_by_label("报告期间").select_option("2026")
    staff.locator('select[name="period_part"]').select_option(label="上半年")
    staff.get_by_role("button", name="新建草稿").click()
    for block in staff.locator("textarea[name=block_text]").all():
        if block.input_value().startswith("（请") and block.input_value() != PROMPT:
            block.fill("本期按要求落实，情况属实。")
    staff.get_by_role("button", name="保存为新版本").last.click()
    report = Report.objects.get(organization=tree.county_a, period="2026H1")
    staff.goto(f"/reports/{report.pk}/")
    staff.get_by_role("button", name="提请签发").click()
    expect(staff.get_by_test_id("sign-requested")).to_be_visible()

    # The secretary, on his phone: the workbench says a report waits for him, and so does 通知.
    phone = _as(browser, server, "county_shuji", PHONE)
    panel = phone.get_by_test_id("panel-reports.to_sign")
    expect(panel).to_contain_text("2026年上半年")
    expect(panel.get_by_test_id("count")).to_have_text("1")
    _fits(phone)
    _shot(phone, "1-secretary-workbench-390")
    _open_menu_link(phone, "通知")
    notice = phone.get_by_role("link", name=re.compile("【待签发】"))
    expect(notice).to_be_visible()
    _fits(phone)
    _shot(phone, "2-secretary-notices-390")
    notice.first.click()

    # The sign page shows the document and refuses while the prompt remains, naming it.
    expect(phone.get_by_test_id("sign-preview")).to_contain_text("本期按要求落实，情况属实。")
    expect(phone.get_by_test_id("sign-problems")).to_contain_text(PROMPT)
    expect(phone.get_by_role("button", name=re.compile("签发并报送"))).to_have_count(0)
    _fits(phone)
    _shot(phone, "3-secretary-refused-390")
    assert Report.objects.get(pk=report.pk).status == "draft"

    # The clerk replaces the prompt; the secretary signs and submits in one step, with his password.
    staff.goto(f"/reports/{report.pk}/edit/")
    staff.locator("textarea[name=block_text]").filter(has_text=PROMPT).fill("下半年将继续压实责任。")
    staff.get_by_role("button", name="保存为新版本").last.click()
    phone.reload()
    expect(phone.get_by_test_id("sign-problems")).to_have_count(0)
    phone.get_by_label("登录密码").fill(PASSWORD)
    _shot(phone, "4-secretary-sign-390")
    phone.get_by_test_id("sign-and-submit").click()
    expect(phone.locator("body")).to_contain_text("已报送")
    _fits(phone)
    _shot(phone, "5-secretary-signed-and-submitted-390")
    submission = Submission.objects.get(report=report)
    assert submission.to_organization == tree.city
    assert Report.objects.get(pk=report.pk).status == "submitted"

    # The clerk is told.
    told = Notification.objects.filter(recipient=staff_user, item_id__isnull=False).values_list("title", flat=True)
    assert any("已报送" in t for t in told), list(told)
    staff.goto("/inbox/")
    expect(staff.locator("body")).to_contain_text("已报送")

    # The city's 待我签收 shows it; 签收 asks for confirmation first.
    city = _as(browser, server, "city_receiver", DESK)
    city.get_by_role("link", name="报送签收").click()
    expect(city.get_by_test_id("inbox")).to_contain_text("A县委")
    _shot(city, "6-city-inbox-1400")
    city.get_by_test_id("inbox").get_by_role("link", name="签收", exact=True).click()
    assert Submission.objects.get(pk=submission.pk).status == "submitted"  # not before confirming
    city.get_by_role("button", name="确认签收").click()
    expect(city.locator("h1")).to_contain_text("已签收")
    _shot(city, "7-city-received-1400")
    assert Submission.objects.get(pk=submission.pk).status == "received"
    received = Notification.objects.filter(recipient=secretary_user, title__contains="已签收")
    assert received.exists()
