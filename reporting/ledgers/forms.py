"""The ledger export form (台账导出): which ledger, which organization, which period and statuses."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reporting.ledgers.services import DutyStatus, LedgerKind, LedgerParams
from responsibilities.forms import ObjectIdField, PeriodField
from responsibilities.models import Obligation, Organization
from responsibilities.org.selectors import organization_choices, organizations_visible

OBLIGATION_STATUSES = frozenset(Obligation.Status.values)
DUTY_STATUSES = frozenset(DutyStatus.values)


class LedgerForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("台账"), choices=LedgerKind.choices, initial=LedgerKind.OBLIGATIONS, widget=forms.RadioSelect
    )
    organization = ObjectIdField(
        label=_("组织"), widget=forms.Select, help_text=_("导出该组织及其全部下级组织的数据"),
        error_messages={"required": _("请选择组织。"), "invalid": _("请选择组织。")},
    )
    period = PeriodField(label=_("期间"), required=False, help_text=_("仅用于工作任务台账。"))
    status = forms.ChoiceField(
        label=_("状态"), required=False,
        choices=[
            ("", _("全部")),
            (_("工作任务"), Obligation.Status.choices),
            (_("责任清单"), DutyStatus.choices),
        ],
    )

    def __init__(self, *args, user, organization: Organization | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.checked_organization = organization
        choices = organization_choices(user, include=organization)
        self.fields["organization"].widget.choices = [("", _("— 请选择 —")), *choices]
        if choices and not self.is_bound:
            self.initial.setdefault("organization", choices[0][0])  # the top of the user's scope

    def clean_organization(self) -> int:
        # Any organization in the user's scope may be exported, not only those listed in the select.
        pk = self.cleaned_data["organization"]
        checked = self.checked_organization
        if (checked is None or checked.pk != pk) and not organizations_visible(self.user).filter(pk=pk).exists():
            raise forms.ValidationError(_("所选组织不存在或不在您的查看范围内。"))
        return pk

    def clean_period(self) -> str:
        period = self.cleaned_data["period"]
        return period.code if period else ""

    def clean(self):
        data = super().clean()
        kind, status = data.get("kind"), data.get("status")
        allowed = DUTY_STATUSES if kind == LedgerKind.DUTIES else OBLIGATION_STATUSES
        if kind and status and status not in allowed:
            self.add_error("status", _("该状态不适用于所选台账。"))
        return data

    def params(self) -> LedgerParams:
        data = self.cleaned_data
        duties = data["kind"] == LedgerKind.DUTIES
        return LedgerParams(
            kind=data["kind"],
            organization_id=data["organization"],
            period="" if duties else data["period"],
            status=data["status"] or "",
        )
