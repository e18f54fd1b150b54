"""Forms of the assessment pages. Scores arrive as one field per leaf (points_<id>, occ_<id>, veto_<id>,
note_<id>, files_<id>) and are parsed into services.Entry values here."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accountability.assessments.services import Entry
from accountability.models import Campaign, Indicator, Rubric

MAX_NOTE = 2000


def parse_entries(data, indicators: list[Indicator]) -> tuple[dict[int, Entry], list[str]]:
    """Entries per leaf from POST data, and Chinese errors for what could not be read."""
    entries, errors = {}, []
    for leaf in indicators:
        raw_points = (data.get(f"points_{leaf.pk}") or "").strip()
        raw_occ = (data.get(f"occ_{leaf.pk}") or "").strip()
        points = occurrences = None
        if raw_points:
            try:
                points = Decimal(raw_points)
                if not points.is_finite() or points != points.quantize(Decimal("0.1")):
                    raise InvalidOperation
            except InvalidOperation:
                errors.append(_("“%(name)s”的得分应为数字（最多一位小数）。") % {"name": leaf.name})
                points = None
        if raw_occ:
            if raw_occ.isdigit() and len(raw_occ) <= 3:
                occurrences = int(raw_occ)
            else:
                errors.append(_("“%(name)s”的扣分次数应为不小于 0 的整数。") % {"name": leaf.name})
        entries[leaf.pk] = Entry(points=points, occurrences=occurrences, veto=data.get(f"veto_{leaf.pk}") == "on",
                                 note=(data.get(f"note_{leaf.pk}") or "")[:MAX_NOTE])
    return entries, errors


class CampaignForm(forms.Form):
    title = forms.CharField(label=_lazy("名称"), max_length=200)
    year = forms.IntegerField(label=_lazy("年度"), min_value=2000, max_value=2100)
    rubric = forms.ModelChoiceField(label=_lazy("指标体系"), queryset=Rubric.objects.none(),
                                    empty_label=None)
    methods = forms.MultipleChoiceField(label=_lazy("考核方式"), choices=Campaign.Method.choices,
                                        widget=forms.CheckboxSelectMultiple)
    start_date = forms.DateField(label=_lazy("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_lazy("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    assessed = forms.ModelMultipleChoiceField(label=_lazy("被考核单位"), queryset=None,
                                              widget=forms.CheckboxSelectMultiple)
    good_from = forms.DecimalField(label=_lazy("“好”的最低分"), initial=90, max_digits=4, decimal_places=1)
    fairly_good_from = forms.DecimalField(label=_lazy("“较好”的最低分"), initial=80, max_digits=4, decimal_places=1)
    average_from = forms.DecimalField(label=_lazy("“一般”的最低分"), initial=60, max_digits=4, decimal_places=1)

    def __init__(self, *args, rubrics, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = rubrics
        self.fields["assessed"].queryset = organizations


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _lazy("采纳")), ("reject", _lazy("不采纳"))])
    reason = forms.CharField(label=_lazy("理由"), max_length=500)
