"""Forms of the inspector's workplace: the flag filter, the meeting search, the evidence bundle."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accountability.flags import FlagKind
from accountability.workplace import selectors
from responsibilities.forms import ObjectIdField
from responsibilities.models import Organization
from responsibilities.org.selectors import organization_choices
from responsibilities.permissions import Capability, visible


def _year_field(*, required: bool) -> forms.TypedChoiceField:
    choices = [(y, _("%(year)s年") % {"year": y}) for y in selectors.recent_years()]
    if not required:
        choices = [("", _("全部年度")), *choices]
    return forms.TypedChoiceField(
        label=_("年度"), choices=choices, coerce=int, required=required, empty_value=None,
        error_messages={"invalid_choice": _("请选择列出的年度。"), "required": _("请选择年度。")},
    )


class FlagFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("线索类型"), choices=[("", _("全部类型")), *FlagKind.choices], required=False,
                             error_messages={"invalid_choice": _("请选择列出的线索类型。")})
    year = _year_field(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = _year_field(required=False)


class MeetingSearchForm(forms.Form):
    q = forms.CharField(
        label=_("关键词"), max_length=selectors.SEARCH_MAX_CHARS, required=True, strip=True,
        help_text=_("在议题、讨论情况、议定事项、主持人和参会人员中查找；多个关键词用空格分开（须同时包含）。"),
        error_messages={"required": _("请输入关键词。"),
                        "max_length": _("关键词最多 %(limit_value)d 个字。")},
    )
    year = _year_field(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = _year_field(required=False)

    def terms(self) -> list[str]:
        return selectors.search_terms(self.cleaned_data["q"])


class BundleForm(forms.Form):
    organization = ObjectIdField(label=_("组织"), widget=forms.Select,
                                 help_text=_("收录该组织本级的会议记录、佐证文件和已签发报告，以及其工作任务台账（含下级）"),
                                 error_messages={"required": _("请选择组织。"), "invalid": _("请选择组织。")})
    year = _year_field(required=True)

    def __init__(self, *args, user, organization: Organization | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["year"] = _year_field(required=True)
        choices = organization_choices(user, Capability.INSPECT, include=organization)
        self.fields["organization"].widget.choices = [("", _("— 请选择 —")), *choices]

    def clean_organization(self) -> Organization:
        pk = self.cleaned_data["organization"]
        organization = visible(self.user, Capability.INSPECT, Organization.objects.filter(pk=pk)).first()
        if organization is None:
            raise forms.ValidationError(_("所选组织不存在或不在您的检查范围内。"))
        return organization
