"""Forms of the report pages: new report, the structured editor, filters, version comparison, sign-off."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting.document import Level
from reporting.models import Report, ReportKind, period_mismatch
from reporting.reports import selectors, services
from responsibilities.forms import ObjectIdField, PeriodField
from responsibilities.models import Organization
from responsibilities.org.selectors import organization_choices
from responsibilities.periods import Period, PeriodKind
from responsibilities.permissions import Capability
from responsibilities.work.forms import MultipleFileField

LEVEL_CHOICES = [
    (Level.PARAGRAPH.value, _("正文段落")),
    (Level.H1.value, _("一级标题 一、")),
    (Level.H2.value, _("二级标题 （一）")),
    (Level.H3.value, _("三级标题 1.")),
    (Level.H4.value, _("四级标题 （1）")),
]
# -- the list --------------------------------------------------------------------------------------


class ReportFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("报告类型"), required=False, choices=[("", _("全部类型")), *ReportKind.choices])
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *Report.Status.choices]
    )
    period = PeriodField(label=_("期间"), required=False, kinds=(PeriodKind.HALF, PeriodKind.YEAR))

    def clean_period(self) -> str:
        period = self.cleaned_data["period"]
        return period.code if period else ""


# -- a new report ----------------------------------------------------------------------------------


class ReportCreateForm(forms.Form):
    organization = ObjectIdField(
        label=_("发文组织"), widget=forms.Select,
        error_messages={"required": _("请选择组织。"), "invalid": _("请选择组织。")},
    )
    kind = forms.ChoiceField(label=_("报告类型"), choices=ReportKind.choices, initial=ReportKind.HALF_YEAR)
    period = PeriodField(
        label=_("报告期间"), required=False, kinds=(PeriodKind.HALF, PeriodKind.YEAR), blank_label=_("不按期间"),
        help_text=_("半年专题汇报选上半年或下半年；督查报告、汇总报告、通报选全年；重大情况专题报告不选。"),
    )
    title = forms.CharField(
        label=_("标题"), required=False, max_length=200, help_text=_("留空则按报告类型自动生成。")
    )

    def __init__(self, *args, user, organization: Organization | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = organization_choices(user, Capability.DRAFT_REPORT, include=organization)
        self.fields["organization"].widget.choices = [("", _("— 请选择 —")), *choices]
        if not self.is_bound:
            if organization is not None:
                self.initial.setdefault("organization", organization.pk)
            elif choices:
                self.initial.setdefault("organization", choices[0][0])
            self.initial.setdefault("period", Period.containing(PeriodKind.HALF, timezone.localdate()).code)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        period = data.get("period")
        if not kind or "period" in self.errors:
            return data
        if mismatch := period_mismatch(kind, period):
            self.add_error("period", mismatch)
        if kind == ReportKind.MAJOR or mismatch:
            data["period"] = None
        return data


# -- the structured editor -------------------------------------------------------------------------


class ReportEditForm(forms.Form):
    """The version's fields; the body blocks travel alongside as parallel lists (see `posted_blocks`)."""

    title = forms.CharField(label=_("标题"), max_length=200, error_messages={"required": _("标题不能为空。")})
    addressee = forms.CharField(
        label=_("主送机关"), max_length=200, error_messages={"required": _("主送机关不能为空。")}
    )
    copy_to = forms.CharField(label=_("抄送"), max_length=300, required=False)
    attachments = forms.CharField(
        label=_("附件"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("没有电子文件的附件，每行填一个名称；电子文件请在下方“附件”处上传。"),
    )
    note = forms.CharField(label=_("修改说明"), max_length=300, required=False)

    @staticmethod
    def initial_for(version) -> dict:
        return {
            "title": version.title,
            "addressee": version.addressee,
            "copy_to": version.copy_to,
            "attachments": "\n".join(version.attachments),
        }

    def attachment_list(self) -> list[str]:
        text = self.cleaned_data.get("attachments") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


def blocks_of(version) -> list[dict]:
    """The body for the editor: each statistics section as one block showing its live text (read-only:
    the figures are computed again when the report is signed)."""
    blocks = []
    for b in selectors.version_blocks(version):
        key = selectors.facts_key(b) or ""
        if key and blocks and blocks[-1]["facts"] == key:
            blocks[-1]["text"] += "\n" + b["text"]
            continue
        blocks.append({"level": int(b["level"]), "text": b["text"], "facts": key})
    return blocks


def posted_blocks(data: QueryDict) -> tuple[list[dict], list[str]]:
    """The body as posted: three parallel lists (level, text, facts flag), one entry per block.

    Returns the blocks (an unknown level falls back to a paragraph so the page can show it again)
    and the errors found.
    """
    levels, texts, facts = data.getlist("block_level"), data.getlist("block_text"), data.getlist("block_facts")
    errors: list[str] = []
    blocks: list[dict] = []
    if not (len(levels) == len(texts) == len(facts)):
        errors.append(str(_("正文提交不完整，请重新编辑。")))
    for index, text in enumerate(texts[: services.MAX_BLOCKS + 1]):
        raw = levels[index] if index < len(levels) else ""
        try:
            level = Level(int(raw)).value
        except (TypeError, ValueError):
            errors.append(str(_("第 %(n)s 段的层级无效。") % {"n": index + 1}))
            level = Level.PARAGRAPH.value
        flag = facts[index] if index < len(facts) else ""
        key = selectors.FACTS_STATS if flag == "1" else flag if flag in selectors.FACTS_KEYS else ""
        blocks.append({"level": level, "text": text.replace("\r\n", "\n"), "facts": key})
    return blocks, errors


def comparable(blocks: list[dict]) -> list[tuple[int, str]]:
    """The body as the service would store it: empty blocks dropped, text stripped."""
    return [(int(b["level"]), b["text"].replace("\r\n", "\n").strip()) for b in blocks if b["text"].strip()]


def apply_op(blocks: list[dict], op: str) -> list[dict]:
    """Add / remove / move a block without saving: `add:3` inserts after block 3, `up:3`, `down:3`,
    `remove:3`; `add:-1` inserts at the top."""
    action, _sep, raw = op.partition(":")
    try:
        index = int(raw)
    except ValueError:
        return blocks
    blocks = list(blocks)
    if action == "add" and -1 <= index < max(len(blocks), 1) and len(blocks) < services.MAX_BLOCKS:
        blocks.insert(index + 1, {"level": Level.PARAGRAPH.value, "text": "", "facts": ""})
    elif action == "remove" and 0 <= index < len(blocks):
        del blocks[index]
    elif action == "up" and 0 < index < len(blocks):
        blocks[index - 1], blocks[index] = blocks[index], blocks[index - 1]
    elif action == "down" and 0 <= index < len(blocks) - 1:
        blocks[index], blocks[index + 1] = blocks[index + 1], blocks[index]
    return blocks


# -- versions, sign-off, submission, delegations ---------------------------------------------------


class AttachmentUploadForm(forms.Form):
    files = MultipleFileField(label=_("上传附件"), error_messages={"required": _("请选择要上传的附件。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "PDF、Word、Excel、PowerPoint、OFD 或图片，单个文件不超过 %(mb)s MB；PDF 附件将接在签发的 PDF 正文之后"
        ) % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}


class VersionCompareForm(forms.Form):
    a = forms.TypedChoiceField(label=_("旧版本"), coerce=int)
    b = forms.TypedChoiceField(label=_("新版本"), coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, _("第 %(n)s 版") % {"n": n}) for n in reversed(numbers)]
        for name in ("a", "b"):
            self.fields[name].choices = choices
            self.fields[name].error_messages["invalid_choice"] = _("没有该版本。")


class SignForm(forms.Form):
    """The version number the signer saw (a newer save in between is refused, never signed unseen), the
    signer's password asked again (issue #9 §2), and whether to submit upward in the same step."""

    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={
        "required": _("请从签发确认页面签发。"), "invalid": _("请从签发确认页面签发。")})
    password = forms.CharField(
        label=_("登录密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("签发是以您的名义正式发文，请再次输入您的登录密码确认。"),
        error_messages={"required": _("请输入您的登录密码以确认签发。")},
    )
    and_submit = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("密码不正确，未签发。请重新输入您的登录密码。"))
        return password
