"""Forms of the receiving end: the inbox filter and the reason for a return (退回)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reporting.models import Submission


class SubmissionFilterForm(forms.Form):
    TO_RECEIVE = ""  # the default: 待我签收
    ALL = "all"
    status = forms.ChoiceField(
        label=_("显示"), required=False, choices=[
            (TO_RECEIVE, _("待我签收")), (ALL, _("全部")), (Submission.Status.SUBMITTED, _("待签收（全部）")),
            (Submission.Status.RECEIVED, _("已签收")), (Submission.Status.RETURNED, _("已退回")),
        ],
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("退回必须填写理由。")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("退回必须填写理由。"))
        return reason
