"""台账: Excel exports of the responsibility list and of the obligations ledger.

One path for both kinds and both sizes: `ledger_open()` scopes the rows to the
user's view and to the chosen subtree, `Ledger.write()` streams them from one
`.iterator()` query into an XlsxWriter workbook in `constant_memory` mode (rows
go to disk as they are written), so memory and the number of queries stay flat
however many rows there are.

Small exports are written straight into the HTTP response. Larger ones become an
`ExportJob`; the Celery task `export_ledger` calls `export_run()`, which claims
the job (pending → running, so a duplicate delivery does nothing; a job left
running by a crashed worker may be claimed again after JOB_TIMEOUT), reports
progress for the page to poll, and publishes the file only once it is complete.

Every cell is written as a string, never as a formula; text that a spreadsheet
would read as one (CSV/formula injection) is written unchanged with Excel's
"quote prefix" cell style, so it shows and copies as the user typed it.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import secrets
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from functools import partial
from typing import IO, Any

import xlsxwriter
from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from responsibilities.jobs import JOB_KEEP_DAYS, exports_dir, job_claim, job_enqueue, job_finish
from responsibilities.models import (
    DutyItem,
    EvidenceFile,
    ExportJob,
    Frequency,
    MeetingRecord,
    Obligation,
    Organization,
    Responsible,
)
from responsibilities.periods import Period, period_label
from responsibilities.permissions import Capability, can, visible

log = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Up to this many rows an export is written into the response; above it, a background job.
STREAM_MAX_ROWS = 3000
# Rows fetched per round trip, and how often a running job reports progress.
CHUNK_SIZE = 2000
PROGRESS_EVERY = 1000
# Organizations offered in the form's select: each scope root and two levels below it.
# What an export with no rows says instead of producing an empty file (the form page and a job's page).
NO_ROWS = _("没有符合条件的记录，未生成文件。请调整组织、期间或状态后重试。")


class LedgerKind(models.TextChoices):
    OBLIGATIONS = "obligations", _("工作任务台账")
    DUTIES = "duties", _("责任清单")


class DutyStatus(models.TextChoices):
    ACTIVE = "active", _("在用")
    RETIRED = "retired", _("停用")


# -- formula injection -------------------------------------------------------------

# Characters that make Excel, LibreOffice or WPS read a cell as a formula (or that
# hide one: a leading tab or carriage return), including their full-width forms,
# which Chinese input methods produce and WPS accepts.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def needs_quote_prefix(text: str) -> bool:
    """Whether a spreadsheet could read `text` as a formula: it is then written with a quote prefix."""
    return text.startswith(FORMULA_TRIGGERS)


def safe_text(value: object) -> str:
    """Plain text where no cell style can help (document properties): a leading trigger is dropped."""
    text = "" if value is None else str(value)
    return text.lstrip("".join(FORMULA_TRIGGERS))


# -- what to export ----------------------------------------------------------------


@dataclass(frozen=True)
class LedgerParams:
    """The filter of one export, as stored on an ExportJob."""

    kind: str
    organization_id: int
    period: str = ""  # a Period code ("2026", "2026H1", "2026Q3", "2026-07") or "" for every period
    status: str = ""  # an Obligation.Status or DutyStatus value, or "" for all

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LedgerParams:
        return cls(
            kind=str(data["kind"]),
            organization_id=int(data["organization_id"]),
            period=str(data.get("period") or ""),
            status=str(data.get("status") or ""),
        )


class CellKind(StrEnum):
    TEXT = "text"
    WRAP = "wrap"  # long text, wrapped in its column
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    kind: CellKind = CellKind.TEXT


DUTY_COLUMNS = (
    Column("组织", 22),
    Column("责任内容", 50, CellKind.WRAP),
    Column("责任主体", 16),
    Column("责任人", 10),
    Column("牵头单位", 18, CellKind.WRAP),
    Column("责任单位", 24, CellKind.WRAP),
    Column("认定标准", 40, CellKind.WRAP),
    Column("频次", 12),
    Column("状态", 8),
)

OBLIGATION_COLUMNS = (
    Column("组织", 22),
    Column("组织层级路径", 40, CellKind.WRAP),
    Column("工作制度", 24),
    Column("期间", 16),
    Column("截止日期", 12, CellKind.DATE),
    Column("状态", 10),
    Column("完成时间", 17, CellKind.DATETIME),
    Column("完成登记人", 12),
    Column("佐证", 22),
    Column("免除理由", 30, CellKind.WRAP),
)


class PathNames:
    """Names along organization paths ("X市委 / A县委 / 一镇党委"), loaded with one query per export.

    Loads the chosen organization's ancestors and its whole subtree: every row's
    organization lies in that subtree, so every ancestor a row needs is known.
    """

    SEPARATOR = " / "

    def __init__(self, root: Organization):
        self._names = dict(
            Organization.objects.filter(Q(path__in=root.ancestor_paths) | Q(path__startswith=root.path))
            .values_list("path", "name")
        )
        self._trails: dict[str, str] = {}

    def trail(self, path: str) -> str:
        if path not in self._trails:
            step = Organization.steplen
            prefixes = (path[:i] for i in range(step, len(path) + 1, step))
            self._trails[path] = self.SEPARATOR.join(self._names.get(p, "?") for p in prefixes)
        return self._trails[path]


def _evidence_count(model: type[models.Model], **filters) -> Coalesce:
    counts = (
        model.objects.filter(obligation=OuterRef("pk"), **filters)
        .order_by()
        .values("obligation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=models.IntegerField()), 0)


def _evidence_text(meetings: int, files: int) -> str:
    parts = []
    if meetings:
        parts.append(f"会议记录 {meetings} 次")
    if files:
        parts.append(f"文件 {files} 份")
    return "，".join(parts)


def _completer(row: dict) -> str:
    if row["completed_by__person__name"]:
        return row["completed_by__person__name"]
    full_name = f"{row['completed_by__last_name']}{row['completed_by__first_name']}".strip()
    return full_name or row["completed_by__username"] or ""


class Ledger:
    """One export: its rows (scoped, filtered, ordered), its columns and its file name."""

    def __init__(self, *, user, params: LedgerParams, organization: Organization):
        self.user = user
        self.params = params
        self.organization = organization

    @property
    def kind_label(self) -> str:
        return str(LedgerKind(self.params.kind).label)

    @property
    def columns(self) -> tuple[Column, ...]:
        return DUTY_COLUMNS if self.params.kind == LedgerKind.DUTIES else OBLIGATION_COLUMNS

    @property
    def filename(self) -> str:
        parts = [self.kind_label, self.organization.name]
        if self.params.kind == LedgerKind.OBLIGATIONS and self.params.period:
            parts.append(period_label(self.params.period))
        if self.params.status:
            labels = {**dict(Obligation.Status.choices), **dict(DutyStatus.choices)}
            parts.append(str(labels.get(self.params.status, self.params.status)))
        name = "-".join(parts)
        # No path separators, reserved or control characters in a name the browser will save.
        return re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]+', "_", name) + ".xlsx"

    def queryset(self) -> models.QuerySet:
        if self.params.kind == LedgerKind.DUTIES:
            return self._duties()
        return self._obligations()

    def _duties(self) -> models.QuerySet:
        qs = DutyItem.objects.filter(organization__path__startswith=self.organization.path)
        if self.params.status == DutyStatus.ACTIVE:
            qs = qs.filter(retired_at__isnull=True)
        elif self.params.status == DutyStatus.RETIRED:
            qs = qs.filter(retired_at__isnull=False)
        return (
            visible(self.user, Capability.VIEW, qs, via="organization")
            .order_by("organization__path", "sort_order", "pk")
            .values(
                "organization__name", "content", "responsible", "responsible_person__name", "lead_unit",
                "responsible_units", "verification", "recurrence", "work_system__frequency", "retired_at",
            )
        )

    def _obligations(self) -> models.QuerySet:
        qs = Obligation.objects.filter(organization__path__startswith=self.organization.path)
        if self.params.period:
            period = Period.parse(self.params.period)
            qs = qs.in_period(period.start, period.end)
        if self.params.status:
            qs = qs.filter(status=self.params.status)
        return (
            visible(self.user, Capability.VIEW, qs, via="organization")
            .annotate(meeting_count=_evidence_count(MeetingRecord, withdrawn_at__isnull=True), file_count=_evidence_count(EvidenceFile))
            .order_by("organization__path", "work_system__sort_order", "work_system_id", "period_start",
                      "period_end", "pk")
            .values(
                "organization__name", "organization__path", "work_system__name", "period", "due_date",
                "status", "completed_at", "completed_by__person__name", "completed_by__last_name",
                "completed_by__first_name", "completed_by__username", "meeting_count", "file_count",
                "waived_reason",
            )
        )

    def count(self) -> int:
        return self.queryset().count()

    def rows(self) -> Generator[list, None, None]:
        """Cell values in column order, one list per row, fetched in chunks."""
        rows = self.queryset().iterator(chunk_size=CHUNK_SIZE)
        if self.params.kind == LedgerKind.DUTIES:
            return self._duty_rows(rows)
        return self._obligation_rows(rows)

    @staticmethod
    def _duty_rows(rows: Iterable[dict]) -> Generator[list, None, None]:
        responsible = dict(Responsible.choices)
        frequency = dict(Frequency.choices)
        for r in rows:
            yield [
                r["organization__name"],
                r["content"],
                responsible.get(r["responsible"], r["responsible"]),
                r["responsible_person__name"],
                r["lead_unit"],
                r["responsible_units"],
                r["verification"],
                r["recurrence"] or frequency.get(r["work_system__frequency"], ""),
                DutyStatus.RETIRED.label if r["retired_at"] else DutyStatus.ACTIVE.label,
            ]

    def _obligation_rows(self, rows: Iterable[dict]) -> Generator[list, None, None]:
        names = PathNames(self.organization)
        statuses = dict(Obligation.Status.choices)
        periods: dict[str, str] = {}
        for r in rows:
            code = r["period"]
            if code not in periods:
                periods[code] = period_label(code)
            yield [
                r["organization__name"],
                names.trail(r["organization__path"]),
                r["work_system__name"],
                periods[code],
                r["due_date"],
                statuses.get(r["status"], r["status"]),
                r["completed_at"],
                _completer(r) if r["completed_at"] else "",
                _evidence_text(r["meeting_count"], r["file_count"]),
                r["waived_reason"],
            ]

    def heading(self, now: datetime.datetime | None = None) -> list[str]:
        """The title row above the header: 单位, 年度 (the period's year; the export's year for the
        responsibility list; 全部 for every period) and 导出时间 (Beijing time)."""
        if self.params.kind == LedgerKind.DUTIES:
            year = f"{timezone.localdate():%Y}年"
        elif self.params.period:
            year = f"{Period.parse(self.params.period).start.year}年"
        else:
            year = "全部"
        moment = timezone.localtime(now or timezone.now())
        return [f"单位：{self.organization.name}", f"年度：{year}", f"导出时间：{moment:%Y-%m-%d %H:%M}"]

    def write(self, target: str | os.PathLike | IO[bytes], *,
              on_progress: Callable[[int], None] | None = None) -> int:
        """Write the workbook to `target` (a path or a binary file). Returns the number of data rows."""
        # A ledger is an official Chinese document whatever the language of the page that asked for it.
        rows = self.rows()
        try:
            with translation.override(settings.LANGUAGE_CODE):
                return write_workbook(
                    target, sheet_name=self.kind_label, title=f"{self.organization.name}{self.kind_label}",
                    columns=self.columns, rows=rows, on_progress=on_progress,
                    heading=self.heading(), unit=self.organization.name,
                )
        finally:
            rows.close()  # on failure, release the database cursor now rather than at garbage collection


def write_workbook(
    target: str | os.PathLike | IO[bytes],
    *,
    sheet_name: str,
    title: str,
    columns: tuple[Column, ...],
    rows: Iterable[list],
    on_progress: Callable[[int], None] | None = None,
    heading: Sequence[str] = (),
    unit: str = "",
) -> int:
    """One sheet: bold frozen header, fixed widths, real dates, every text a string (quote-prefixed if need be);
    line breaks (\\r\\n, \\r, \\n) written as \\n in a wrapped cell.

    `heading`: cells of a title row above the header (a ledger's 单位, 年度, 导出时间), frozen and
    printed on every page with it. `unit`: the organization named in the printed page's footer,
    beside 第 N 页 共 M 页. Returns the number of data rows written.
    """
    if isinstance(target, os.PathLike):
        target = os.fspath(target)
    with xlsxwriter.Workbook(target, {"constant_memory": True}) as workbook:
        workbook.set_properties({"title": safe_text(title), "author": "责任制台账"})
        sheet = workbook.add_worksheet(sheet_name[:31])
        header = workbook.add_format(
            {"bold": True, "bg_color": "#F2F2F2", "border": 1, "align": "center", "valign": "vcenter",
             "text_wrap": True}
        )
        formats = {
            CellKind.TEXT: workbook.add_format({"valign": "top"}),
            CellKind.WRAP: workbook.add_format({"valign": "top", "text_wrap": True}),
            CellKind.DATE: workbook.add_format({"valign": "top", "num_format": "yyyy-mm-dd"}),
            CellKind.DATETIME: workbook.add_format({"valign": "top", "num_format": "yyyy-mm-dd hh:mm"}),
        }
        # The same text formats with Excel's quote prefix: the cell shows its text as typed and is
        # never evaluated, even after a user edits it (a literal ' would be shown and copied).
        quoted = {
            CellKind.TEXT: workbook.add_format({"valign": "top", "quote_prefix": True}),
            CellKind.WRAP: workbook.add_format({"valign": "top", "text_wrap": True, "quote_prefix": True}),
        }
        top = 1 if heading else 0  # the header's row
        if heading:
            title_format = workbook.add_format({"bold": True, "valign": "vcenter"})
            quoted_title = workbook.add_format({"bold": True, "valign": "vcenter", "quote_prefix": True})
            for index, text in enumerate(heading):
                sheet.write_string(0, index, text, quoted_title if needs_quote_prefix(text) else title_format)
            sheet.set_row(0, 20)
        for index, column in enumerate(columns):
            sheet.set_column(index, index, column.width)
            sheet.write_string(top, index, column.header, header)
        sheet.set_row(top, 22)
        sheet.freeze_panes(top + 1, 0)
        # Printed ledgers: A4 landscape, one page wide, the title and header rows repeated on every
        # page, the unit and 第 N 页 共 M 页 in the footer ("&" is the footer's code character).
        sheet.set_paper(9)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0, top)
        if unit:
            sheet.set_footer(f"&L{safe_text(unit).replace('&', '&&')}&C第 &P 页 共 &N 页")

        written = 0
        for written, values in enumerate(rows, start=1):
            row = top + written
            for index, (column, value) in enumerate(zip(columns, values, strict=True)):
                if value is None or value == "":
                    continue
                fmt = formats[column.kind]
                if column.kind is CellKind.DATE:
                    sheet.write_datetime(row, index, value, fmt)
                elif column.kind is CellKind.DATETIME:
                    sheet.write_datetime(row, index, timezone.localtime(value).replace(tzinfo=None), fmt)
                else:
                    # A typed line break reaches the ledger as \n in a wrapped cell: a \r would be
                    # written as the escape _x000D_, which other readers show literally.
                    raw = str(value)
                    text = raw.replace("\r\n", "\n").replace("\r", "\n")
                    kind = CellKind.WRAP if "\n" in text else column.kind
                    sheet.write_string(row, index, text, quoted[kind] if needs_quote_prefix(raw) else formats[kind])
            if on_progress is not None and written % PROGRESS_EVERY == 0:
                on_progress(written)
        sheet.autofilter(top, 0, top + max(written, 1), len(columns) - 1)
    return written


# -- selectors for the pages -------------------------------------------------------


def ledger_open(*, user, params: LedgerParams, organization: Organization) -> Ledger:
    """The ledger of `organization`'s subtree; the caller has checked the user may view it."""
    return Ledger(user=user, params=params, organization=organization)


def recent_jobs(user, *, limit: int = 10) -> models.QuerySet[ExportJob]:
    since = timezone.now() - datetime.timedelta(days=JOB_KEEP_DAYS)
    return ExportJob.objects.filter(user=user, kind__in=LedgerKind.values, created_at__gte=since).order_by(
        "-created_at")[:limit]


def job_of(user, pk: int) -> ExportJob | None:
    """The user's own ledger export job, or None: nobody sees another user's exports. Jobs of other
    kinds (the inspectors' evidence bundles, which reuse ExportJob) have pages of their own."""
    return ExportJob.objects.filter(pk=pk, user=user, kind__in=LedgerKind.values).first()


def job_ledger(job: ExportJob) -> Ledger | None:
    """The ledger a job exports, if its organization still exists and its owner may still view it."""
    params = LedgerParams.from_json(job.params)
    organization = Organization.objects.filter(pk=params.organization_id).first()
    if organization is None or not can(job.user, Capability.VIEW, organization):
        return None
    return Ledger(user=job.user, params=params, organization=organization)


# -- background exports ------------------------------------------------------------


@transaction.atomic
def export_job_create(*, user, params: LedgerParams) -> ExportJob:
    """Record the export and queue it once the row is committed (the worker must be able to see it)."""
    from reporting import tasks  # the task module imports this one

    job = ExportJob.objects.create(user=user, kind=params.kind, params=params.as_json())
    transaction.on_commit(partial(job_enqueue, job.pk, tasks.export_ledger))
    return job


def export_run(*, job_id: int, redelivered: bool = False) -> None:
    """Write a job's file. Claims the job first: a second delivery of the same task does nothing.

    A job still running JOB_TIMEOUT after it was queued, or one whose task the broker delivers again
    (`redelivered`: late acknowledgement, the worker that had it died), may be claimed again; only the
    latest claim (its `attempt`) may finish the job, so the file is made once.

    The workbook is written to a hidden part file of this attempt (an earlier attempt's part is
    removed) and renamed into place only when complete, so a failed job never leaves a half file behind
    a download link.
    """
    job = job_claim(job_id, redelivered=redelivered)
    if job is None:
        return
    attempt = job.attempt
    for stale in exports_dir().glob(f".job-{job_id}-*.part"):
        if stale.name != f".job-{job_id}-{attempt}.part":
            stale.unlink(missing_ok=True)
    ledger = job_ledger(job)
    if ledger is None:
        job_finish(job_id, status=ExportJob.Status.FAILED, attempt=attempt,
                   error="所选组织已不存在，或您已无权查看该组织。")
        return

    name = f"{secrets.token_hex(16)}.xlsx"
    final = exports_dir() / name
    part = final.with_name(f".job-{job_id}-{attempt}.part")
    try:
        total = ledger.count()
        ExportJob.objects.filter(pk=job_id).update(total=total)
        written = ledger.write(
            str(part), on_progress=lambda n: ExportJob.objects.filter(pk=job_id).update(done=n)
        ) if total else 0
        if not written:  # rows may have gone since the page counted them: no empty file
            part.unlink(missing_ok=True)
            job_finish(job_id, status=ExportJob.Status.FAILED, attempt=attempt, error=str(NO_ROWS))
            return
        _export_pause()
        os.replace(part, final)
    except Exception:
        log.exception("ledger export %s failed", job_id)
        part.unlink(missing_ok=True)
        job_finish(job_id, status=ExportJob.Status.FAILED, attempt=attempt,
                   error="导出失败，请稍后重试或缩小筛选范围。")
        return
    # Rows may have come or gone since the count: the file is the truth.
    if not job_finish(job_id, status=ExportJob.Status.DONE, attempt=attempt, total=written, done=written,
                      file_name=name):
        final.unlink(missing_ok=True)  # a later claim took the job over: its file is the one


def _export_pause() -> None:
    """Tests only (setting or environment variable ZEREN_TEST_EXPORT_PAUSE, seconds): hold a written export before it is put in place,
    so that a test can kill the worker in the middle of the task."""
    import time

    pause = float(getattr(settings, "ZEREN_TEST_EXPORT_PAUSE", 0) or os.environ.get("ZEREN_TEST_EXPORT_PAUSE") or 0)
    if pause:
        time.sleep(pause)
