"""The Content-Security-Policy in a real browser: each kind of user walks every page of their menu,
plus the pages behind it (an organization, a task, a report, the charts with a tooltip shown), and
Chromium reports no violation (it logs each refused script, style or handler to the console)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Page, expect

from reporting.models import ReportKind
from reporting.reports import services as reports
from responsibilities import permissions
from responsibilities.models import Obligation
from responsibilities.periods import Period, PeriodKind
from tests.e2e.test_journeys import log_in
from tests.e2e.test_phone_layout import personas  # noqa: F401  (the demo's four kinds of user, with tasks)
from tests.factories import make_user

pytestmark = pytest.mark.e2e


def _violations(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda m: seen.append(f"{page.url}: {m.text}") if "Content Security Policy" in m.text else None)
    return seen


def _extra_pages(tree, scene) -> dict[str, list[str]]:
    from django.utils import timezone

    clerk = get_user_model().objects.get(username=scene.username)
    permissions.grant(clerk, "draft_report", tree.county_a, actor=None)
    report = reports.report_create(organization=tree.county_a, kind=ReportKind.HALF_YEAR,
                                   period=Period.containing(PeriodKind.HALF, timezone.localdate()), actor=clerk)
    obligation = Obligation.objects.filter(organization=tree.county_a).order_by("due_date", "pk").first()
    county = tree.county_a.pk
    return {
        "county_a_xcb": [
            reverse("responsibilities:organization_detail", args=[county]),
            reverse("responsibilities:obligation_detail", args=[obligation.pk]),
            reverse("responsibilities:duty_list", args=[county]),
            reverse("responsibilities:duty_print", args=[county]),
            reverse("responsibilities:duty_cascade", args=[county]),
            reverse("reporting:report_detail", args=[report.pk]),
            reverse("reporting:report_edit", args=[report.pk]),
            reverse("reporting:report_versions", args=[report.pk]),
        ],
        "county_a_shuji": [reverse("reporting:report_sign", args=[report.pk])],
        "city_xcb": [reverse("responsibilities:charts") + f"?org={tree.city.pk}"],
        "city_jijian": [],
        "zeren_admin": ["/admin/", "/admin/auth/user/", "/admin/responsibilities/organization/"],
    }


@pytest.mark.parametrize("username", ["county_a_xcb", "county_a_shuji", "city_xcb", "city_jijian", "zeren_admin"])
def test_no_page_breaks_the_content_security_policy(page: Page, personas, tree, scene, username):  # noqa: F811
    make_user("zeren_admin", superuser=True)
    extra = _extra_pages(tree, scene)[username]
    violations = _violations(page)

    log_in(page, username)
    expect(page.locator("#mainnav")).to_be_visible()
    menu = page.locator("#mainnav a")
    paths = [menu.nth(i).get_attribute("href") for i in range(menu.count())]
    visited = 0
    for path in dict.fromkeys([*paths, *extra]):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert "frame-ancestors 'none'" in (response.header_value("content-security-policy") or ""), path
        page.wait_for_load_state("load")
        visited += 1
        if page.locator("#chart-quarters").count():  # ECharts draws, and shows a tooltip on hover
            chart = page.locator("#chart-quarters canvas").first
            expect(chart).to_be_visible()
            box = chart.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.evaluate("""() => ["chart-quarters", "chart-subordinates"].forEach(id => {
                const el = document.getElementById(id);
                if (el) echarts.getInstanceByDom(el).dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: 0});
            })""")
            page.wait_for_timeout(300)
    assert visited >= 4
    page.wait_for_timeout(200)  # the last page's console messages
    assert not violations, "\n".join(violations)
