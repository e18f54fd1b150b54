"""Evidence files of findings and cases: stored under the uploads' rules (responsibilities.work.uploads:
size, type sniffed from the bytes, outside the web root), referenced by every finding and case they
support, and served only by views that checked the finding or case first."""

from __future__ import annotations

from accountability.models import AccountabilityFile
from responsibilities.work.uploads import store_upload, stored_file_response


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
    return stored_file_response(stored_name=file.stored_name, filename=file.original_name,
                                content_type=file.content_type, what=f"accountability file {file.pk}")
