"""Forms of 我的工作: a meeting record, evidence files, a reason (waive, reopen)."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibilities.forms import DateInput
from responsibilities.models import Person


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("会议日期"), widget=DateInput())
    place = forms.CharField(label=_("地点"), max_length=200)
    chair = forms.ModelChoiceField(label=_("主持人"), queryset=Person.objects.none(), empty_label=_("— 请选择 —"))
    attendees = forms.ModelMultipleChoiceField(
        label=_("参会人员（领导班子）"), queryset=Person.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = forms.CharField(label=_("其他参会人员"), max_length=500, required=False)
    topic = forms.CharField(label=_("议题"), max_length=300)
    discussion = forms.CharField(label=_("讨论情况"), widget=forms.Textarea(attrs={"rows": 4}))
    decisions = forms.CharField(label=_("议定事项"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, people, with_files: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = people
        self.fields["attendees"].queryset = people
        if with_files:
            self.fields["file_title"] = title_field()
            self.fields["files"] = files_field(required=False, label=_("附件（签到表、会议纪要扫描件、照片）"))

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("会议日期不能晚于今天。"))
        return day

    def clean(self):
        data = super().clean()
        if not data.get("attendees") and not (data.get("other_attendees") or "").strip():
            self.add_error("attendees", _("请至少选择一名参会人员，或填写其他参会人员。"))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def title_field() -> forms.CharField:
    return forms.CharField(
        label=_("标题"), max_length=200, required=False,
        help_text=_("例如“签到表”“会议纪要”“会议照片”；留空则以文件名（不含扩展名）作为标题，多个文件依次编号。"),
    )


def files_field(*, required: bool = True, label=None) -> MultipleFileField:
    return MultipleFileField(
        label=label or _("佐证文件"), required=required,
        help_text=_("PDF、Word、Excel、PowerPoint、OFD 或图片，单个文件不超过 %(mb)s MB")
        % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
    )


class FilesForm(forms.Form):
    """Evidence files with their 标题 (an obligation's, or a meeting record's attachments)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"] = title_field()
        self.fields["files"] = files_field()


class MeetingCorrectForm(MeetingForm):
    """A meeting record's content again, with the reason for the correction (更正理由)."""

    reason = forms.CharField(label=_("更正理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("请填写更正理由。"))
        return reason


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("请填写理由。"))
        return reason
