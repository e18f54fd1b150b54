"""tests/skip_guard.py: where it is active (on PostgreSQL), a skipped test fails the session."""

from __future__ import annotations

import pytest

from tests.skip_guard import MESSAGE, NoSkipsAllowed

# The inner sessions run without the project's plugins: only the guard is under test.
INNER = ("-p", "no:django", "-p", "no:xdist", "-p", "no:hypothesispytest", "-p", "no:time_machine",
         "-p", "no:cacheprovider")


@pytest.fixture
def inner(pytester):
    def run(**files: str):
        pytester.makepyfile(**files)
        return pytester.runpytest(*INNER, plugins=[NoSkipsAllowed()])

    return run


def test_a_skipped_test_fails_a_session_that_otherwise_passed_and_is_named_with_its_reason(inner):
    result = inner(test_some="""
        import pytest

        def test_runs():
            pass

        @pytest.mark.skip(reason="需要某个服务")
        def test_skipped():
            pass

        def test_skips_itself():
            pytest.skip("运行时跳过")
    """)

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines([
        f"*{MESSAGE}: 2*",
        "SKIPPED test_some.py::test_skipped — 需要某个服务",
        "SKIPPED test_some.py::test_skips_itself — *运行时跳过",
    ])


def test_a_module_skipped_at_collection_fails_the_session_too(inner):
    result = inner(
        test_fine="def test_runs():\n    pass\n",
        test_gone="import pytest\npytest.skip('整个模块跳过', allow_module_level=True)\n",
    )

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["SKIPPED test_gone.py — *整个模块跳过"])


def test_a_session_without_skips_passes_and_says_nothing(inner):
    result = inner(test_some="""
        import pytest

        def test_runs():
            pass

        @pytest.mark.xfail(reason="an expected failure is not a skip", strict=True)
        def test_expected_to_fail():
            assert False
    """)

    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, xfailed=1)
    assert MESSAGE not in result.stdout.str()


def test_failures_keep_their_own_exit_status(inner):
    result = inner(test_some="""
        import pytest

        def test_fails():
            assert False

        @pytest.mark.skip(reason="x")
        def test_skipped():
            pass
    """)

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([f"*{MESSAGE}: 1*"])
