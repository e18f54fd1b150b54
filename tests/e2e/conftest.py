"""Browser fixtures for the end-to-end journeys: Debian's Chromium driven by Playwright.

Playwright's sync API keeps an asyncio event loop in the test thread, so Django's
async-safety check would refuse the ORM calls that fixtures and assertions make
there. The check guards against blocking an event loop, which is not a concern in
a test process; it is switched off here and nowhere else.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from responsibilities.models import Department, Person, RoleAssignment
from responsibilities.org import services
from tests.factories import ensure_seed_data, make_assignment, make_person, make_user

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Short enough that a broken journey fails in seconds rather than minutes.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"端到端测试需要 Chromium，但 {CHROMIUM} 不存在。"
            " 运行 `make setup-test`（或 `apt-get install chromium`）后重试。",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def server(request):
    """pytest-django's live_server, started so that it can serve requests at all.

    Django's live server wraps the site in a media-file handler that parses
    settings.MEDIA_URL once, when the server thread starts. config/settings.py sets
    MEDIA_URL = None (uploads are never public), which that handler turns into a
    bytes URL and then fails every request with a TypeError. Until the setting is a
    string, start the server with a prefix no page uses; nothing else sees it.
    """
    media_url_fix = (
        override_settings(MEDIA_URL="/__media_not_served__/") if settings.MEDIA_URL is None else nullcontext()
    )
    with media_url_fix:
        return request.getfixturevalue("live_server")


@pytest.fixture
def page(browser, server) -> Iterator:
    """A fresh browser profile per test (no cookies carried over), asking for Chinese like our users."""
    context = browser.new_context(
        base_url=server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@dataclass
class Scene:
    """What the journeys need to know about the data: who signs in and who holds office."""

    username: str
    staff_name: str
    county_secretary: Person
    town_secretary: Person


@pytest.fixture
def scene(transactional_db, tree) -> Scene:
    """Like the demo's county_a_xcb: 县委宣传部 staff with view and manage on county A's subtree."""
    ensure_seed_data()  # an earlier transactional test's flush may have emptied what the migrations made
    county_a, town_a1 = tree.county_a, tree.town_a1
    propaganda = services.department_ensure(organization=county_a, kind=Department.Kind.PROPAGANDA)
    services.department_ensure(organization=county_a, kind=Department.Kind.ORGANIZATION)

    user = make_user("county_a_xcb", grants=[("view", county_a), ("manage", county_a)])
    services.person_create(
        name="王晓燕", title="县委宣传部干事", organization=county_a, department=propaganda, user=user, actor=None
    )

    start = datetime.date(2025, 1, 1)
    secretary = make_person("张建国", organization=county_a, title="县委书记")
    make_assignment(person=secretary, role=RoleAssignment.Role.SECRETARY, start=start)
    make_assignment(person=secretary, role=RoleAssignment.Role.GROUP_HEAD, start=start)
    deputy = make_person("陈思源", organization=county_a, title="县委副书记")
    make_assignment(person=deputy, role=RoleAssignment.Role.DIRECT, start=start, portfolio="宣传思想文化工作")
    member = make_person("周丽华", organization=county_a, title="县委常委、组织部部长")
    make_assignment(person=member, role=RoleAssignment.Role.MEMBER, start=start, portfolio="组织部、A县一镇")
    make_assignment(person=member, role=RoleAssignment.Role.GROUP_DEPUTY, start=start)

    town_secretary = make_person("刘卫东", organization=town_a1, title="镇党委书记")
    make_assignment(person=town_secretary, role=RoleAssignment.Role.SECRETARY, start=start)
    publicity = make_person("孙海燕", organization=town_a1, title="镇党委宣传委员")
    make_assignment(person=publicity, role=RoleAssignment.Role.PUBLICITY, start=start)

    return Scene(
        username="county_a_xcb", staff_name="王晓燕", county_secretary=secretary, town_secretary=town_secretary
    )

