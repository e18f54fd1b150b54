"""The form an administrator loads a year's holidays with, from the State Council notice's dates."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from responsibilities.scheduling.notice import parse_days

_WEEKDAYS = "一二三四五六日"


class CalendarYearForm(forms.Form):
    """A year and the notice's two lists: 放假日期 and 调休上班日期. `cleaned_data` then holds
    `holidays` and `workdays` as date → holiday name."""

    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    holidays = forms.CharField(
        label=gettext_lazy("放假日期"), widget=forms.Textarea(attrs={"rows": 8, "cols": 60}),
        help_text=gettext_lazy("按通知逐项填写，每行一个节日，如“元旦：1月1日”“春节：2月15日至23日”；"
                               "也可每行一个日期，如 2027-01-01。"),
    )
    workdays = forms.CharField(
        label=gettext_lazy("调休上班日期"), required=False, widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=gettext_lazy("通知中“上班”的周末，如“春节：2月14日（周六）、2月28日（周六）”；没有可不填。"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year + 1})
        super().__init__(*args, **kwargs)

    def _days(self, name: str) -> dict[datetime.date, str]:
        year = self.cleaned_data.get("year")
        if year is None:
            return {}
        try:
            return parse_days(self.cleaned_data.get(name, ""), year)
        except ValidationError as exc:
            self.add_error(name, exc)
            return {}

    def clean(self) -> dict:
        data = super().clean()
        holidays, workdays = self._days("holidays"), self._days("workdays")
        if self.errors:
            return data
        if not holidays:
            self.add_error("holidays", _("请至少填写一个放假日期。"))
        both = sorted(set(holidays) & set(workdays))
        if both:
            self.add_error("workdays", _("%(dates)s 同时出现在放假日期和调休上班日期中。")
                           % {"dates": "、".join(f"{d:%Y-%m-%d}" for d in both)})
        weekdays = sorted(d for d in workdays if d.weekday() < 5 and d not in holidays)
        if weekdays:
            self.add_error("workdays", _("%(dates)s 本来就是工作日，调休上班日应是周六或周日。") % {
                "dates": "、".join(f"{d:%Y-%m-%d}（星期{_WEEKDAYS[d.weekday()]}）" for d in weekdays)})
        data["holidays"], data["workdays"] = holidays, workdays
        return data
