"""The verification upload: a PDF to compare with the signed documents."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_VERIFY_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("PDF 文件"), help_text=_("不超过 20 MB；文件只用于比对，不会保存。"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_VERIFY_BYTES:
            raise ValidationError(_("文件超过 20 MB，不可能是本系统签发的报告。"), code="too_large")
        upload.seek(0)
        head = upload.read(len(PDF_MAGIC))
        upload.seek(0)
        if head != PDF_MAGIC:
            raise ValidationError(_("这不是 PDF 文件。"), code="not_pdf")
        return upload
