"""Forms of the receiving end: the inbox filter and the reason for a return (退回)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reporting.models import Submission


class SubmissionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *Submission.Status.choices]
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
