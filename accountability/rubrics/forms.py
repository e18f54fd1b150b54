"""Forms of the rubric editor."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accountability.models import Indicator


class RubricCreateForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)


class IndicatorForm(forms.Form):
    parent = forms.ModelChoiceField(label=_("上级指标"), queryset=Indicator.objects.none(), required=False,
                                    empty_label=_("（作为一级指标）"))
    name = forms.CharField(label=_("指标"), max_length=200)
    method = forms.ChoiceField(label=_("评分方式"), choices=[("", "—"), *Indicator.Method.choices], required=False)
    points = forms.DecimalField(label=_("分值"), max_digits=6, decimal_places=1, min_value=0, required=False)
    per_occurrence = forms.DecimalField(label=_("每次扣分"), max_digits=6, decimal_places=1, required=False)
    cap = forms.DecimalField(label=_("扣分上限"), max_digits=6, decimal_places=1, required=False)
    criteria = forms.CharField(label=_("评分标准"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = rubric.indicators.filter(parent=None).order_by("sort_order", "pk")


class ImportForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
