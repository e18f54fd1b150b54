"""Forms of the responsibility list (责任清单): a duty item, and the choice of what to push down to whom."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from responsibilities.models import DutyItem, Organization, Person, Responsible, WorkSystem

# The largest value of the database column (a 32-bit integer on PostgreSQL).
SORT_ORDER_MAX = 2147483647


def _required(message: str) -> dict[str, str]:
    return {"required": message}


class DutyItemForm(forms.Form):
    content = forms.CharField(
        label=_("责任内容"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required(_("请填写责任内容。")),
        help_text=_("具体、可落实：做什么、做到什么程度"),
    )
    responsible = forms.ChoiceField(
        label=_("责任主体"), choices=[("", _("— 请选择 —")), *Responsible.choices],
        error_messages=_required(_("请选择责任主体。")),
    )
    responsible_person = forms.ModelChoiceField(
        label=_("指定责任人"), queryset=Person.objects.none(), required=False,
        empty_label=_("— 由责任主体的现任人员承担 —"),
        help_text=_("一般留空：清单显示该角色的现任人员，人员变动后自动更新"),
    )
    lead_unit = forms.CharField(label=_("牵头单位"), max_length=200, required=False)
    responsible_units = forms.CharField(label=_("责任单位"), max_length=500, required=False)
    verification = forms.CharField(
        label=_("认定标准（佐证）"), widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=_required(_("请填写认定标准：以什么材料证明已落实。")),
        help_text=_("可认定：例如会议记录、专题报告、学习记录"),
    )
    work_system = forms.ModelChoiceField(
        label=_("关联工作制度"), queryset=WorkSystem.objects.all(), required=False,
        empty_label=_("— 不关联 —"),
    )
    recurrence = forms.CharField(
        label=_("频次"), max_length=100, required=False, help_text=_("例如：每季度、每半年、每年至少 2 次"),
    )
    sort_order = forms.IntegerField(
        label=_("排序"), min_value=0, max_value=SORT_ORDER_MAX, required=False,
        help_text=_("数字小的在前；留空排在最后"),
        error_messages={
            "min_value": _("排序不能为负数。"),
            "max_value": _("排序不能大于 %(limit_value)s。"),
            "invalid": _("排序请填写整数。"),
        },
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_person"].queryset = people

    @staticmethod
    def initial_for(item: DutyItem) -> dict:
        return {
            "content": item.content,
            "responsible": item.responsible,
            "responsible_person": item.responsible_person_id,
            "lead_unit": item.lead_unit,
            "responsible_units": item.responsible_units,
            "verification": item.verification,
            "work_system": item.work_system_id,
            "recurrence": item.recurrence,
            "sort_order": item.sort_order,
        }

    def clean_content(self) -> str:
        content = self.cleaned_data["content"].strip()
        if not content:
            raise forms.ValidationError(_("请填写责任内容。"))
        return content

    def clean_verification(self) -> str:
        verification = self.cleaned_data["verification"].strip()
        if not verification:
            raise forms.ValidationError(_("请填写认定标准：以什么材料证明已落实。"))
        return verification


class OrganizationChoiceField(forms.ModelMultipleChoiceField):
    """Subordinate organizations, indented by their depth below the source."""

    def __init__(self, *args, below: Organization | None = None, **kwargs):
        self.below_depth = below.depth if below else 0
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Organization) -> str:
        return "\u3000" * max(obj.depth - self.below_depth - 1, 0) + obj.name


class DutyItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: DutyItem) -> str:
        label = obj.content if len(obj.content) <= 60 else obj.content[:60] + "…"
        return f"{label}（{_('已停用')}）" if obj.retired_at else label


class DutyCascadeForm(forms.Form):
    items = DutyItemChoiceField(
        label=_("下发的条目"), queryset=DutyItem.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请选择要下发的条目。"),
            "invalid_choice": _("所选条目不在本组织的责任清单中。"),
        },
    )
    all_targets = forms.BooleanField(label=_("全部下级"), required=False)
    targets = OrganizationChoiceField(
        label=_("接收的下级组织"), queryset=Organization.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选组织不是您可管理的下级组织。")},
    )

    def __init__(self, *args, items, targets, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items
        self.fields["targets"].queryset = targets
        self.fields["targets"].below_depth = organization.depth

    def clean(self):
        data = super().clean()
        if data.get("all_targets"):
            data["targets"] = list(self.fields["targets"].queryset)
            if not data["targets"]:
                self.add_error("all_targets", _("本组织没有可下发的下级组织。"))
        elif not data.get("targets") and "targets" not in self.errors:
            self.add_error("targets", _("请选择接收下发的下级组织，或勾选“全部下级”。"))
        return data
