"""The users' own words on every main page of the demo city (issue #9 §4): periods read 2026年上半年
(codes such as 2026H1 only in links and form values) and 依据 names a document, never a seed file code."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accountability.models import Campaign
from reporting.models import Report, Submission
from responsibilities.models import Obligation

pytestmark = pytest.mark.django_db

# Period.code's forms: 2026H1, 2026Q3, 2026-07 (a date 2026-07-01 is not a period).
PERIOD_CODE = re.compile(r"(?<![0-9A-Za-z])(?:\d{4}[HQ]\d|\d{4}-\d{2}(?![-\d:]))(?![0-9A-Za-z])")
FILE_CODE = re.compile(r"(?<!\d)00[02]\s*(?:篇|第|[（(])")
VISIBLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "label"}


class VisibleText(HTMLParser):
    """What a reader sees: text outside <script>/<style>/<template>, and the attributes shown as
    text (title, aria-label, placeholder, alt); not href, value, data-* or ids."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        self.parts.extend(value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def test_the_visible_text_helper_ignores_links_and_values_but_not_titles():
    html = ('<a href="?period=2026H1" title="2026Q3">2026年上半年</a><option value="2026H2">下半年</option>'
            '<script>var p = "2026Q1";</script><td>2026-07-01</td>')
    assert PERIOD_CODE.findall(visible(html)) == ["2026Q3"]
    assert PERIOD_CODE.findall("2026-07 · 第2026H1号 · 2026年7月") == ["2026-07", "2026H1"]


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _pages() -> dict[str, list[str]]:
    """The main pages of each persona, with the demo's own objects."""
    obligations = Obligation.objects.order_by("pk")
    by_evidence = [obligations.filter(work_system__evidence=e).first() for e in ("report", "meeting", "document")]
    done = obligations.filter(status="done").first()
    reports = list(Report.objects.order_by("pk")[:6])
    submissions = list(Submission.objects.order_by("pk")[:3])
    campaigns = list(Campaign.objects.order_by("pk")[:2])
    common = [
        reverse("home"), reverse("responsibilities:my_work"), reverse("responsibilities:inbox"),
        reverse("responsibilities:compliance_matrix"), reverse("responsibilities:charts"),
        reverse("responsibilities:obligation_list") + "?period=2026H1",
        reverse("responsibilities:obligation_list") + "?period=2026",
        reverse("reporting:report_list"), reverse("reporting:report_create"),
        reverse("reporting:board") + "?period=2026H1", reverse("reporting:submission_inbox"),
        reverse("reporting:ledgers"),
        *(reverse("responsibilities:obligation_detail", args=[o.pk]) for o in [*by_evidence, done] if o),
        *(reverse("reporting:report_detail", args=[r.pk]) for r in reports),
        *(reverse("reporting:submission_detail", args=[s.pk]) for s in submissions),
    ]
    inspector = [
        reverse("accountability:workplace_home"), reverse("accountability:flag_list"),
        reverse("accountability:campaign_list"), reverse("accountability:finding_list"),
        reverse("accountability:case_list"),
        *(reverse("accountability:campaign_detail", args=[c.pk]) for c in campaigns),
    ]
    return {"city_xcb": common, "county_a_xcb": common, "county_a_shuji": common, "city_jijian": inspector}


def test_no_page_of_the_demo_city_shows_a_period_code_or_a_seed_file_code(seeded_demo):
    problems = []
    for username, urls in _pages().items():
        client = _client(username)
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                continue  # a page this persona may not open is another test's business
            text = visible(response.content.decode())
            problems += [(username, url, code) for code in PERIOD_CODE.findall(text)]
            problems += [(username, url, code) for code in FILE_CODE.findall(text)]
    assert problems == []
