"""Forms of the organization pages: role assignments, ending a role, search, moving a subtree."""

from django import forms
from django.utils.translation import gettext_lazy as _

from responsibilities.forms import DateInput
from responsibilities.models import Organization, Person, RoleAssignment


class RoleAssignmentForm(forms.Form):
    """Assign a role to a recorded person, or to someone new (then name and title are given)."""

    person = forms.ModelChoiceField(
        label=_("已登记人员"), queryset=Person.objects.none(), required=False,
        empty_label=_("— 选择已登记人员，或在下方填写新人员 —"),
    )
    new_name = forms.CharField(label=_("新人员姓名"), max_length=100, required=False)
    new_title = forms.CharField(label=_("新人员职务"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=RoleAssignment.Role.choices)
    start_date = forms.DateField(label=_("起始日期"), widget=DateInput())
    end_date = forms.DateField(
        label=_("结束日期"), required=False, widget=DateInput(), help_text=_("含当日；留空表示至今")
    )
    portfolio = forms.CharField(
        label=_("分管领域"), required=False, max_length=500,
        help_text=_("一岗双责：分管的部门、单位或包抓村（社区）"),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people

    def clean(self):
        data = super().clean()
        person, new_name = data.get("person"), (data.get("new_name") or "").strip()
        if person and new_name:
            self.add_error("new_name", _("已选择登记人员时，请不要再填写新人员姓名。"))
        elif not person and not new_name:
            self.add_error("person", _("请选择已登记人员，或填写新人员姓名。"))
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于起始日期。"))
        return data


class RoleEndForm(forms.Form):
    end_date = forms.DateField(label=_("结束日期（最后任职日）"), widget=DateInput())


class OrganizationSearchForm(forms.Form):
    q = forms.CharField(label=_("按名称搜索"), required=False, max_length=100)


class OrganizationMoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(label=_("新的上级组织"), queryset=Organization.objects.none())

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents
