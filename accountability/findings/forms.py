"""Forms of the finding pages: registration, rectification, verification, the list's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accountability.models import Finding
from accountability.models.cases import Severity
from responsibilities.forms import DateInput
from responsibilities.models import RoleAssignment
from responsibilities.work.forms import MultipleFileField

ROLE_CHOICES = [(r, RoleAssignment.Role(r).label) for r in RoleAssignment.TEAM_ROLES]


class FindingForm(forms.Form):
    source = forms.ChoiceField(label=_("来源"), choices=Finding.Source.choices)
    source_reference = forms.CharField(label=_("来源说明"), max_length=300, required=False,
                                       help_text=_("例如：2026年度意识形态工作专项检查"))
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 4}))
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices)
    facts_date = forms.DateField(label=_("问题发生日期"), widget=DateInput(),
                                 help_text=_("责任人按此日的任职确定，而不是今天的任职"))
    responsible_role = forms.ChoiceField(label=_("责任岗位"), choices=ROLE_CHOICES)
    measures = forms.CharField(label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 3}))
    due_date = forms.DateField(label=_("整改期限"), widget=DateInput())


class RectifyForm(forms.Form):
    rectification = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("整改佐证材料"), required=False)


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(label=_("核验结论"), choices=[("accept", _("整改到位，予以销号")),
                                                                ("return", _("整改不到位，退回"))])
    reason = forms.CharField(label=_("退回理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("退回整改必须填写理由。"))
        return data


class FindingFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部"))] + Finding.Status.choices, required=False)
    overdue = forms.BooleanField(label=_("只看整改逾期"), required=False)
