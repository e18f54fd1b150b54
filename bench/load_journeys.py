"""Locust journeys for `bench/load.py`: the three roles' everyday pages, and the trivial view.

Run by bench/load.py (which starts gunicorn and seeds the demo city); by hand:

    locust -f bench/load_journeys.py --headless -u 50 -r 50 -t 60s --host http://127.0.0.1:8108 \
        PropagandaStaff Secretary Inspector

Each virtual user logs in once (on_start) with a demo account and then walks its role's pages
without pause: the point is the server's capacity, measured against the trivial view's in the same
run. Logging in costs a password hash (about half a second of CPU each) and happens once a day in
real use, so the measured window starts when the last user has logged in: the statistics are reset
then, and the run stops ZEREN_LOAD_SECONDS later (the CLI's --run-time is only a safety bound). Ids (obligations, reports, cases) are taken from the links of the list pages the user sees,
so a journey only opens what that user may open. Any answer other than 200 counts as an error.
"""

from __future__ import annotations

import os
import random
import re

import gevent
from locust import FastHttpUser, constant, events, task

PASSWORD = "zeren-demo"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


LOGIN_ATTEMPTS = 3
_logged_in = 0
_login_failures: list[str] = []


@events.init.add_listener
def _reset_logged_in(environment, **_kwargs) -> None:
    global _logged_in
    _logged_in = 0
    _login_failures.clear()


def _all_logged_in(environment) -> None:
    """Called once per user when its login is over, successful or not: the last one starts the
    measured window. A failed login is put back into the statistics after the reset, as an error."""
    global _logged_in
    _logged_in += 1
    runner = environment.runner
    if _logged_in != runner.target_user_count:
        return
    runner.stats.reset_all()
    for failure in _login_failures:
        environment.events.request.fire(
            request_type="POST", name="login (POST)", response_time=0, response_length=0,
            exception=RuntimeError(failure), context={},
        )
    seconds = float(os.environ.get("ZEREN_LOAD_SECONDS", "0"))
    if seconds:
        gevent.spawn_later(seconds, runner.quit)


def _ids(html: str, pattern: str) -> list[int]:
    return sorted({int(m) for m in re.findall(pattern, html)})


class _Journey(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    # At saturation a request waits behind the 49 others: give it minutes, not locust's 60 s.
    network_timeout = connection_timeout = 300.0
    usernames: tuple[str, ...] = ()

    def on_start(self) -> None:
        username = random.choice(self.usernames)
        self.username = username
        try:
            for attempt in range(1, LOGIN_ATTEMPTS + 1):
                if self._log_in(username):
                    break
                if attempt == LOGIN_ATTEMPTS:
                    _login_failures.append(f"{username} could not log in ({LOGIN_ATTEMPTS} attempts)")
                    raise RuntimeError(f"{username} could not log in")
            self.discover()
        finally:
            _all_logged_in(self.environment)

    def _log_in(self, username: str) -> bool:
        page = self.client.get("/accounts/login/", name="login (GET)")
        match = CSRF.search(page.text or "")
        if match is None:
            return False
        with self.client.post(
            "/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": match.group(1)},
            name="login (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{username}: login answered {response.status_code}")
                return False
        return True

    def discover(self) -> None:
        """Read the ids this user will open from their list pages."""

    def page(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{self.username} {url}: HTTP {response.status_code}")
                return ""
            return response.text or ""


class PropagandaStaff(_Journey):
    """宣传部工作人员: the workbench, the compliance matrix and its obligations, a task, the ledgers."""

    weight = 3
    usernames = ("city_xcb", "county_a_xcb")

    def discover(self) -> None:
        self.obligations = _ids(self.page("/work/", "/work/"), r'href="/obligations/(\d+)/"')

    @task(3)
    def workbench(self) -> None:
        self.page("/", "/ (workbench)")

    @task(2)
    def matrix(self) -> None:
        self.page("/dashboard/matrix/", "/dashboard/matrix/")

    @task(2)
    def obligation_list(self) -> None:
        self.page("/dashboard/obligations/", "/dashboard/obligations/")

    @task(2)
    def my_work(self) -> None:
        self.page("/work/", "/work/")

    @task(2)
    def obligation(self) -> None:
        if self.obligations:
            self.page(f"/obligations/{random.choice(self.obligations)}/", "/obligations/[id]/")

    @task(1)
    def ledgers(self) -> None:
        self.page("/ledgers/", "/ledgers/")

    @task(1)
    def board(self) -> None:
        self.page("/reports/board/", "/reports/board/")


class Secretary(_Journey):
    """第一责任人: the workbench (待签发), the reports waiting for a signature, one report's page."""

    weight = 1
    usernames = ("county_a_shuji",)

    def discover(self) -> None:
        self.reports = _ids(self.page("/reports/", "/reports/"), r'href="/reports/(\d+)/"')

    @task(2)
    def workbench(self) -> None:
        self.page("/", "/ (workbench)")

    @task(2)
    def to_sign(self) -> None:
        self.page("/reports/?status=draft", "/reports/?status=draft")

    @task(1)
    def reports(self) -> None:
        self.page("/reports/", "/reports/")

    @task(3)
    def report(self) -> None:
        if self.reports:
            self.page(f"/reports/{random.choice(self.reports)}/", "/reports/[id]/")


class Inspector(_Journey):
    """纪检监察: the workplace, the accountability log, the cases and one case."""

    weight = 1
    usernames = ("city_jijian",)

    def discover(self) -> None:
        self.cases = _ids(self.page("/cases/", "/cases/"), r'href="/cases/(\d+)/"')

    @task(2)
    def workplace(self) -> None:
        self.page("/inspection/", "/inspection/")

    @task(2)
    def log(self) -> None:
        self.page("/log/", "/log/")

    @task(2)
    def cases(self) -> None:
        self.page("/cases/", "/cases/")

    @task(2)
    def case(self) -> None:
        if self.cases:
            self.page(f"/cases/{random.choice(self.cases)}/", "/cases/[id]/")

    @task(1)
    def findings(self) -> None:
        self.page("/findings/", "/findings/")


class Trivial(FastHttpUser):
    """The ceiling: an anonymous GET of a page that touches neither the database nor a session."""

    wait_time = constant(0)
    network_timeout = connection_timeout = 300.0
    path = os.environ.get("ZEREN_LOAD_TRIVIAL_PATH", "/accounts/login/")

    def on_start(self) -> None:
        _all_logged_in(self.environment)

    @task
    def trivial(self) -> None:
        with self.client.get(self.path, name="trivial", allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{self.path}: HTTP {response.status_code}")
