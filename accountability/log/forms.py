"""The log page's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accountability.log.labels import ACTIONS, OBJECT_TYPES
from accountability.log.selectors import EntryFilter


class LogFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("动作"), required=False, choices=[("", _("全部动作")), *ACTIONS.items()])
    object_type = forms.ChoiceField(
        label=_("对象类型"), required=False, choices=[("", _("全部对象")), *OBJECT_TYPES.items()]
    )
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=40)
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"invalid": _("请填写有效的日期，例如 2026-06-30。")})
    date_to = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"invalid": _("请填写有效的日期，例如 2026-06-30。")})

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("结束日期不能早于起始日期。"))
        if data.get("object_id") and not data.get("object_type"):
            self.add_error("object_type", _("按对象编号筛选时，请同时选择对象类型。"))
        return data

    def filters(self, organization) -> EntryFilter:
        data = self.cleaned_data
        return EntryFilter(
            organization=organization, object_type=data["object_type"], object_id=data["object_id"].strip(),
            actor=data["actor"].strip(), action=data["action"], date_from=data["date_from"], date_to=data["date_to"],
        )
