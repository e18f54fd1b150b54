"""On PostgreSQL nothing may be skipped: CI runs there, and a skipped test there is a test not run.

Registered by tests/conftest.py when the database is PostgreSQL (in the process that reports,
which with pytest-xdist is the controller). It collects every skipped test and collection
skip, lists them at the end, and turns a passing session into a failing one.
"""

from __future__ import annotations

import pytest

MESSAGE = "在 PostgreSQL 上不允许跳过测试（CI 在 PostgreSQL 上运行全部测试）"


class NoSkipsAllowed:
    def __init__(self) -> None:
        self.skipped: list[tuple[str, str]] = []

    def _note(self, report) -> None:
        if report.skipped and not hasattr(report, "wasxfail"):
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            self.skipped.append((report.nodeid, reason.removeprefix("Skipped: ")))

    def pytest_runtest_logreport(self, report) -> None:
        self._note(report)

    def pytest_collectreport(self, report) -> None:
        self._note(report)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session) -> None:
        if self.skipped and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.skipped:
            return
        terminalreporter.section(f"{MESSAGE}: {len(self.skipped)}", sep="!", red=True, bold=True)
        for nodeid, reason in self.skipped:
            terminalreporter.line(f"SKIPPED {nodeid} — {reason}", red=True)
