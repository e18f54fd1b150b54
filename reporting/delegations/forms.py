"""The form recording a delegation of the sign-off (签发)."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from responsibilities.forms import DateInput
from responsibilities.models import Person


class DelegationForm(forms.Form):
    delegate = forms.ModelChoiceField(
        label=_("受托人"), queryset=Person.objects.none(), empty_label=_("— 请选择 —"),
        help_text=_("须为本组织领导班子成员。"),
    )
    start_date = forms.DateField(label=_("起始日期"), widget=DateInput())
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput(), help_text=_("含当日"))
    reason = forms.CharField(label=_("委托事由"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, people: QuerySet[Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = people

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于起始日期。"))
        return data
