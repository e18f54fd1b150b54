"""Every request bounded (#11 §2): the worst inputs the report editor accepts, driven through it, and
the pages that show them, each within a fixed number of queries and a time measured against a
trivial view (the login page) in the same run.

Before the bound (difflib over whole lines, character by character): 12 paragraphs of 5,000 times
one character against the same with the last one changed took 97.0 s to compare (32.6 s on the
audit's machine); a 200-paragraph draft's PDF was rendered again on every request.
"""

from __future__ import annotations

import random
import statistics
import time

import pytest
from django.test import Client
from django.urls import reverse

from reporting.models import ReportVersion
from reporting.reports import diff, services
from reporting.reports.selectors import latest_version
from tests.reporting.reports import test_views
from tests.reporting.reports.test_views import as_user, editor_post, ready

_june = test_views._june  # the same fixtures: mid-June 2026, a county with its users
county = test_views.county

# A page may take at most this many times the login page's median (2 to 13 ms on the shared test
# machine). The versions page of an ordinary report already takes 40 to 80 times the login page (it
# computes both versions' live figures); the worst cases below take 20 to 260 times, against about
# 40,000 times before the bound.
RATIO = 300
QUERIES = 40  # and at most this many queries

PARAGRAPH = 1  # Level.PARAGRAPH


def _random(alphabet: str, n: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(n))


# Worst cases within the editor's limits: MAX_BLOCKS paragraphs, MAX_TEXT characters each,
# MAX_BODY_TEXT characters in all. (old body, new body, compared by paragraph?, lines shown whole)
CASES = {
    # the audit's case, longest paragraphs: one character repeated, the last one changed
    "longest paragraphs, one character repeated": (["甲" * 5000] * 20, ["甲" * 4999 + "乙"] * 20, True, 0),
    "longest paragraphs, no common character": (["甲" * 5000] * 20, ["乙" * 5000] * 20, True, 0),
    # just under the line-by-line limit: every pair is the matcher's worst, past the page's budget
    "1,000-character paragraphs, one character repeated": (
        ["甲" * 1000] * 48, ["甲" * 999 + "乙"] * 48, False, 48),
    "1,000-character paragraphs, two characters alternating": (
        ["甲乙" * 500] * 48, ["乙甲" * 500] * 48, False, 48),
    "most paragraphs, three characters at random": (
        [_random("甲乙丙", 120, i) for i in range(400)], [_random("甲乙丙", 120, 1000 + i) for i in range(400)],
        False, None),
    "most paragraphs, most lines": (["甲\n" * 120 + "甲"] * 400, ["乙\n" * 120 + "乙"] * 400, True, 0),
}


def ratio(client: Client, url: str, queries, repeat: int = 3):
    """How many times the login page's median the fastest of `repeat` requests to `url` took (a busy
    machine only ever slows a request down), each within the query budget; the login page timed in
    between, so that both see the same load. Returns (ratio, seconds, the last response)."""
    anonymous, login = Client(), reverse("login")
    trivial, best, response = [], float("inf"), None
    for _ in range(repeat):
        for _ in range(7):
            start = time.perf_counter()
            assert anonymous.get(login).status_code == 200
            trivial.append(time.perf_counter() - start)
        with queries(QUERIES):
            start = time.perf_counter()
            response = client.get(url)
            best = min(best, time.perf_counter() - start)
    return best / statistics.median(trivial), best, response


def post_body(client: Client, report, texts: list[str]) -> ReportVersion:
    """Save `texts` as the body through the editor, as a user would."""
    response = client.post(reverse("reporting:report_edit", args=[report.pk]),
                           editor_post(latest_version(report), blocks=[(PARAGRAPH, t) for t in texts]))
    assert response.status_code == 302, response.content.decode()[:2000]
    return latest_version(report)


@pytest.mark.parametrize("case", list(CASES))
def test_comparing_the_worst_versions_the_editor_accepts_is_bounded(case, county, django_assert_max_num_queries):
    old_texts, new_texts, by_paragraph, whole = CASES[case]
    report = ready(county)
    client = as_user(county.staff)
    old, new = post_body(client, report, old_texts), post_body(client, report, new_texts)
    url = reverse("reporting:report_versions", args=[report.pk]) + f"?a={old.number}&b={new.number}"

    times, took, response = ratio(client, url, django_assert_max_num_queries)

    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert comparison.by_paragraph is by_paragraph
    if whole is not None:
        assert comparison.whole == whole
    page = response.content.decode()
    assert ('data-testid="diff-notice"' in page) is (by_paragraph or bool(comparison.whole))
    print(f"\n{case}: {took * 1000:.0f} ms = {times:.1f}× the login page")
    assert times <= RATIO, f"{case}: {took:.3f} s, {times:.0f}× the login page"


def test_the_longest_draft_is_shown_edited_and_previewed_within_the_budget(county, django_assert_max_num_queries):
    report = ready(county)
    client = as_user(county.staff)
    version = post_body(client, report, [_random("甲乙丙丁", 5000, i) for i in range(20)])
    pages = {
        "detail": reverse("reporting:report_detail", args=[report.pk]),
        "editor": reverse("reporting:report_edit", args=[report.pk]),
        "versions": reverse("reporting:report_versions", args=[report.pk]),
        "PDF preview (queued)": reverse("reporting:version_pdf", args=[report.pk, version.number]),
    }
    for name, url in pages.items():
        times, took, response = ratio(client, url, django_assert_max_num_queries)
        assert response.status_code == (302 if name.startswith("PDF") else 200), name
        print(f"\n{name}: {took * 1000:.0f} ms = {times:.1f}× the login page")
        assert times <= RATIO, f"{name}: {took:.3f} s, {times:.0f}× the login page"
    job_page = response["Location"]
    times, took, response = ratio(client, job_page, django_assert_max_num_queries)
    assert response.status_code == 200 and 'data-testid="preview-progress"' in response.content.decode()
    assert times <= RATIO


def test_the_editor_refuses_more_than_it_can_bound_in_chinese(county):
    report = ready(county)
    client = as_user(county.staff)
    url = reverse("reporting:report_edit", args=[report.pk])
    before = latest_version(report).number

    too_long = client.post(url, editor_post(latest_version(report), blocks=[(PARAGRAPH, "甲" * 5000)] * 21))
    too_long_paragraph = client.post(url, editor_post(latest_version(report), blocks=[(PARAGRAPH, "甲" * 5001)]))
    too_many = client.post(url, editor_post(latest_version(report), blocks=[(PARAGRAPH, "甲")] * 401))

    assert too_long.status_code == too_long_paragraph.status_code == too_many.status_code == 400
    assert "正文过长（共 105000 字，最多 100000 字），请精简或分为附件。" in too_long.content.decode()
    assert "第 1 段过长（最多 5000 字）。" in too_long_paragraph.content.decode()
    assert "正文段落过多（最多 400 段）。" in too_many.content.decode()
    assert latest_version(report).number == before
    # The limits the cases above stay within.
    assert (services.MAX_BLOCKS, services.MAX_TEXT, services.MAX_BODY_TEXT) == (400, 5000, 100_000)
    assert diff.MAX_TOTAL_TEXT == 100_000


def test_small_changes_are_still_marked_character_by_character_and_the_bounds_show_whole_lines():
    marked = diff.compare(["一、基本情况", "本期召开会议3次。"], ["一、基本情况", "本期召开会议4次。"])
    assert marked.rows[-1] == diff.DiffRow(
        "replace", 2, ((False, "本期召开会议"), (True, "3"), (False, "次。")),
        2, ((False, "本期召开会议"), (True, "4"), (False, "次。")),
    )
    assert (marked.by_paragraph, marked.whole, marked.notices) == (False, 0, [])
    assert str(marked.rows[-1].right_html()) == "本期召开会议<ins>4</ins>次。"
    assert str(diff.DiffRow("delete", 1, ((True, "<b>"),)).left_html()) == "<del>&lt;b&gt;</del>"

    too_long = diff.compare(["甲" * 2001], ["甲" * 2000 + "乙"])
    assert too_long.rows == [diff.DiffRow("replace", 1, ((True, "甲" * 2001),), 1, ((True, "甲" * 2000 + "乙"),))]
    assert too_long.notices == ["有 1 行改动较多或过长（超过 2000 字），整行显示为替换，不标出行内改动的文字。"]

    by_paragraph = diff.compare(["甲" * 50_000, "丙"], ["乙" * 50_000, "丙"])
    assert by_paragraph.by_paragraph
    assert [row.kind for row in by_paragraph.rows] == ["replace", "equal"]
    assert by_paragraph.notices == [
        "两个版本的文字较多（共 100002 字、2 行；逐字比较最多 100000 字、每版 2000 行），"
        "以下按整段比较：有改动的段落整段显示，不标出段内改动的文字。"
    ]
