"""The submission board's filter: organization, period, kind of report."""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from reporting.board.selectors import nearest_period
from reporting.models import ReportKind, period_mismatch
from responsibilities.forms import PeriodField, PeriodWidget
from responsibilities.models import Organization
from responsibilities.periods import Period, PeriodKind

# Periodic kinds reported upward by every subordinate (a 重大情况 report has no period; a 通报 goes down).
BOARD_KINDS = [(k.value, k.label) for k in (ReportKind.HALF_YEAR, ReportKind.INSPECTION, ReportKind.SUMMARY)]


def with_board_defaults(data: QueryDict, upper: Organization | None = None) -> QueryDict:
    """The query with defaults shown in the form: the half-yearly report, and the period whose deadline is
    nearest to today below `upper` (`selectors.nearest_period`; without `upper`, the current half-year)."""
    data = data.copy()
    if not data.get("kind", "").strip():
        data["kind"] = ReportKind.HALF_YEAR
    if not PeriodWidget.given(data):
        today = timezone.localdate()
        kind = data["kind"] if data["kind"] in ReportKind.values else ReportKind.HALF_YEAR
        data["period"] = (nearest_period(upper, kind, today) if upper is not None
                          else Period.containing(PeriodKind.HALF, today)).code
    return data


class BoardFilterForm(forms.Form):
    period = PeriodField(
        label=_("期间"), kinds=(PeriodKind.HALF, PeriodKind.YEAR), help_text=_("年度专项督查报告选“全年”")
    )
    kind = forms.ChoiceField(label=_("报告类型"), choices=BOARD_KINDS)

    def clean(self):
        data = super().clean()
        if data.get("kind") and data.get("period") and (mismatch := period_mismatch(data["kind"], data["period"])):
            self.add_error("period", mismatch)  # e.g. 半年专题汇报 for 2026年度: every unit would look unreported
        return data

    @property
    def query(self) -> str:
        """The filters as they travel in links and form actions."""
        return urlencode({"period": self.cleaned_data["period"].code, "kind": self.cleaned_data["kind"]})
