"""Evidence files of findings and cases: stored under the uploads' rules (responsibilities.work.uploads:
size, type sniffed from the bytes, outside the web root), referenced by every finding and case they
support, and served only by views that checked the finding or case first."""

from __future__ import annotations

import logging

from django.http import Http404
from django.utils.translation import gettext as _

from accountability.models import AccountabilityFile
from responsibilities.work.uploads import serve, store_upload

log = logging.getLogger(__name__)


def files_store(*, uploads: list, actor) -> list[AccountabilityFile]:
    """Validate and store each upload; raises ValidationError (Chinese) for a refused file."""
    stored = [store_upload(upload) for upload in uploads]
    return [
        AccountabilityFile.objects.create(
            original_name=s.original_name, stored_name=s.stored_name, content_type=s.content_type, size=s.size,
            sha256=s.sha256, uploaded_by=actor,
        )
        for s in stored
    ]


def file_response(file: AccountabilityFile):
    """The download of a file whose finding or case the caller has already checked."""
    try:
        return serve(file.stored_name, file.original_name, file.content_type)
    except FileNotFoundError as exc:
        log.error("accountability file %s (%s) is missing", file.pk, file.stored_name)
        raise Http404(_("文件已不存在，请联系系统管理员。")) from exc
