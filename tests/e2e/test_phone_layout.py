"""Every page of the menu on a 390 × 844 phone, for each kind of user: nothing wider than the
screen, the 菜单 button opens the navigation, lists read as labelled cards, the matrix scrolls
inside its box. Screenshots of each role's home page at 390 px and 1400 px are saved under
$E2E_SHOTS (default /tmp/e2e-shots/phone) for review."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accountability.findings import services as findings
from responsibilities.duties import services as duties
from responsibilities.periods import Period, PeriodKind
from responsibilities.scheduling import services as scheduling
from tests.e2e.test_journeys import log_in
from tests.factories import ensure_seed_data, make_user

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ.get("E2E_SHOTS", "/tmp/e2e-shots")) / "phone"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}


@pytest.fixture
def personas(scene, tree) -> None:
    """The demo's four kinds of user (responsibilities/demo/organizations.py ACCOUNTS), with a
    quarter of overdue and current tasks so that the lists and the matrix have rows."""
    ensure_seed_data()
    secretary = make_user("county_a_shuji", grants=[("view", tree.county_a), ("sign_report", tree.county_a)])
    scene.county_secretary.user = secretary
    scene.county_secretary.save(update_fields=["user"])
    make_user("city_xcb", grants=[("view", tree.city), ("manage", tree.city), ("draft_report", tree.city)])
    today = timezone.localdate()
    last_quarter = Period.containing(PeriodKind.QUARTER, today).previous()
    scheduling.obligations_generate(periods=[last_quarter, *scheduling.periods_to_generate(today)])
    scheduling.sweep_overdue()
    duties.duty_item_create(
        organization=tree.county_a, content="每半年专题研究一次意识形态工作，分析研判形势并部署任务",
        responsible="secretary", verification="会议纪要、专题研究记录", lead_unit="县委宣传部", actor=None,
    )
    inspector = make_user("city_jijian", grants=[("inspect", tree.city)])
    findings.finding_create(
        organization=tree.town_a1, source="inspection", description="上半年未专题研究意识形态工作",
        facts_date=dt.date(2026, 3, 10), measures="补开专题会议并形成纪要", due_date=dt.date(2026, 9, 30),
        actor=inspector, now=scheduling.local_moment(dt.date(2026, 4, 1), 10))


def _overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _open_menu(page: Page) -> list[str]:
    """Open the navigation with the 菜单 button; every link in it visible. Returns their paths."""
    button = page.get_by_role("button", name="菜单")
    nav = page.locator("#mainnav")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    links = nav.get_by_role("link")
    assert links.count() >= 5
    for i in range(links.count()):
        expect(links.nth(i)).to_be_visible()
        expect(links.nth(i)).to_be_in_viewport()
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def _cards_are_labelled(page: Page) -> None:
    """Each list table of the content is shown as cards whose cells carry their column's name."""
    tables = page.locator(".content table:has(thead)").filter(has_not=page.locator(".matrix-wrap"))
    for i in range(tables.count()):
        table = tables.nth(i)
        if "matrix" in (table.get_attribute("class") or ""):
            continue
        expect(table).to_have_class(re.compile(r"\bstack\b"))
        expect(table.locator("thead")).not_to_be_in_viewport()
        cells = table.locator("tbody td[data-label]")
        if cells.count():
            assert cells.first.evaluate("c => getComputedStyle(c, '::before').content") not in ("none", "")


ROLES = [
    ("staff", "county_a_xcb"),
    ("secretary", "county_a_shuji"),
    ("upper-staff", "city_xcb"),
    ("inspector", "city_jijian"),
]


@pytest.mark.parametrize(("role", "username"), ROLES, ids=[r for r, _ in ROLES])
def test_every_menu_page_fits_a_phone(page: Page, personas, role, username):
    page.set_viewport_size(DESKTOP)
    log_in(page, username)
    expect(page.get_by_role("button", name="菜单")).to_be_hidden()
    expect(page.locator("#mainnav")).to_be_visible()
    _shot(page, f"{role}-home-1400")

    page.set_viewport_size(PHONE)
    page.goto("/")
    assert _overflow(page) == 0
    _shot(page, f"{role}-home-390")
    paths = _open_menu(page)
    _shot(page, f"{role}-menu-390")

    # The button is a real button: the keyboard closes and opens it too.
    button = page.get_by_role("button", name="菜单")
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#mainnav")).to_be_visible()

    for path in dict.fromkeys(paths):
        if path.startswith("/admin/"):
            continue
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        slug = path.strip("/").replace("/", "-") or "home"
        assert _overflow(page) == 0, f"{path} is {_overflow(page)} px wider than a 390 px phone"
        _cards_are_labelled(page)
        _shot(page, f"{role}-{slug}-390")
        _open_menu(page)
        assert _overflow(page) == 0, path


def test_the_matrix_scrolls_inside_its_box_with_the_organizations_kept_in_view(page: Page, personas):
    page.set_viewport_size(PHONE)
    log_in(page, "city_xcb")
    page.goto(reverse("responsibilities:compliance_matrix"))
    matrix = page.get_by_test_id("compliance-matrix")
    expect(matrix).to_be_visible()
    assert _overflow(page) == 0
    box = page.locator(".matrix-wrap")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    organization = matrix.locator("tbody th.org").first
    assert organization.evaluate("c => getComputedStyle(c).position") == "sticky"
    before = organization.bounding_box()
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    page.wait_for_timeout(100)
    assert organization.bounding_box()["x"] == before["x"]
    _shot(page, "upper-staff-matrix-scrolled-390")


@pytest.fixture
def report(personas, scene, tree):
    """A half-yearly report of A县委 drafted by the county clerk, waiting for the secretary."""
    from django.contrib.auth import get_user_model

    from reporting.models import ReportKind
    from reporting.reports import services as reports
    from responsibilities import permissions

    clerk = get_user_model().objects.get(username=scene.username)
    permissions.grant(clerk, "draft_report", tree.county_a, actor=None)
    period = Period.containing(PeriodKind.HALF, timezone.localdate())
    return reports.report_create(organization=tree.county_a, kind=ReportKind.HALF_YEAR, period=period, actor=clerk)


@pytest.mark.parametrize(
    ("role", "username", "pages"),
    [
        ("staff", "county_a_xcb", ["report_detail", "report_edit", "report_versions", "report_create",
                                   "organization_detail", "duty_list", "duty_add", "obligation_detail"]),
        ("secretary", "county_a_shuji", ["report_detail", "report_sign"]),
    ],
    ids=["staff", "secretary"],
)
def test_forms_and_report_pages_fit_a_phone(page: Page, report, tree, role, username, pages):
    from responsibilities.models import Obligation

    obligation = Obligation.objects.filter(organization=tree.county_a).order_by("due_date", "pk").first()
    urls = {
        "report_detail": reverse("reporting:report_detail", args=[report.pk]),
        "report_edit": reverse("reporting:report_edit", args=[report.pk]),
        "report_versions": reverse("reporting:report_versions", args=[report.pk]),
        "report_sign": reverse("reporting:report_sign", args=[report.pk]),
        "report_create": reverse("reporting:report_create") + f"?org={tree.county_a.pk}",
        "organization_detail": reverse("responsibilities:organization_detail", args=[tree.county_a.pk]),
        "duty_list": reverse("responsibilities:duty_list", args=[tree.county_a.pk]),
        "duty_add": reverse("responsibilities:duty_add", args=[tree.county_a.pk]),
        "obligation_detail": reverse("responsibilities:obligation_detail", args=[obligation.pk]),
    }
    page.set_viewport_size(PHONE)
    log_in(page, username)
    for name in pages:
        response = page.goto(urls[name])
        assert response is not None and response.status == 200, name
        assert _overflow(page) == 0, f"{name} is {_overflow(page)} px wider than a 390 px phone"
        _cards_are_labelled(page)
        _shot(page, f"{role}-{name}-390")
