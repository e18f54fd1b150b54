"""Evidence uploads: size limit, content type sniffed from the bytes, storage outside the web root."""

from __future__ import annotations

import hashlib
import logging
import secrets
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# extension → (content type, family). A file is accepted only when its bytes belong to the family
# its extension claims.
ALLOWED = {
    ".pdf": ("application/pdf", "pdf"),
    ".png": ("image/png", "png"),
    ".jpg": ("image/jpeg", "jpeg"),
    ".jpeg": ("image/jpeg", "jpeg"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
    ".doc": ("application/msword", "ole"),
    ".xls": ("application/vnd.ms-excel", "ole"),
    ".ppt": ("application/vnd.ms-powerpoint", "ole"),
    ".wps": ("application/vnd.ms-works", "ole"),
    ".ofd": ("application/ofd", "ofd"),
}
_OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
# What zipfile raises on a damaged or hostile archive: a bad central directory, a name that is not
# the UTF-8 its flag claims, an unsupported "version needed to extract", a truncated file.
ZIP_ERRORS = (zipfile.BadZipFile, NotImplementedError, UnicodeDecodeError, ValueError, EOFError, OSError)
# A request body larger than this is cut off unread, whatever it holds: the evidence form takes a few
# files of at most UPLOAD_MAX_BYTES each (and at most DATA_UPLOAD_MAX_NUMBER_FILES of them).
REQUEST_FILES_FACTOR = 5
REQUEST_OVERHEAD_BYTES = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    original_name: str
    stored_name: str
    content_type: str
    size: int
    sha256: str


# The files stored inside each open `discard_on_error()` block, innermost last.
_collectors: ContextVar[tuple[list[Path], ...]] = ContextVar("zeren_upload_collectors", default=())


@contextmanager
def discard_on_error() -> Iterator[None]:
    """Every file `store_upload` stores inside this block is removed again when the block ends with an
    exception: a refused file later in the batch, a refused form, a database error, a transaction that
    rolls back. A refused request leaves no file on disk that no row refers to.

    Put it outside the service's `transaction.atomic` (as a decorator: `@uploads.discard_on_error()`)
    so that a failed commit is covered too. Blocks nest: a file belongs to every open block, so an
    outer block (a view's) also removes what an inner one (a service's) kept. `store_upload` refuses to
    run outside such a block."""
    stored: list[Path] = []
    token = _collectors.set((*_collectors.get(), stored))
    try:
        yield
    except BaseException:
        for path in stored:
            path.unlink(missing_ok=True)
        raise
    finally:
        _collectors.reset(token)


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "evidence"
    path.mkdir(parents=True, exist_ok=True)
    return path


def clean_name(name: str) -> str:
    """A display name with no path parts, control characters or absurd length."""
    name = PurePath(name.replace("\\", "/")).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip().rstrip(". ")
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        return name[:160] or "file"
    return f"{stem.strip(' .')[:150] or 'file'}.{ext}"


def _family(head: bytes, file) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(OLE):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = archive.namelist()
        except ZIP_ERRORS:
            return None
        finally:
            file.seek(0)
        if "[Content_Types].xml" in names:
            for family, prefix in _OOXML_PART.items():
                if any(n.startswith(prefix) for n in names):
                    return family
        if "OFD.xml" in names:
            return "ofd"
    return None


def store_upload(upload: UploadedFile) -> StoredFile:
    """Validate and store one upload; raises ValidationError with a Chinese message. Only inside
    `discard_on_error()`, which removes the file again when the request is refused later."""
    collectors = _collectors.get()
    if not collectors:
        raise RuntimeError("store_upload() outside uploads.discard_on_error(): a refused batch would leave the file")
    name = clean_name(upload.name or "")
    ext = Path(name).suffix.lower()
    if ext not in ALLOWED:
        raise ValidationError(
            _("不支持的文件类型“%(ext)s”。可上传 PDF、Word、Excel、PowerPoint、OFD 或图片（PNG/JPG）。")
            % {"ext": ext or _("无扩展名")}
        )
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("文件“%(name)s”超过大小限制（%(mb)s MB）。") % {"name": name, "mb": limit // (1024 * 1024)}
        )
    if not upload.size:
        raise ValidationError(_("文件“%(name)s”是空文件。") % {"name": name})
    upload.seek(0)
    head = upload.read(16)
    content_type, family = ALLOWED[ext]
    if _family(head, upload) != family:
        raise ValidationError(
            _("文件“%(name)s”的内容与扩展名不符（可能是改了扩展名的其他文件），已拒绝。") % {"name": name}
        )
    stored_name = f"{secrets.token_hex(16)}{ext}"
    digest = hashlib.sha256()
    size = 0
    target = upload_dir() / stored_name
    upload.seek(0)
    for stored in collectors:
        stored.append(target)
    with open(target, "xb") as out:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > limit:
                out.close()
                target.unlink(missing_ok=True)
                raise ValidationError(_("文件“%(name)s”超过大小限制。") % {"name": name})
            digest.update(chunk)
            out.write(chunk)
    return StoredFile(name, stored_name, content_type, size, digest.hexdigest())


def stored_path(stored_name: str) -> Path:
    path = (upload_dir() / stored_name).resolve()
    if path.parent != upload_dir().resolve():
        raise ValidationError(_("文件路径无效。"))
    return path


def stored_file_response(*, stored_name: str, filename: str, content_type: str, what: str) -> FileResponse:
    """A stored upload as a download, for a view that has checked the permission: always an attachment,
    never sniffed or run as a page, never kept in a shared cache. Http404 (logged naming `what`) when the
    stored file is missing."""
    try:
        file = open(stored_path(stored_name), "rb")  # noqa: SIM115 (FileResponse closes it)
    except FileNotFoundError as exc:
        logging.getLogger(__name__).error("stored file %s (%s) is missing", stored_name, what)
        raise Http404(_("文件已不存在，请联系系统管理员。")) from exc
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"  # evidence must not linger in shared caches
    return response


def refuse_cut_batch(request, form) -> None:
    """A batch that LimitedUploadHandler cut short is refused whole: the files received before the
    oversized one are not stored on their own (the user chose them together, and a task must not be
    completed on part of its evidence). Call it on an upload form before `form.is_valid()`."""
    if getattr(request, "upload_refused", False):
        form.add_error(None, _("有文件超过大小限制，本次选择的文件均未保存；请处理后重新选择全部文件。"))


def request_max_bytes() -> int:
    return settings.UPLOAD_MAX_BYTES * REQUEST_FILES_FACTOR + REQUEST_OVERHEAD_BYTES


class LimitedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: stops receiving an upload as soon as it is too large.

    Without it Django writes the whole body to a temporary file before any view can look at the
    size. It passes every chunk on to the next handler (memory or temporary file) until a file
    passes UPLOAD_MAX_BYTES, or, before the first file, when the declared Content-Length passes
    `request_max_bytes()`. The view then sees the request without the file; the user is told why
    by a message, and `request.upload_refused` is set for a view that wants to know.

    A body declared far too large is cut off unread (connection_reset): its sender gets no page.
    A single file over the limit inside an acceptable body is stopped too, but the rest of the body,
    at most `request_max_bytes()`, is read and discarded so that the browser receives the answer.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Raising here would escape the parser; the first file refuses instead.
        self.body_too_large = content_length > request_max_bytes()
        return None

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        if getattr(self, "body_too_large", False):
            self._refuse(connection_reset=True)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.UPLOAD_MAX_BYTES:
            self._refuse(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler holds the data and makes the file

    def _refuse(self, *, connection_reset: bool):
        request = self.request
        if request is not None:
            request.upload_refused = True
            messages.error(
                request,
                _("上传的文件过大，已停止接收（单个文件不超过 %(limit)s）。")
                % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
                fail_silently=True,
            )
        raise StopUpload(connection_reset=connection_reset)
