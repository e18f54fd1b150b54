"""Writes for reports: drafting, versions, the 第一责任人's sign-off (签发) and submission upward (报送)."""

from __future__ import annotations

import datetime
import hashlib
import os
import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting import fonts, handoffs
from reporting.delegations.services import signing_capacity
from reporting.document import Block, Document, Level, in_document_language
from reporting.models import (
    COMPLETES,
    DocumentCounter,
    Report,
    ReportAttachment,
    ReportKind,
    ReportVersion,
    Submission,
    period_mismatch,
)
from reporting.reports import selectors
from responsibilities import log
from responsibilities.models import (
    Department,
    Obligation,
    Organization,
)
from responsibilities.periods import Period
from responsibilities.work import services as work
from responsibilities.work import uploads

MAX_BLOCKS = 400
MAX_TEXT = 5000
MAX_BODY_TEXT = 100_000  # the whole body: about 70 printed pages, so one request's PDF stays bounded


# -- drafting ------------------------------------------------------------------------------------


def _default_title(organization: Organization, kind: str, period: Period | None) -> str:
    label = period.label if period else ""
    return {
        ReportKind.HALF_YEAR: f"{organization.name}关于{label}意识形态工作情况的报告",
        ReportKind.SUMMARY: f"关于{label}全域意识形态工作情况的汇总报告",
        ReportKind.INSPECTION: f"{organization.name}关于{label}意识形态工作专项督查情况的报告",
        ReportKind.MAJOR: f"{organization.name}关于重大情况的专题报告",
        ReportKind.NOTICE: f"关于{label}意识形态工作检查考核结果的通报",
    }[kind]


def _facts_blocks(facts: dict) -> list[dict]:
    return [{"level": Level.PARAGRAPH, "text": line, "facts": True} for line in selectors.facts_paragraphs(facts)]


def _default_blocks(kind: str, facts: dict) -> list[dict]:
    heading = {"level": Level.H1}
    return [
        {**heading, "text": "基本情况"},
        {"level": Level.PARAGRAPH, "text": "（请简述本期意识形态工作总体情况。）"},
        {"level": Level.H2, "text": "工作制度落实情况"},
        *_facts_blocks(facts),
        {**heading, "text": "存在的问题"},
        {"level": Level.PARAGRAPH, "text": "（请列明存在的主要问题及原因。）"},
        {**heading, "text": "下一步工作打算"},
        {"level": Level.PARAGRAPH, "text": "（请列明下一步的工作措施。）"},
    ] if kind != ReportKind.MAJOR else [
        {**heading, "text": "基本情况"},
        {"level": Level.PARAGRAPH, "text": "（请说明事件的时间、地点、经过和影响。）"},
        {**heading, "text": "处置措施"},
        {"level": Level.PARAGRAPH, "text": "（请说明已采取的处置措施和下一步安排。）"},
    ]


def _clean_blocks(blocks: list[dict]) -> list[dict]:
    """Validate a structured body: plain text at one of five levels, never HTML from the user."""
    if not blocks:
        raise ValidationError(_("正文不能为空。"))
    if len(blocks) > MAX_BLOCKS:
        raise ValidationError(_("正文段落过多（最多 %(n)s 段）。") % {"n": MAX_BLOCKS})
    cleaned = []
    for index, block in enumerate(blocks, start=1):
        try:
            level = Level(int(block.get("level", 0)))
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("第 %(n)s 段的层级无效。") % {"n": index}) from exc
        text = str(block.get("text", "")).replace("\r\n", "\n").strip()
        if not text:
            continue
        if len(text) > MAX_TEXT:
            raise ValidationError(_("第 %(n)s 段过长（最多 %(max)s 字）。") % {"n": index, "max": MAX_TEXT})
        entry = {"level": int(level), "text": text}
        key = selectors.facts_key(block)
        if key in selectors.FACTS_KEYS:
            entry["facts"] = selectors.facts_flag(key)
        cleaned.append(entry)
    if not cleaned:
        raise ValidationError(_("正文不能为空。"))
    if (total := sum(len(entry["text"]) for entry in cleaned)) > MAX_BODY_TEXT:
        raise ValidationError(_("正文过长（共 %(n)s 字，最多 %(max)s 字），请精简或分为附件。")
                              % {"n": total, "max": MAX_BODY_TEXT})
    return cleaned


@in_document_language
@transaction.atomic
def report_create(*, organization: Organization, kind: str, period: Period | None, actor, title: str = "") -> Report:
    """A new report with its first draft version: defaults from the tree, statistics from the data."""
    if kind not in ReportKind.values:
        raise ValidationError(_("未知的报告类型。"))
    if mismatch := period_mismatch(kind, period):
        raise ValidationError(mismatch)
    code = period.code if period else ""
    if code and Report.objects.filter(organization=organization, kind=kind, period=code).exists():
        raise ValidationError(_("%(org)s 已有%(label)s的该类报告，请在原报告上修改。") % {
            "org": organization.name, "label": period.label})
    report = Report.objects.create(organization=organization, kind=kind, period=code, created_by=actor)
    facts = selectors.report_facts(organization, period, report=report) if period else {}
    if kind == ReportKind.SUMMARY:
        addressee, copy_to = selectors.summary_addressee(organization)
    else:
        addressee, copy_to = selectors.default_addressee(organization)
    ReportVersion.objects.create(
        report=report, number=1, title=title.strip() or _default_title(organization, kind, period),
        addressee=addressee or organization.name, copy_to=copy_to,
        blocks=_default_blocks(kind, facts), facts=facts, created_by=actor, note=_("新建草稿"),
    )
    return report


def report_locked(report: Report) -> Report:
    """The report's row, locked for the rest of the transaction (state changes of one report queue)."""
    return Report.objects.select_for_update().select_related("organization").get(pk=report.pk)


@in_document_language
@transaction.atomic
def report_version_save(
    *, report: Report, actor, title: str, addressee: str, copy_to: str, blocks: list[dict],
    attachments: list[str], note: str = "", facts: dict | None = None, drop_files: frozenset[int] = frozenset(),
) -> ReportVersion:
    """Every save is a new version. A signed version is never changed: editing after signing starts a
    new version that needs a new signature. The new version carries the attached files of the latest
    one, except the ReportAttachment ids in `drop_files`."""
    report = report_locked(report)
    if report.status in (Report.Status.SUBMITTED, Report.Status.RECEIVED):
        raise ValidationError(_("报告已报送上级，不能再修改；如需修改，请由上级退回。"))
    title, addressee = title.strip(), addressee.strip()
    if not title:
        raise ValidationError(_("标题不能为空。"))
    if not addressee:
        raise ValidationError(_("主送机关不能为空。"))
    latest = selectors.latest_version(report)
    version = ReportVersion.objects.create(
        report=report, number=latest.number + 1, title=title[:200], addressee=addressee[:200],
        copy_to=copy_to.strip()[:300], blocks=_clean_blocks(blocks),
        attachments=[a.strip()[:200] for a in attachments if a.strip()][:50],
        facts=latest.facts if facts is None else facts, note=note.strip()[:300], created_by=actor,
    )
    attachments_carry(source=latest, target=version, drop=drop_files)
    if report.status != Report.Status.DRAFT:
        report.status = Report.Status.DRAFT
    report.save(update_fields=["status", "updated_at"])
    return version


@in_document_language
def report_refresh_facts(*, report: Report, actor) -> ReportVersion:
    """Put the statistics section back into the body (at its end when the author had removed it), as a
    new version. Its figures are live in any case: shown as computed now, frozen when signed."""
    if not report.period:
        raise ValidationError(_("该报告没有报告期间，无需统计数据。"))
    latest = selectors.latest_version(report)
    facts, sections = selectors.live_figures(report)
    blocks = list(latest.blocks)
    if not any(selectors.facts_key(b) == selectors.FACTS_STATS for b in blocks):
        blocks += _facts_blocks(facts)
    return report_version_save(
        report=report, actor=actor, title=latest.title, addressee=latest.addressee, copy_to=latest.copy_to,
        blocks=selectors.live_blocks(blocks, sections), attachments=latest.attachments, note=_("更新统计数据"),
        facts=facts,
    )


# -- the document and its PDF ------------------------------------------------------------------


@in_document_language
def version_document(version: ReportVersion, *, draft: bool | None = None) -> Document:
    report = version.report
    organization = report.organization
    signed = version.is_signed
    department = version.issuer_department if signed else selectors.issuing_department(report)
    mark = selectors.issuer_mark_of(department.name) if department else selectors.issuer_mark(organization)
    return Document(
        issuer_mark=mark,
        number=version.doc_number,
        upward=report.kind != ReportKind.NOTICE,
        signer=version.signer.name if version.signer else "",
        title=version.title,
        addressee=version.addressee,
        blocks=tuple(Block(Level(b["level"]), b["text"]) for b in selectors.version_blocks(version)),
        attachments=selectors.attachment_names(version),
        signing_organ=mark,
        date=timezone.localtime(version.signed_at).date() if signed else timezone.localdate(),
        copy_to=version.copy_to,
        printer=f"{department.name if department else organization.name}办公室",
        printed_on=timezone.localtime(version.signed_at).date() if signed else timezone.localdate(),
        delegation_note=(
            _("（%(name)s受委托签发）") % {"name": version.signer.name} if version.delegation_id and version.signer else ""
        ),
        draft=(not signed) if draft is None else draft,
        extra={"anchor": anchor_text(version.anchor_seq, version.anchor_hash)} if version.anchor_seq else {},
    )


def anchor_text(seq: int, digest: str) -> str:
    """The chain head printed in a signed document's closing block: 「存证：日志 #1234 · 9f2c…」, the
    first 16 hex digits of the hash (enough to tell a rewritten tail from the real one; the full hash
    is on the version and in the log's `reportversion.signed` entry)."""
    return _("存证：日志 #%(seq)s · %(hash)s…") % {"seq": seq, "hash": digest[:16]}


def pdf_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def signed_pdf_path(version: ReportVersion) -> Path:
    return pdf_dir() / version.pdf_name


def _next_number(organization: Organization, year: int, department: Department | None = None) -> int:
    counter, _created = DocumentCounter.objects.get_or_create(organization=organization, department=department,
                                                             year=year)
    counter = DocumentCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def document_number(organization: Organization, year: int, seq: int, department: Department | None = None) -> str:
    """`{prefix}〔2026〕12号`: no zero padding; the prefix is the organization's short name, or the issuing
    department's name (a department has no short name of its own in the data: 江川市委宣传部〔2026〕3号)."""
    prefix = department.name if department else (organization.short_name or organization.name)
    return f"{prefix}〔{year}〕{seq}号"


# The 机关代字 of a 发文字号 is at most 10 characters: with 〔2026〕123号 and a four-character 签发人 that is what
# still shares the 28-character line of an upward document (GB/T 9704-2012 7.2.4); a longer full name
# needs a short name (简称) recorded for the organization.
NUMBER_PREFIX_MAX = 10


def number_prefix(organization: Organization, department: Department | None = None) -> str:
    """The 机关代字 of the organization's (or its issuing `department`'s) 发文字号: the department's name,
    else the organization's short name, else its full name when that has at most NUMBER_PREFIX_MAX
    characters. Raises ValidationError (naming the organization and what to do) for a longer full name
    without a short name: a 发文字号 is never broken across lines, and such a number would not fit beside
    the 签发人."""
    prefix = department.name if department else (organization.short_name or organization.name)
    if len(prefix) > NUMBER_PREFIX_MAX and not department and not organization.short_name:
        raise ValidationError(_(
            "“%(name)s”的名称有 %(n)s 个字，不能直接用作发文字号的机关代字。请先在组织管理中为它填写"
            "简称（不超过 %(max)s 个字，如“%(example)s”），再签发。"
        ) % {"name": organization.name, "n": len(prefix), "max": NUMBER_PREFIX_MAX,
             "example": organization.name[-NUMBER_PREFIX_MAX:]})
    return prefix


def number_allocate(*, organization: Organization, year: int, department: Department | None = None) -> tuple[int, str]:
    """The organization's (or its issuing `department`'s) next 发文字号 of `year`, without gaps:
    (sequence, "临河县委〔2026〕12号").

    The one counter of an issuing organization's documents (signed reports, accountability decisions);
    a department issuing in its own name (the region summary) has a series of its own. Must run inside
    the issuing service's transaction, which holds the counter's row lock until it commits. Raises
    ValidationError when the organization needs a short name for its numbers (`number_prefix`)."""
    number_prefix(organization, department)
    seq = _next_number(organization, year, department)
    return seq, document_number(organization, year, seq, department)


def _freeze_live_figures(version: ReportVersion, report: Report, now: datetime.datetime) -> None:
    """Write the figures of the signing moment into the version being signed (its statistics sections
    and `facts`), and who issues it: what is signed states the data as it was signed, never a stale copy."""
    facts, sections = selectors.live_figures(report, at=now)
    if sections:
        version.blocks, version.facts = selectors.live_blocks(list(version.blocks), sections), facts
    version.issuer_department = selectors.issuing_department(report)


@in_document_language
@transaction.atomic
def report_sign(*, version: ReportVersion, actor, now: datetime.datetime | None = None) -> ReportVersion:
    """Sign the latest version: number it, render the final PDF, fix its SHA-256. Exactly once.

    Who may sign, and in what capacity, is `reporting.delegations.services.signing_capacity` on the
    signing day; its ValidationError passes through. A body that still holds a template prompt or an
    empty section (`selectors.signing_problems`) is refused with a ValidationError naming each one.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    version = ReportVersion.objects.select_for_update().select_related("report__organization").get(pk=version.pk)
    report = report_locked(version.report)
    if version.is_signed:
        raise ValidationError(_("该版本已于 %(at)s 签发，不能重复签发。") % {
            "at": f"{timezone.localtime(version.signed_at):%Y-%m-%d %H:%M}"})
    latest = selectors.latest_version(report)
    if latest.pk != version.pk:
        raise ValidationError(_("只能签发最新版本（第 %(n)s 版）。") % {"n": latest.number})
    if report.status not in (Report.Status.DRAFT, Report.Status.RETURNED):
        raise ValidationError(_("报告当前状态为“%(s)s”，不能签发。") % {"s": report.get_status_display()})
    organization = report.organization
    person, delegation = signing_capacity(organization=organization, actor=actor, day=day)
    problems = selectors.signing_problems(version.blocks)
    if problems:  # issue #9 §2: never a numbered document that still carries the template's prompts
        raise ValidationError([_("正文尚未完成，不能签发："), *problems])
    _freeze_live_figures(version, report, now)
    seq, version.doc_number = number_allocate(organization=organization, year=day.year,
                                              department=version.issuer_department)
    version.issuer, version.doc_year, version.doc_seq = organization, day.year, seq
    version.signer, version.delegation, version.signed_by, version.signed_at = person, delegation, actor, now
    # Anchoring (issue #8 §4): the log's head as it stands when the document is rendered is printed in
    # it, so a rewrite of the chain's whole tail is detectable against any copy issued earlier.
    version.anchor_seq, version.anchor_hash = log.head()
    fonts.require_printable(version_document(version, draft=False))  # issue #10 §5: no blank glyph
    pdf = document_pdf(version, draft=False)
    version.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    version.pdf_name = f"{secrets.token_hex(16)}.pdf"
    signed_pdf_path(version).write_bytes(pdf)
    version.save()
    report.status = Report.Status.SIGNED
    report.save(update_fields=["status", "updated_at"])
    log.append(
        action="reportversion.signed", subject=version, actor=actor, organization=organization, at=now,
        report=report.pk, number=version.number, title=version.title, doc_number=version.doc_number,
        signer=_named(person), delegation=delegation.pk if delegation else None, sha256=version.pdf_sha256,
        anchor={"seq": version.anchor_seq, "hash": version.anchor_hash},
    )
    handoffs.report_signed(version, actor=actor, at=now)
    return version


def _named(row) -> dict | None:
    return None if row is None else {"id": row.pk, "name": row.name}


# -- submission upward ---------------------------------------------------------------------------


def report_obligation(report: Report) -> Obligation | None:
    """The obligation a report of this kind and period completes (COMPLETES), locked; None if there is none."""
    code = COMPLETES.get(report.kind)
    if not code or not report.period:
        return None
    return (
        Obligation.objects.select_for_update()
        .filter(organization=report.organization, work_system__code=code, period=report.period)
        .first()
    )


@in_document_language
@transaction.atomic
def report_submit(*, report: Report, actor, now: datetime.datetime | None = None) -> Submission:
    """Send the signed latest version to the upper organization; it completes the matching obligation."""
    now = now or timezone.now()
    report = report_locked(report)
    version = selectors.latest_version(report)
    if not version.is_signed or report.status != Report.Status.SIGNED:
        raise ValidationError(_("报告须先由第一责任人签发，才能报送。"))
    problems = selectors.signing_problems(version.blocks)
    if problems:  # signed before the sign-off guarded its text: never sent upward as it is
        raise ValidationError([_("已签发的第 %(n)s 版正文尚未完成，不能报送；请修改后重新签发：") % {"n": version.number},
                               *problems])
    upper = Organization.objects.get_parent(report.organization)
    if upper is None:
        raise ValidationError(_("%(org)s 没有上级组织，无法报送。") % {"org": report.organization.name})
    obligation = report_obligation(report)
    on_time = obligation is None or not obligation.is_late_at(now)
    submission = Submission.objects.create(
        report=report, version=version, to_organization=upper, submitted_at=now, submitted_by=actor,
        deadline=obligation.due_date if obligation else None, on_time=on_time,
    )
    report.status = Report.Status.SUBMITTED
    report.save(update_fields=["status", "updated_at"])
    log.append(
        action="submission.submitted", subject=submission, actor=actor, at=now, report=report.pk,
        version=version.pk, doc_number=version.doc_number, sha256=version.pdf_sha256,
        to_organization=_named(upper), deadline=submission.deadline, on_time=on_time,
    )
    if obligation is not None and obligation.is_open:
        work.obligation_complete(obligation=obligation, actor=actor, at=now, report=report.pk, version=version.pk,
                                 doc_number=version.doc_number, sha256=version.pdf_sha256)
    handoffs.report_submitted(submission, actor=actor, at=now)
    return submission


@in_document_language
@transaction.atomic
def report_sign_and_submit(*, version: ReportVersion, actor, now: datetime.datetime | None = None) -> Submission:
    """签发并报送 (issue #9 §1): `report_sign` then `report_submit`, one moment, one transaction.

    Each keeps its own rules and log entry; if the submission is refused (no upper organization, …) its
    ValidationError passes through and nothing is signed: the number goes back to the counter with the
    rolled-back transaction and the PDF rendered for the signature is removed. Returns the Submission.
    """
    now = now or timezone.now()
    signed = report_sign(version=version, actor=actor, now=now)
    try:
        return report_submit(report=signed.report, actor=actor, now=now)
    except BaseException:
        signed_pdf_path(signed).unlink(missing_ok=True)
        raise


# -- attachments (附件) -----------------------------------------------------------------------------

MAX_ATTACHMENTS = 20


def _link_stored(stored_name: str) -> str:
    """A new stored name for the same bytes (a hard link where the disk allows, else a copy): each
    version's attachment row owns its file, so no version's files ever change under another's."""
    source = uploads.stored_path(stored_name)
    target_name = f"{secrets.token_hex(16)}{Path(stored_name).suffix}"
    target = uploads.upload_dir() / target_name
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    return target_name


def attachments_carry(*, source: ReportVersion, target: ReportVersion, drop: set[int] = frozenset()) -> None:
    """The files of `source` attached to the new version `target` too, in order (except the ids in
    `drop`). Called by every service that makes a version out of an earlier one."""
    for position, old in enumerate(a for a in source.files.all() if a.pk not in drop):
        ReportAttachment.objects.create(
            version=target, title=old.title, position=position, original_name=old.original_name,
            stored_name=_link_stored(old.stored_name), content_type=old.content_type, size=old.size,
            sha256=old.sha256, uploaded_by=old.uploaded_by,
        )


def attachment_title(name: str) -> str:
    """The 附件名称 of a file: its name without the extension, without trailing punctuation (GB/T
    9704-2012 7.3.4: 附件名称后不加标点符号)."""
    stem = Path(name).stem if "." in name else name
    return stem.strip().rstrip("。，、；：.,;:！!？?").strip()[:200] or _("附件")


def _check_pdf(stored: uploads.StoredFile) -> None:
    """A PDF attachment is appended to the signed PDF: it must open (not damaged, not encrypted)."""
    from reporting.pdf import PdfRenderingError, attachment_page_count

    if stored.content_type != "application/pdf":
        return
    try:
        attachment_page_count(uploads.stored_path(stored.stored_name))
    except PdfRenderingError as exc:
        raise ValidationError(_("附件“%(name)s”无法作为 PDF 打开（可能已损坏或加密），不能接在正文之后。") % {
            "name": stored.original_name}) from exc


@in_document_language
@uploads.discard_on_error()
@transaction.atomic
def report_attachments_add(*, report: Report, actor, files: list) -> ReportVersion:
    """Attach uploaded files (PDF, Word, Excel, images: the evidence upload rules of
    responsibilities.work.uploads) to the report: a new version carrying the earlier files and these.

    Every file is checked and stored before anything is saved; when one is refused (ValidationError,
    Chinese message naming it) the files already stored are removed again (uploads.discard_on_error):
    no orphan on disk."""
    if not files:
        raise ValidationError(_("请选择要上传的附件。"))
    latest = selectors.latest_version(report)
    if latest.files.count() + len(files) > MAX_ATTACHMENTS:
        raise ValidationError(_("附件过多（每份报告最多 %(n)s 个）。") % {"n": MAX_ATTACHMENTS})
    stored: list[uploads.StoredFile] = []
    seen = {f.sha256: f.title for f in latest.files.all()}
    for upload in files:
        stored.append(uploads.store_upload(upload))
        _check_pdf(stored[-1])
        if stored[-1].sha256 in seen:  # the same bytes twice would print the same attachment twice
            raise ValidationError(_("文件“%(name)s”与附件“%(title)s”内容相同，不必重复上传。") % {
                "name": stored[-1].original_name, "title": seen[stored[-1].sha256]})
        seen[stored[-1].sha256] = attachment_title(stored[-1].original_name)
    names = "、".join(attachment_title(f.original_name) for f in stored)
    version = report_version_save(
        report=report, actor=actor, title=latest.title, addressee=latest.addressee, copy_to=latest.copy_to,
        blocks=latest.blocks, attachments=latest.attachments, note=_("添加附件：%(names)s") % {"names": names},
    )
    start = version.files.count()
    for position, f in enumerate(stored, start=start):
        ReportAttachment.objects.create(
            version=version, title=attachment_title(f.original_name), position=position,
            original_name=f.original_name, stored_name=f.stored_name, content_type=f.content_type,
            size=f.size, sha256=f.sha256, uploaded_by=actor,
        )
    return version


@in_document_language
@transaction.atomic
def report_attachment_remove(*, report: Report, actor, attachment: ReportAttachment) -> ReportVersion:
    """A new version without `attachment` (the earlier versions keep it)."""
    latest = selectors.latest_version(report)
    if attachment.version_id != latest.pk:
        raise ValidationError(_("只能移除最新版本的附件。"))
    return report_version_save(
        report=report, actor=actor, title=latest.title, addressee=latest.addressee, copy_to=latest.copy_to,
        blocks=latest.blocks, attachments=latest.attachments, note=_("移除附件：%(name)s") % {"name": attachment.title},
        drop_files=frozenset({attachment.pk}),
    )


def document_pdf(version: ReportVersion, *, draft: bool | None = None) -> bytes:
    """The PDF of a version: the body in the GB/T 9704 layout, then each PDF attachment labelled 附件N
    at the top left of its first page (other attachments are only listed in the 附件说明)."""
    from reporting.pdf import append_attachments, attachment_labels, render_pdf

    body = render_pdf(version_document(version, draft=draft))
    files = list(version.files.all())
    labels = attachment_labels(len(selectors.attachment_names(version)))
    appended = [(labels[i], uploads.stored_path(f.stored_name)) for i, f in enumerate(files) if f.is_pdf]
    return append_attachments(body, appended) if appended else body
