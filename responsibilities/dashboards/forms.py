"""Filters of the dashboards: period, organization kind, status, work system, year."""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibilities.dashboards.selectors import StatusBucket
from responsibilities.forms import PeriodField, PeriodWidget
from responsibilities.models import Organization, WorkSystem


def with_default_period(data: QueryDict) -> QueryDict:
    """The query with `period` defaulted to the current year, so the form shows what it uses."""
    data = data.copy()
    if not PeriodWidget.given(data):
        data["period"] = str(timezone.localdate().year)
    return data


class MatrixFilterForm(forms.Form):
    period = PeriodField(label=_("期间"))
    kind = forms.ChoiceField(
        label=_("组织类型"), required=False, choices=[("", _("全部类型")), *Organization.Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *StatusBucket.choices]
    )

    @property
    def filters(self) -> dict:
        """The cleaned filters as keyword arguments for the selectors."""
        data = self.cleaned_data
        return {"period": data["period"], "kind": data["kind"], "status": data["status"]}

    @property
    def query(self) -> dict[str, str]:
        """The filters as they travel in links (rows to expand, cells to drill down)."""
        data = self.cleaned_data
        return {
            key: value
            for key, value in (("period", data["period"].code), ("kind", data["kind"]), ("status", data["status"]))
            if value
        }


class ObligationFilterForm(MatrixFilterForm):
    system = forms.ModelChoiceField(
        label=_("工作制度"), required=False, to_field_name="code", empty_label=_("全部工作制度"),
        queryset=WorkSystem.objects.order_by("sort_order", "code"),
    )
    own = forms.BooleanField(label=_("仅本级"), required=False)
    entry = forms.ChoiceField(
        label=_("会议记录"), required=False,
        choices=[("", _("全部")), ("late", _("含补录的记录")), ("proxy", _("含代填的记录"))],
    )

    @property
    def filters(self) -> dict:
        data = self.cleaned_data
        return {**super().filters, "system": data["system"], "own": data["own"], "entry": data["entry"]}


class ChartsFilterForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)


def with_default_year(data: QueryDict) -> QueryDict:
    data = data.copy()
    if not data.get("year", "").strip():
        data["year"] = str(timezone.localdate().year)
    return data
