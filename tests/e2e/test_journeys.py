"""What a county propaganda-department clerk does in a real browser, start to finish."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from responsibilities.models import Person, RoleAssignment

pytestmark = pytest.mark.e2e

PASSWORD = "pw-zeren-test"  # tests/factories.make_user's default
SCREENSHOT = Path("/tmp/zeren-org.png")
CJK = re.compile(r"[\u4e00-\u9fff]")


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the Chinese login page, as a user would."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def org_path(org) -> str:
    return f"/orgs/{org.pk}/"


def secretaries(org) -> list[str]:
    return list(
        RoleAssignment.objects.filter(organization=org, role=RoleAssignment.Role.SECRETARY)
        .order_by("start_date")
        .values_list("person__name", flat=True)
    )


def test_county_staff_browses_their_county_down_to_a_town(page: Page, scene, tree):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", name="登录责任制台账")).to_be_visible()

    log_in(page, scene.username)

    expect(page.get_by_test_id("whoami")).to_have_text(scene.staff_name)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="组织架构").click()
    expect(page).to_have_url(re.compile(r"/orgs/$"))

    org_tree = page.get_by_test_id("org-tree")
    expect(org_tree.get_by_role("link", name="A县委", exact=True)).to_be_visible()
    expect(org_tree.get_by_role("link", name="B县委", exact=True)).to_have_count(0)
    expect(org_tree.get_by_role("link", name="X市委", exact=True)).to_have_count(0)
    expect(org_tree.get_by_role("link", name=tree.town_a1.name)).to_have_count(0)

    county_node = org_tree.locator("details").filter(has=page.get_by_role("link", name="A县委", exact=True))
    children_url = f"{org_path(tree.county_a)}children/"
    with page.expect_response(lambda r: r.url.endswith(children_url) and r.request.method == "GET") as loaded:
        # The disclosure marker, not the organization link that also sits in the summary.
        county_node.locator("summary").click(position={"x": 4, "y": 10})
    assert loaded.value.status == 200
    expect(county_node).to_have_attribute("open", "")
    expect(org_tree.get_by_role("link", name=tree.town_a1.name)).to_be_visible()
    expect(org_tree.get_by_role("link", name=tree.town_a2.name)).to_be_visible()
    expect(org_tree.get_by_role("link", name=tree.town_b1.name)).to_have_count(0)

    org_tree.get_by_role("link", name=tree.town_a1.name).click()

    expect(page).to_have_url(re.compile(re.escape(org_path(tree.town_a1)) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(tree.town_a1.name)
    team = page.get_by_test_id("leadership-team")
    expect(team).to_contain_text("第一责任人（书记）")
    expect(team.get_by_role("link", name=scene.town_secretary.name)).to_be_visible()


def test_county_staff_gets_the_chinese_not_found_page_for_the_sibling_county(page: Page, scene, tree):
    log_in(page, scene.username)
    expect(page.get_by_test_id("whoami")).to_be_visible()

    response = page.goto(org_path(tree.county_b))

    assert response.status == 404
    expect(page.get_by_role("heading", name="未找到")).to_be_visible()
    expect(page.get_by_text("B县委")).to_have_count(0)


def test_overlapping_secretary_is_refused_then_succession_is_recorded(page: Page, scene, tree):
    county = tree.county_a
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    log_in(page, scene.username)
    page.goto(org_path(county))

    # A second 第一责任人 while 张建国 still holds the post.
    page.get_by_role("link", name="登记任职").click()
    expect(page).to_have_url(re.compile(re.escape(f"{org_path(county)}roles/add/") + "$"))
    page.get_by_label("新人员姓名").fill("李明远")
    page.get_by_label("新人员职务").fill("县委书记")
    page.get_by_label("角色").select_option(label="第一责任人（书记）")
    page.get_by_label("起始日期").fill(today.isoformat())
    page.get_by_role("button", name="保存").click()

    error = page.get_by_role("alert")
    expect(error).to_contain_text("同一时间只能有一人担任该角色")
    expect(error).to_contain_text(scene.county_secretary.name)
    assert secretaries(county) == [scene.county_secretary.name]
    assert not Person.objects.filter(name="李明远").exists()

    # End 张建国's term yesterday, then register the successor from today.
    page.goto(org_path(county))
    team = page.get_by_test_id("leadership-team")
    secretary_row = team.locator("li").filter(has=page.get_by_role("link", name=scene.county_secretary.name))
    secretary_row.first.get_by_role("link", name="结束任职").click()
    expect(page.get_by_role("heading", name="结束任职")).to_be_visible()
    expect(page.locator("main")).to_contain_text("第一责任人（书记）")
    page.get_by_label("结束日期").fill(yesterday.isoformat())
    page.get_by_role("button", name="确认结束任职").click()
    expect(page.locator(".messages")).to_contain_text("已结束任职")

    page.get_by_role("link", name="登记任职").click()
    page.get_by_label("新人员姓名").fill("李明远")
    page.get_by_label("新人员职务").fill("县委书记")
    page.get_by_label("角色").select_option(label="第一责任人（书记）")
    page.get_by_label("起始日期").fill(today.isoformat())
    page.get_by_role("button", name="保存").click()

    expect(page).to_have_url(re.compile(re.escape(org_path(county)) + "$"))
    expect(page.locator(".messages")).to_contain_text("已登记任职：李明远")
    secretary_list = page.get_by_test_id("leadership-team").locator("h3:has-text('第一责任人') + ul")
    expect(secretary_list).to_contain_text("李明远")
    expect(secretary_list).not_to_contain_text(scene.county_secretary.name)
    history = page.locator("section", has=page.get_by_role("heading", name="任职历史")).locator("tbody tr")
    secretary_history = history.filter(has_text="第一责任人（书记）")
    expect(secretary_history).to_have_count(2)
    expect(secretary_history.nth(0)).to_contain_text("李明远")
    expect(secretary_history.nth(0)).to_contain_text("至今")
    expect(secretary_history.nth(1)).to_contain_text(scene.county_secretary.name)
    expect(secretary_history.nth(1)).to_contain_text(yesterday.isoformat())
    assert secretaries(county) == [scene.county_secretary.name, "李明远"]

    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_wrong_password_is_refused_in_chinese(page: Page, scene):
    log_in(page, scene.username, password="not-the-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_text("用户名或密码不正确")).to_be_visible()
    expect(page.get_by_test_id("whoami")).to_have_count(0)


def test_switching_to_english_translates_the_interface(page: Page, scene, tree):
    log_in(page, scene.username)
    page.goto(org_path(tree.county_a))
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link", name="组织架构")).to_be_visible()

    page.get_by_label("界面语言").select_option("en")

    expect(page).to_have_url(re.compile(re.escape(org_path(tree.county_a)) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    expect(nav.get_by_role("link", name="Organizations")).to_be_visible()
    assert not CJK.search(nav.inner_text()), nav.inner_text()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_role("heading", name="Role history")).to_be_visible()
    expect(page.get_by_test_id("leadership-team")).to_contain_text("Primary responsible person (Secretary)")
    # Names are data, not interface text: they stay as recorded.
    expect(page.get_by_test_id("whoami")).to_have_text(scene.staff_name)
    expect(page.get_by_role("heading", level=1)).to_contain_text("A县委")
