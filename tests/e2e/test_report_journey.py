"""A half-yearly report in a real browser: drafted, signed by the secretary, submitted, received upstairs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from responsibilities import permissions
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.test_journeys import PASSWORD, log_in
from tests.factories import ensure_seed_data, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(scene, tree):
    ensure_seed_data()
    staff = make_user("county_drafter", grants=[("view", tree.county_a), ("draft_report", tree.county_a)])
    secretary = make_user("county_shuji", grants=[("view", tree.county_a), ("sign_report", tree.county_a)])
    scene.county_secretary.user = secretary
    scene.county_secretary.save(update_fields=["user"])
    city = make_user("city_receiver", grants=[("view", tree.city), ("manage", tree.city)])
    assert permissions.can(city, "manage", tree.city)
    return staff, secretary, city


def _as(browser, server, username):
    context = browser.new_context(base_url=server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, username)
    return page


def test_draft_sign_submit_receive(browser, server, scene, tree, people):
    staff = _as(browser, server, "county_drafter")
    staff.goto(f"/reports/new/?org={tree.county_a.pk}")
    staff.get_by_label("报告类型").select_option("half_year")
    staff.get_by_label("报告期间").select_option("2026")  # the year; then the half beside it
    staff.locator('select[name="period_part"]').select_option(label="上半年")
    staff.get_by_role("button", name="新建草稿").click()
    for block in staff.locator("textarea[name=block_text]").all():  # the drafter's words over the prompts
        if block.input_value().startswith("（请"):
            block.fill("本期按要求落实，情况属实。")
    staff.get_by_role("button", name="保存为新版本").last.click()
    expect(staff.locator("h1")).to_contain_text("2026年上半年")
    report_url = staff.url if "/edit/" not in staff.url else staff.url.replace("edit/", "")

    secretary = _as(browser, server, "county_shuji")
    secretary.goto(report_url)
    secretary.get_by_role("link", name="签发", exact=True).click()
    expect(secretary.get_by_test_id("signer")).to_contain_text(scene.county_secretary.name)
    expect(secretary.get_by_test_id("sign-preview")).to_contain_text("本期按要求落实，情况属实。")
    secretary.get_by_label("登录密码").fill(PASSWORD)
    secretary.get_by_role("button", name=re.compile("确认签发")).click()
    expect(secretary.locator("body")).to_contain_text("下一步：报送上级")  # offered on the submit page
    expect(secretary.locator("body")).to_contain_text("〔")  # the document number, e.g. A县委〔2026〕1号
    secretary.goto(report_url)
    expect(secretary.locator("h1")).to_contain_text("已签发")

    pdf = secretary.request.get(secretary.get_by_role("link", name="预览 PDF").first.get_attribute("href"))
    assert pdf.ok and pdf.body()[:5] == b"%PDF-"
    assert pdf.headers["content-disposition"].startswith("inline")

    staff.goto(report_url)
    staff.get_by_role("link", name="报送", exact=True).click()
    staff.get_by_role("button", name="确认报送").click()
    expect(staff.locator("h1")).to_contain_text("已报送")

    city = _as(browser, server, "city_receiver")
    city.get_by_role("link", name="报送签收").click()
    city.get_by_role("link", name=re.compile("2026年上半年")).first.click()  # 待我签收, the inbox's default
    expect(city.locator("h1")).to_contain_text("待签收")
    city.get_by_role("link", name="签收", exact=True).click()
    city.get_by_role("button", name="确认签收").click()
    expect(city.locator("h1")).to_contain_text("已签收")
    city.goto(f"/reports/board/?org={tree.city.pk}&period=2026H1&kind=half_year")
    expect(city.locator("body")).to_contain_text("A县委")
    expect(city.locator("body")).to_contain_text("已签收")
