"""Statistics paragraphs are live: drafts show today's figures, signing freezes the figures of that moment."""

from __future__ import annotations

import datetime as dt

import time_machine

from reporting.reports import selectors
from reporting.reports import services as reports_services
from responsibilities.models import Obligation
from responsibilities.work import services as work
from tests.reporting.board.test_board import H1, at, drafted, generate, unit_of
from tests.reporting.writing import write_up

D = dt.date


def party_report_line(blocks) -> str:
    return next(b["text"] for b in blocks if b["text"].startswith("党委报告制度"))


def test_a_signed_half_year_report_counts_its_own_obligation_as_done(tree):
    county = unit_of(tree.county_a)
    generate()
    report = drafted(county)

    version = reports_services.report_sign(version=write_up(report), actor=county.secretary,
                                           now=at(D(2026, 6, 15)))

    assert party_report_line(version.blocks) == "党委报告制度：应完成 1 项，已完成 1 项。"
    assert version.facts["systems"][0]["code"] == "party_report" and version.facts["systems"][0]["done"] == 1


def test_a_report_signed_after_its_deadline_counts_its_obligation_done_late(tree):
    county = unit_of(tree.county_a)
    generate()
    report = drafted(county)

    version = reports_services.report_sign(version=write_up(report), actor=county.secretary,
                                           now=at(D(2026, 6, 25)))

    assert party_report_line(version.blocks) == "党委报告制度：应完成 1 项，已完成 1 项（其中逾期完成 1 项）。"


def line(blocks, name: str) -> str:
    return next(b.text for b in blocks if b.text.startswith(name))


def obligation(org, code: str) -> Obligation:
    return Obligation.objects.get(organization=org, work_system__code=code, period=H1.code)


def test_the_draft_shows_live_figures_and_signing_freezes_them(tree):
    county = unit_of(tree.county_a)
    generate()
    with time_machine.travel(at(D(2026, 6, 10)), tick=False):
        report = drafted(county)
        before = selectors.rendered(selectors.latest_version(report))
        assert line(before.blocks, "专题研究") == "专题研究：应完成 1 项，已完成 0 项，尚在办理 1 项。"

        work.obligation_complete(obligation=obligation(tree.county_a, "special_study"), actor=county.staff,
                                 at=at(D(2026, 3, 20)))

        draft = selectors.rendered(selectors.latest_version(report))
        assert draft.live
        assert line(draft.blocks, "专题研究") == "专题研究：应完成 1 项，已完成 1 项。"
    version = reports_services.report_sign(version=write_up(report), actor=county.secretary,
                                           now=at(D(2026, 6, 15)))
    work.obligation_complete(obligation=obligation(tree.county_a, "summary_report"), actor=county.staff,
                             at=at(D(2026, 6, 16)))

    signed = selectors.rendered(version)
    assert not signed.live
    assert line(signed.blocks, "汇总汇报") == "汇总汇报：应完成 1 项，已完成 0 项，尚在办理 1 项。"
    assert [s["done"] for s in version.facts["systems"] if s["code"] == "summary_report"] == [0]


def test_the_report_page_marks_the_live_figures_of_a_draft_and_not_of_a_signed_version(tree):
    from django.test import Client
    from django.urls import reverse

    county = unit_of(tree.county_a)
    generate()
    report = drafted(county)
    client = Client()
    client.force_login(county.staff)

    draft_page = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    assert 'data-testid="live-note"' in draft_page and 'class="doc-p doc-live"' in draft_page
    editor = client.get(reverse("reporting:report_edit", args=[report.pk])).content.decode()
    assert "实时统计数据" in editor and 'value="stats"' in editor and " readonly>党委报告制度" in editor

    reports_services.report_sign(version=write_up(report), actor=county.secretary,
                                 now=at(D(2026, 6, 15)))
    signed_page = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    assert 'data-testid="live-note"' not in signed_page and "doc-live" not in signed_page
    assert "党委报告制度：应完成 1 项，已完成 1 项。" in signed_page
