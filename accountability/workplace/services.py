"""The evidence bundle (证据包): one organization's records of one year in a ZIP, for an inspector
(000 篇二 第十二条: 检查考核 on the records; issue #8 §5).

What it holds (the organization's own records; the ledgers, like every 台账 export, also list its
subordinate organizations' tasks):
- 00-目录.pdf — the index, a GB/T 9704 document (reporting.document / reporting.pdf.render_pdf)
  listing every file with its size and SHA-256;
- 台账/ — the task ledger of the year and the responsibility list (reporting.ledgers: the same
  exports, formula-injection safe);
- 会议记录/会议记录.xlsx — the meeting records held in the year (reporting.ledgers.write_workbook);
- 佐证文件/ — the evidence files of the year's tasks, as uploaded;
- 报告/ — the PDFs of the reports signed for the year (as signed: byte for byte);
- MANIFEST.sha256 — one line per file, `<sha256>  <path>` (what `sha256sum -c` reads).

The manifest's own SHA-256 is appended to the tamper-evident log (action "evidencebundle.built")
in the transaction that marks the bundle built, so a bundle found later can be checked against
the log: `bundle_log_entry(manifest_sha256)`.

Built in the background as an ExportJob of kind "evidence_bundle" (the ledgers' job mechanism:
claimed once, written to a part file, published when complete). Bounded: refused up front when the
files would exceed settings.ZEREN_BUNDLE_MAX_BYTES (default 512 MiB) or MAX_FILES files.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import re
import secrets
import tempfile
import zipfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accountability.flags import versions_in_year
from reporting.document import Block, Document, Level
from reporting.ledgers import services as ledgers
from reporting.ledgers.services import CellKind, Column, LedgerKind, LedgerParams
from reporting.models import ReportVersion
from reporting.pdf import render_pdf
from reporting.reports.services import signed_pdf_path
from responsibilities import jobs, log
from responsibilities.log import LogEntry
from responsibilities.models import EvidenceFile, ExportJob, MeetingRecord, Organization
from responsibilities.permissions import Capability, can, require
from responsibilities.text import display_name
from responsibilities.work.uploads import stored_path

logger = logging.getLogger(__name__)

BUNDLE_KIND = "evidence_bundle"
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
MAX_FILES = 2000
MANIFEST_NAME = "MANIFEST.sha256"
INDEX_NAME = "00-目录.pdf"
ACTION = "evidencebundle.built"
CHUNK = 1024 * 1024

MEETING_COLUMNS = (
    Column("会议日期", 12, CellKind.DATE),
    Column("工作任务", 24),
    Column("期间", 10),
    Column("地点", 18),
    Column("主持人", 10),
    Column("参会人员", 30, CellKind.WRAP),
    Column("议题", 30, CellKind.WRAP),
    Column("讨论情况", 50, CellKind.WRAP),
    Column("议定事项", 40, CellKind.WRAP),
    Column("登记人", 12),
    Column("登记时间", 17, CellKind.DATETIME),
    Column("状态", 24, CellKind.WRAP),  # 有效 / 已更正（第N版） / 已撤回：理由 — an inspector must see what was taken back
)


def _meeting_state(m: MeetingRecord) -> str:
    if m.withdrawn_at is not None:
        return f"已撤回：{m.withdrawn_reason}"
    return f"已更正（第{m.version}版）" if m.version > 1 else "有效"


def max_bytes() -> int:
    """The largest bundle built, in bytes: settings.ZEREN_BUNDLE_MAX_BYTES (default 512 MiB)."""
    return int(getattr(settings, "ZEREN_BUNDLE_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class BundleParams:
    organization_id: int
    year: int

    def as_json(self) -> dict:
        return {"organization_id": self.organization_id, "year": self.year}

    @classmethod
    def from_json(cls, data: dict) -> BundleParams:
        return cls(organization_id=int(data["organization_id"]), year=int(data["year"]))


# -- what goes in ------------------------------------------------------------------------------------


def bundle_meetings(organization: Organization, year: int):
    return (MeetingRecord.objects.filter(obligation__organization=organization, held_on__year=year)
            .select_related("obligation__work_system", "chair", "created_by__person")
            .prefetch_related("attendees").order_by("held_on", "pk"))


def bundle_files(organization: Organization, year: int):
    return (EvidenceFile.objects.filter(obligation__organization=organization, obligation__period_start__year=year)
            .select_related("obligation__work_system").order_by("obligation__period_start", "uploaded_at", "pk"))


def bundle_versions(organization: Organization, year: int):
    """Signed versions of the organization's reports for `year`: the period's year, or the signing
    year for a report without a period (the same years as accountability.flags)."""
    qs = ReportVersion.objects.filter(report__organization=organization, signed_at__isnull=False)
    return versions_in_year(qs, year).exclude(pdf_name="").order_by("signed_at", "pk")


@dataclass(frozen=True)
class BundleEstimate:
    files: int
    bytes: int


def bundle_estimate(organization: Organization, year: int) -> BundleEstimate:
    """Files and bytes of the evidence and the signed PDFs (the ledgers and the index are small)."""
    files = bundle_files(organization, year)
    evidence = files.aggregate(total=Sum("size"))["total"] or 0
    pdfs = [signed_pdf_path(v) for v in bundle_versions(organization, year)]
    pdf_bytes = sum(p.stat().st_size for p in pdfs if p.is_file())
    return BundleEstimate(files=files.count() + len(pdfs) + 4, bytes=evidence + pdf_bytes)


def _check_bounds(estimate: BundleEstimate) -> None:
    if estimate.bytes > max_bytes():
        raise ValidationError(_("该组织本年度的佐证文件和报告共 %(size)s MB，超过证据包上限 %(max)s MB。"
                                "请联系系统管理员调整上限，或分别下载各项材料。") % {
            "size": estimate.bytes // (1024 * 1024) + 1, "max": max_bytes() // (1024 * 1024)})
    if estimate.files > MAX_FILES:
        raise ValidationError(_("该组织本年度的文件共 %(n)s 个，超过证据包上限 %(max)s 个。") % {
            "n": estimate.files, "max": MAX_FILES})


# -- the job -----------------------------------------------------------------------------------------


@transaction.atomic
def bundle_job_create(*, user, organization: Organization, year: int) -> ExportJob:
    """Queue the bundle of `organization` and `year` for `user` (who must hold `inspect` there:
    PermissionDenied/Http404 otherwise). Raises ValidationError when it would exceed the bounds."""
    from accountability import tasks

    require(user, Capability.INSPECT, organization)
    _check_bounds(bundle_estimate(organization, year))
    job = ExportJob.objects.create(user=user, kind=BUNDLE_KIND,
                                   params=BundleParams(organization.pk, year).as_json())
    transaction.on_commit(partial(jobs.job_enqueue, job.pk, tasks.build_evidence_bundle))
    return job


def bundle_jobs(user, *, limit: int = 10):
    """The user's own recent bundles (kept jobs.JOB_KEEP_DAYS days)."""
    since = timezone.now() - datetime.timedelta(days=jobs.JOB_KEEP_DAYS)
    return ExportJob.objects.filter(user=user, kind=BUNDLE_KIND, created_at__gte=since).order_by("-created_at")[:limit]


def bundle_job_of(user, pk: int) -> ExportJob | None:
    """The user's own bundle job, or None: nobody sees another user's bundles."""
    return ExportJob.objects.filter(pk=pk, user=user, kind=BUNDLE_KIND).first()


def bundle_organization(job: ExportJob) -> Organization | None:
    """The bundle's organization, if it still exists and the owner may still inspect it."""
    organization = Organization.objects.filter(pk=BundleParams.from_json(job.params).organization_id).first()
    if organization is None or not can(job.user, Capability.INSPECT, organization):
        return None
    return organization


def bundle_filename(job: ExportJob, organization: Organization) -> str:
    name = f"证据包-{organization.name}-{BundleParams.from_json(job.params).year}年"
    return re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]+', "_", name) + ".zip"


def bundle_log_entry(manifest_sha256: str) -> LogEntry | None:
    """The log entry recording a bundle whose MANIFEST.sha256 has this SHA-256, if any."""
    return LogEntry.objects.filter(action=ACTION, payload__manifest_sha256=manifest_sha256).first()


class _Writer:
    """Adds files to the ZIP while hashing them; counts bytes against the bound."""

    def __init__(self, archive: zipfile.ZipFile, job_id: int):
        self.archive, self.job_id = archive, job_id
        self.entries: list[tuple[str, int, str]] = []  # (path, size, sha256)
        self.names: set[str] = set()
        self.bytes = 0

    def _name(self, path: str) -> str:
        path = re.sub(r'[\\:*?"<>|\x00-\x1f\x7f]+', "_", path)
        stem, dot, ext = path.rpartition(".")
        candidate, n = path, 2
        while candidate in self.names:
            candidate = f"{stem}-{n}.{ext}" if dot else f"{path}-{n}"
            n += 1
        self.names.add(candidate)
        return candidate

    def add_path(self, path: str, source: Path) -> None:
        name, digest, size = self._name(path), hashlib.sha256(), 0
        with source.open("rb") as src, self.archive.open(name, "w", force_zip64=True) as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
                size += len(chunk)
        self._added(name, size, digest.hexdigest())

    def add_bytes(self, path: str, data: bytes) -> None:
        name = self._name(path)
        self.archive.writestr(name, data)
        self._added(name, len(data), hashlib.sha256(data).hexdigest())

    def _added(self, name: str, size: int, sha: str) -> None:
        self.entries.append((name, size, sha))
        self.bytes += size
        if self.bytes > max_bytes():
            raise ValidationError(_("证据包超过上限 %(max)s MB，已停止生成。") % {"max": max_bytes() // (1024 * 1024)})
        ExportJob.objects.filter(pk=self.job_id).update(done=len(self.entries))


def _meeting_rows(meetings):
    for m in meetings:
        people = "、".join([p.name for p in m.attendees.all()] + ([m.other_attendees] if m.other_attendees else []))
        author = m.created_by
        author_name = ""
        if author is not None:
            person = getattr(author, "person", None)
            author_name = person.name if person else display_name(author)
        yield [m.held_on, m.obligation.work_system.name, m.obligation.period_label, m.place, m.chair.name, people,
               m.topic, m.discussion, m.decisions, author_name, m.created_at, _meeting_state(m)]


def _index_document(organization: Organization, year: int, user, entries, missing: list[str]) -> Document:
    p, h1 = Level.PARAGRAPH, Level.H1
    now = timezone.localtime()
    who = getattr(getattr(user, "person", None), "name", "") or display_name(user)
    blocks = [
        Block(h1, "说明"),
        Block(p, f"本证据包收录{organization.name}{year}年度的工作任务台账、责任清单、会议记录、"
                 f"佐证文件和已签发报告，由{who}于{now:%Y年%m月%d日 %H:%M}生成。"),
        Block(p, f"{MANIFEST_NAME}逐行列出包内每个文件的 SHA-256 值（可用 sha256sum -c 校验）；"
                 "该清单文件本身的 SHA-256 值已记入系统审计日志（evidencebundle.built），可据此核验证据包未被改动。"),
        Block(h1, "文件目录"),
        *[Block(p, f"{n}. {name}（{size:,} 字节，SHA-256 {sha[:16]}…）") for n, (name, size, sha) in
          enumerate(entries, start=1)],
    ]
    if missing:
        blocks += [Block(h1, "未能收录的文件"), *[Block(p, text) for text in missing]]
    return Document(issuer_mark="", number="", upward=False, signer="", title=f"{organization.name}{year}年度证据包目录",
                    addressee="", blocks=tuple(blocks), date=now.date())


def _write_bundle(job: ExportJob, organization: Organization, year: int, target: Path) -> tuple[str, int, int]:
    """Write the ZIP to `target`; returns (manifest sha256, files, bytes)."""
    meetings = bundle_meetings(organization, year)
    files = list(bundle_files(organization, year))
    versions = list(bundle_versions(organization, year))
    ExportJob.objects.filter(pk=job.pk).update(total=len(files) + len(versions) + 4)
    missing: list[str] = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive, tempfile.TemporaryDirectory() as tmp:
        writer = _Writer(archive, job.pk)
        for kind, period in ((LedgerKind.OBLIGATIONS, str(year)), (LedgerKind.DUTIES, "")):
            ledger = ledgers.ledger_open(user=job.user, params=LedgerParams(kind, organization.pk, period),
                                         organization=organization)
            path = Path(tmp) / "ledger.xlsx"
            ledger.write(str(path))
            writer.add_path(f"台账/{ledger.filename}", path)
        path = Path(tmp) / "meetings.xlsx"
        rows = _meeting_rows(meetings.iterator(chunk_size=500))
        with translation.override(settings.LANGUAGE_CODE):
            ledgers.write_workbook(str(path), sheet_name="会议记录", title=f"{organization.name}{year}年度会议记录",
                                   columns=MEETING_COLUMNS, rows=rows)
        writer.add_path("会议记录/会议记录.xlsx", path)
        for f in files:
            source = stored_path(f.stored_name)
            folder = f"佐证文件/{f.obligation.period_label}-{f.obligation.work_system.name}"
            if not source.is_file():
                missing.append(f"{folder}/{f.original_name}：存储文件缺失")
                continue
            writer.add_path(f"{folder}/{f.original_name}", source)
            if writer.entries[-1][2] != f.sha256:
                missing.append(f"{writer.entries[-1][0]}：内容与上传时登记的 SHA-256 不一致，请核查")
        for v in versions:
            source = signed_pdf_path(v)
            label = v.doc_number or v.title
            if not source.is_file():
                missing.append(f"报告/{label}.pdf：签发文件缺失")
                continue
            writer.add_path(f"报告/{label}.pdf", source)
        with translation.override(settings.LANGUAGE_CODE):
            index = render_pdf(_index_document(organization, year, job.user, list(writer.entries), missing))
        writer.add_bytes(INDEX_NAME, index)
        manifest = "".join(f"{sha}  {name}\n" for name, _size, sha in sorted(writer.entries)).encode()
        archive.writestr(MANIFEST_NAME, manifest)
    return hashlib.sha256(manifest).hexdigest(), len(writer.entries), writer.bytes


def bundle_run(*, job_id: int) -> None:
    """Build a queued bundle (the task `build_evidence_bundle` calls this). Claims the job first, as
    the ledger exports do; publishes the file and appends the manifest's hash to the log together."""
    if not ExportJob.objects.filter(pk=job_id, kind=BUNDLE_KIND).exists():
        return  # not a bundle: never claim another kind of job
    job = jobs.job_claim(job_id)
    if job is None:
        return
    organization = bundle_organization(job)
    if organization is None:
        jobs.job_finish(job_id, status=ExportJob.Status.FAILED, error="所选组织已不存在，或您已无权检查该组织。")
        return
    year = BundleParams.from_json(job.params).year
    name = f"{secrets.token_hex(16)}.zip"
    final = jobs.exports_dir() / name
    part = final.with_name(f".{name}.part")
    try:
        manifest_sha, count, size = _write_bundle(job, organization, year, part)
    except ValidationError as exc:
        part.unlink(missing_ok=True)
        jobs.job_finish(job_id, status=ExportJob.Status.FAILED, error=exc.messages[0][:500])
        return
    except Exception:
        logger.exception("evidence bundle %s failed", job_id)
        part.unlink(missing_ok=True)
        jobs.job_finish(job_id, status=ExportJob.Status.FAILED, error="证据包生成失败，请稍后重试。")
        return
    try:
        with transaction.atomic():  # the job, its log entry and the published file: all or none
            ExportJob.objects.filter(pk=job_id).update(params={**job.params, "manifest_sha256": manifest_sha})
            jobs.job_finish(job_id, status=ExportJob.Status.DONE, total=count, done=count, file_name=name)
            log.append(action=ACTION, subject=job, actor=job.user, organization=organization,
                       manifest_sha256=manifest_sha, year=year, files=count, bytes=size)
            os.replace(part, final)
    except Exception:
        logger.exception("evidence bundle %s could not be published", job_id)
        part.unlink(missing_ok=True)
        jobs.job_finish(job_id, status=ExportJob.Status.FAILED, error="证据包生成失败，请稍后重试。")


def bundle_path(job: ExportJob) -> Path | None:
    return jobs.export_path(job)
