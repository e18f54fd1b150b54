"""Official text is Chinese whatever language the person who writes it has chosen for the interface."""

from django.utils import translation

from reporting.board import selectors as board_selectors
from reporting.reports import selectors as reports_selectors
from reporting.reports import services
from responsibilities.periods import Period
from tests.factories import make_user


def test_a_report_drafted_from_the_english_interface_is_written_in_chinese(tree):
    drafter = make_user("drafter", grants=[("draft_report", tree.county_a)])
    with translation.override("en"):
        report = services.report_create(
            organization=tree.county_a, kind="half_year", period=Period.parse("2026H1"), actor=drafter
        )
        version = reports_selectors.latest_version(report)
        assert version.title == "A县委关于2026年上半年意识形态工作情况的报告"
        assert version.note == "新建草稿"
        assert str(board_selectors.BOARD_LABELS[board_selectors.BOARD_MISSING]) == "Not drafted"
    assert str(board_selectors.BOARD_LABELS[board_selectors.BOARD_MISSING]) == "未起草"
