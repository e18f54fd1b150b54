"""Writes for reports: drafting, versions, the secretary's sign-off, submission, receipt and return."""

from __future__ import annotations

import datetime
import functools
import hashlib
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reporting import selectors
from reporting.document import Block, Document, Level
from reporting.models import (
    Delegation,
    DocumentCounter,
    Report,
    ReportKind,
    ReportVersion,
    Submission,
)
from responsibilities.models import (
    Notification,
    Obligation,
    ObligationEvent,
    Organization,
    OrganizationUserPermission,
    Person,
    RoleAssignment,
)
from responsibilities.periods import Period
from responsibilities.permissions import Capability, can


def _in_document_language(func):
    """Official text (titles, bodies, notes, notices to others) is written in the documents' language,
    Chinese, whichever interface language the person who triggers it happens to use."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper


MAX_BLOCKS = 400
MAX_TEXT = 5000


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
        if block.get("facts"):
            entry["facts"] = True
        cleaned.append(entry)
    if not cleaned:
        raise ValidationError(_("正文不能为空。"))
    return cleaned


@_in_document_language
@transaction.atomic
def report_create(*, organization: Organization, kind: str, period: Period | None, actor, title: str = "") -> Report:
    """A new report with its first draft version: defaults from the tree, statistics from the data."""
    if kind not in ReportKind.values:
        raise ValidationError(_("未知的报告类型。"))
    if kind != ReportKind.MAJOR and period is None:
        raise ValidationError(_("请选择报告期间。"))
    code = period.code if period else ""
    if code and Report.objects.filter(organization=organization, kind=kind, period=code).exists():
        raise ValidationError(_("%(org)s 已有%(label)s的该类报告，请在原报告上修改。") % {
            "org": organization.name, "label": period.label})
    report = Report.objects.create(organization=organization, kind=kind, period=code, created_by=actor)
    facts = selectors.report_facts(organization, period) if period else {}
    addressee, copy_to = selectors.default_addressee(organization)
    ReportVersion.objects.create(
        report=report, number=1, title=title.strip() or _default_title(organization, kind, period),
        addressee=addressee or organization.name, copy_to=copy_to,
        blocks=_default_blocks(kind, facts), facts=facts, created_by=actor, note=_("新建草稿"),
    )
    return report


def _locked_report(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("organization").get(pk=report.pk)


@_in_document_language
@transaction.atomic
def report_version_save(
    *, report: Report, actor, title: str, addressee: str, copy_to: str, blocks: list[dict],
    attachments: list[str], note: str = "", facts: dict | None = None,
) -> ReportVersion:
    """Every save is a new version. A signed version is never changed: editing after signing starts a
    new version that needs a new signature."""
    report = _locked_report(report)
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
    if report.status != Report.Status.DRAFT:
        report.status = Report.Status.DRAFT
    report.save(update_fields=["status", "updated_at"])
    return version


@_in_document_language
def report_refresh_facts(*, report: Report, actor) -> ReportVersion:
    """Recompute the statistics from the data and replace the statistics paragraphs (a new version)."""
    if not report.period:
        raise ValidationError(_("该报告没有报告期间，无需统计数据。"))
    latest = selectors.latest_version(report)
    facts = selectors.report_facts(report.organization, Period.parse(report.period))
    blocks, inserted = [], False
    for block in latest.blocks:
        if block.get("facts"):
            if not inserted:
                blocks += _facts_blocks(facts)
                inserted = True
            continue
        blocks.append(block)
    if not inserted:
        blocks += _facts_blocks(facts)
    return report_version_save(
        report=report, actor=actor, title=latest.title, addressee=latest.addressee, copy_to=latest.copy_to,
        blocks=blocks, attachments=latest.attachments, note=_("更新统计数据"), facts=facts,
    )


# -- the document and its PDF ------------------------------------------------------------------


@_in_document_language
def version_document(version: ReportVersion, *, draft: bool | None = None) -> Document:
    report = version.report
    organization = report.organization
    signed = version.is_signed
    return Document(
        issuer_mark=selectors.issuer_mark(organization),
        number=version.doc_number,
        upward=report.kind != ReportKind.NOTICE,
        signer=version.signer.name if version.signer else "",
        title=version.title,
        addressee=version.addressee,
        blocks=tuple(Block(Level(b["level"]), b["text"]) for b in version.blocks),
        attachments=tuple(version.attachments),
        signing_organ=selectors.issuer_mark(organization),
        date=timezone.localtime(version.signed_at).date() if signed else timezone.localdate(),
        copy_to=version.copy_to,
        printer=f"{organization.name}办公室",
        printed_on=timezone.localtime(version.signed_at).date() if signed else timezone.localdate(),
        delegation_note=(
            _("（%(name)s受委托签发）") % {"name": version.signer.name} if version.delegation_id and version.signer else ""
        ),
        draft=(not signed) if draft is None else draft,
    )


def pdf_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def signed_pdf_path(version: ReportVersion) -> Path:
    return pdf_dir() / version.pdf_name


# -- sign-off (签发) -----------------------------------------------------------------------------


def _signing_capacity(version: ReportVersion, actor, day: datetime.date) -> tuple[Person, Delegation | None]:
    """The person signing and, for a deputy, the delegation they sign under; ValidationError otherwise."""
    organization = version.report.organization
    if not can(actor, Capability.SIGN_REPORT, organization):
        raise ValidationError(_("您没有签发本组织报告的权限。"))
    person = Person.objects.filter(user=actor).first()
    if person is None:
        raise ValidationError(_("您的账号未关联任职人员，不能签发。"))
    holder = selectors.signer_for(organization, day)
    if holder is not None and holder.pk == person.pk:
        return person, None
    delegation = (
        Delegation.objects.filter(organization=organization, delegate=person, start_date__lte=day, end_date__gte=day)
        .order_by("-start_date")
        .first()
    )
    if delegation is not None:
        return person, delegation
    raise ValidationError(
        _("只有%(date)s担任%(org)s第一责任人的同志（或在委托期内的受托人）可以签发。")
        % {"date": f"{day:%Y-%m-%d}", "org": organization.name}
    )


def signing_capacity(*, version: ReportVersion, actor, day: datetime.date | None = None) -> tuple[Person, Delegation | None]:
    """What `_signing_capacity` would decide, for the sign-off page to say before the click."""
    return _signing_capacity(version, actor, day or timezone.localdate())


def _next_number(organization: Organization, year: int) -> int:
    counter, _created = DocumentCounter.objects.get_or_create(organization=organization, year=year)
    counter = DocumentCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def document_number(organization: Organization, year: int, seq: int) -> str:
    """`{prefix}〔2026〕12号`: no zero padding; the prefix is the organization's short name."""
    return f"{organization.short_name or organization.name}〔{year}〕{seq}号"


@_in_document_language
@transaction.atomic
def report_sign(*, version: ReportVersion, actor, now: datetime.datetime | None = None) -> ReportVersion:
    """Sign the latest version: number it, render the final PDF, fix its SHA-256. Exactly once."""
    from reporting.pdf import render_pdf

    now = now or timezone.now()
    day = timezone.localdate(now)
    version = ReportVersion.objects.select_for_update().select_related("report__organization").get(pk=version.pk)
    report = _locked_report(version.report)
    if version.is_signed:
        raise ValidationError(_("该版本已于 %(at)s 签发，不能重复签发。") % {
            "at": f"{timezone.localtime(version.signed_at):%Y-%m-%d %H:%M}"})
    latest = selectors.latest_version(report)
    if latest.pk != version.pk:
        raise ValidationError(_("只能签发最新版本（第 %(n)s 版）。") % {"n": latest.number})
    if report.status not in (Report.Status.DRAFT, Report.Status.RETURNED):
        raise ValidationError(_("报告当前状态为“%(s)s”，不能签发。") % {"s": report.get_status_display()})
    person, delegation = _signing_capacity(version, actor, day)
    organization = report.organization
    seq = _next_number(organization, day.year)
    version.issuer, version.doc_year, version.doc_seq = organization, day.year, seq
    version.doc_number = document_number(organization, day.year, seq)
    version.signer, version.delegation, version.signed_by, version.signed_at = person, delegation, actor, now
    pdf = render_pdf(version_document(version, draft=False))
    version.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    version.pdf_name = f"{secrets.token_hex(16)}.pdf"
    signed_pdf_path(version).write_bytes(pdf)
    version.save()
    report.status = Report.Status.SIGNED
    report.save(update_fields=["status", "updated_at"])
    return version


# -- submission upward ---------------------------------------------------------------------------


def _staff_of(organization: Organization) -> list[int]:
    return list(
        OrganizationUserPermission.objects.filter(
            content_object=organization, permission__codename="manage", user__is_active=True
        ).values_list("user_id", flat=True)
    )


def _message(user_ids, title: str, body: str, url: str) -> None:
    Notification.objects.bulk_create(
        [Notification(recipient_id=uid, kind=Notification.Kind.MESSAGE, title=title, body=body, url=url)
         for uid in sorted(set(user_ids))]
    )


def _matching_obligation(report: Report) -> Obligation | None:
    code = selectors.COMPLETES.get(report.kind)
    if not code or not report.period:
        return None
    return (
        Obligation.objects.select_for_update()
        .filter(organization=report.organization, work_system__code=code, period=report.period)
        .first()
    )


@_in_document_language
@transaction.atomic
def report_submit(*, report: Report, actor, now: datetime.datetime | None = None) -> Submission:
    """Send the signed latest version to the upper organization; it completes the matching obligation."""
    now = now or timezone.now()
    report = _locked_report(report)
    version = selectors.latest_version(report)
    if not version.is_signed or report.status != Report.Status.SIGNED:
        raise ValidationError(_("报告须先由第一责任人签发，才能报送。"))
    upper = Organization.objects.get_parent(report.organization)
    if upper is None:
        raise ValidationError(_("%(org)s 没有上级组织，无法报送。") % {"org": report.organization.name})
    obligation = _matching_obligation(report)
    on_time = obligation is None or obligation.due_at is None or now < obligation.due_at
    submission = Submission.objects.create(
        report=report, version=version, to_organization=upper, submitted_at=now, submitted_by=actor,
        deadline=obligation.due_date if obligation else None, on_time=on_time,
    )
    report.status = Report.Status.SUBMITTED
    report.save(update_fields=["status", "updated_at"])
    if obligation is not None and obligation.is_open:
        obligation.status = Obligation.Status.DONE if on_time else Obligation.Status.DONE_LATE
        obligation.completed_at, obligation.completed_by, obligation.next_reminder_at = now, actor, None
        obligation.save(update_fields=["status", "completed_at", "completed_by", "next_reminder_at"])
        ObligationEvent.objects.create(
            obligation=obligation, kind=ObligationEvent.Kind.COMPLETED, actor=actor, at=now,
            data={"status": obligation.status, "report": report.pk, "version": version.pk,
                  "doc_number": version.doc_number, "sha256": version.pdf_sha256},
        )
    _message(
        _staff_of(upper), _("【报告】%(org)s报送了%(title)s") % {"org": report.organization.name, "title": version.title},
        _("发文字号：%(no)s\n报送时间：%(at)s（%(when)s）") % {
            "no": version.doc_number, "at": f"{timezone.localtime(now):%Y-%m-%d %H:%M}",
            "when": _("按时") if on_time else _("逾期")},
        reverse("reporting:submission_detail", args=[submission.pk]),
    )
    return submission


def _handle(submission: Submission, actor) -> Submission:
    submission = Submission.objects.select_for_update().select_related("report__organization").get(pk=submission.pk)
    if submission.status != Submission.Status.SUBMITTED:
        raise ValidationError(_("该报告已%(s)s，不能重复处理。") % {"s": submission.get_status_display()})
    if not can(actor, Capability.MANAGE, submission.to_organization):
        raise ValidationError(_("您没有处理报送给%(org)s的报告的权限。") % {"org": submission.to_organization.name})
    return submission


@_in_document_language
@transaction.atomic
def submission_receive(*, submission: Submission, actor) -> Submission:
    """签收: the upper organization acknowledges receipt."""
    submission = _handle(submission, actor)
    submission.status, submission.handled_at, submission.handled_by = Submission.Status.RECEIVED, timezone.now(), actor
    submission.save(update_fields=["status", "handled_at", "handled_by"])
    report = _locked_report(submission.report)
    report.status = Report.Status.RECEIVED
    report.save(update_fields=["status", "updated_at"])
    _message(
        [report.created_by_id] if report.created_by_id else [],
        _("【报告】%(to)s已签收%(title)s") % {"to": submission.to_organization.name, "title": submission.version.title},
        "", reverse("reporting:report_detail", args=[report.pk]),
    )
    return submission


@_in_document_language
@transaction.atomic
def submission_return(*, submission: Submission, actor, reason: str) -> Submission:
    """退回: the report goes back to its author as a new draft version; its obligation is open again."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("退回必须填写理由。"))
    submission = _handle(submission, actor)
    now = timezone.now()
    submission.status, submission.handled_at, submission.handled_by = Submission.Status.RETURNED, now, actor
    submission.return_reason = reason[:500]
    submission.save(update_fields=["status", "handled_at", "handled_by", "return_reason"])
    report = _locked_report(submission.report)
    signed = submission.version
    ReportVersion.objects.create(
        report=report, number=selectors.latest_version(report).number + 1, title=signed.title,
        addressee=signed.addressee, copy_to=signed.copy_to, blocks=signed.blocks, attachments=signed.attachments,
        facts=signed.facts, created_by=actor, note=_("上级退回：%(reason)s") % {"reason": reason[:200]},
    )
    report.status = Report.Status.RETURNED
    report.save(update_fields=["status", "updated_at"])
    obligation = _matching_obligation(report)
    if obligation is not None and not obligation.is_open:
        late = obligation.due_at is not None and now >= obligation.due_at
        obligation.status = Obligation.Status.OVERDUE if late else Obligation.Status.OPEN
        obligation.completed_at = obligation.completed_by = None
        obligation.save(update_fields=["status", "completed_at", "completed_by"])
        ObligationEvent.objects.create(obligation=obligation, kind=ObligationEvent.Kind.REOPENED, actor=actor,
                                       reason=_("报告被上级退回：%(reason)s") % {"reason": reason[:300]})
    _message(
        [report.created_by_id] if report.created_by_id else [],
        _("【报告退回】%(to)s退回了%(title)s") % {"to": submission.to_organization.name, "title": signed.title},
        _("退回理由：%(reason)s") % {"reason": reason}, reverse("reporting:report_detail", args=[report.pk]),
    )
    return submission


@transaction.atomic
def delegation_create(
    *, organization: Organization, delegate: Person, start_date: datetime.date, end_date: datetime.date,
    reason: str, actor,
) -> Delegation:
    if end_date < start_date:
        raise ValidationError(_("结束日期不能早于起始日期。"))
    if not reason.strip():
        raise ValidationError(_("请填写委托事由。"))
    if not RoleAssignment.objects.filter(person=delegate, organization=organization).active_on(start_date).exists():
        raise ValidationError(_("受托人须为%(org)s领导班子成员。") % {"org": organization.name})
    return Delegation.objects.create(
        organization=organization, delegate=delegate, start_date=start_date, end_date=end_date,
        reason=reason.strip(), created_by=actor,
    )


# -- the submission board: reminding the laggards ----------------------------------------------


def _remind_recipients(organizations: list[Organization], day: datetime.date) -> dict[int, set[int]]:
    """Per organization id: its own staff (manage granted on it directly) and its secretary's linked user."""
    recipients: dict[int, set[int]] = {org.pk: set() for org in organizations}
    staff = OrganizationUserPermission.objects.filter(
        content_object__in=organizations, permission__codename=Capability.MANAGE, user__is_active=True
    ).values_list("content_object_id", "user_id")
    secretaries = (
        RoleAssignment.objects.filter(
            organization__in=organizations, role=RoleAssignment.Role.SECRETARY,
            person__user__isnull=False, person__user__is_active=True,
        )
        .active_on(day)
        .values_list("organization_id", "person__user_id")
    )
    for org_id, user_id in [*staff, *secretaries]:
        recipients[org_id].add(user_id)
    return recipients


@_in_document_language
@transaction.atomic
def board_remind(
    *, upper: Organization, period: Period, kind: str, actor, now: datetime.datetime | None = None
) -> tuple[int, int]:
    """Remind every laggard below `upper` (未起草, 草稿, 已签发 but not sent, 已退回) to report.

    An in-app message to the laggard's staff and secretary; the e-mail copy leaves through the
    outbox (responsibilities.scheduling.send_pending_emails). At most once per laggard and
    recipient per day, so a double click or a second colleague clicking sends nothing more.
    Returns (organizations reminded, messages created).
    """
    now = now or timezone.now()
    # Two reminders for the same board at once queue here instead of both finding "not yet today".
    Organization.objects.select_for_update().filter(pk=upper.pk).first()
    laggards = selectors.board(upper, period, kind).laggards
    recipients = _remind_recipients([entry.organization for entry in laggards], timezone.localdate(now))
    kind_label = ReportKind(kind).label
    planned: list[Notification] = []
    for entry in laggards:
        org = entry.organization
        due = entry.obligation.due_date if entry.obligation and entry.obligation.due_date else None
        if entry.report is not None:
            url = reverse("reporting:report_detail", args=[entry.report.pk])
        elif entry.obligation is not None:
            url = reverse("responsibilities:obligation_detail", args=[entry.obligation.pk])
        else:
            url = ""
        title = _("【催报】请尽快报送%(kind)s（%(period)s，%(org)s）") % {
            "period": period.label, "kind": kind_label, "org": org.name}
        body = _("%(upper)s提醒：贵单位%(period)s%(kind)s当前状态为“%(status)s”，报送期限%(due)s。"
                 "请尽快起草、由第一责任人签发后报送。") % {
            "upper": upper.name, "period": period.label, "kind": kind_label, "status": entry.label,
            "due": f"{due.year}年{due.month}月{due.day}日" if due else _("以上级通知为准")}
        planned += [
            Notification(recipient_id=uid, kind=Notification.Kind.MESSAGE, title=title, body=body, url=url,
                         created_at=now)
            for uid in sorted(recipients[org.pk])
        ]
    start_of_day = timezone.make_aware(datetime.datetime.combine(timezone.localdate(now), datetime.time()))
    already = set(
        Notification.objects.filter(
            kind=Notification.Kind.MESSAGE, created_at__gte=start_of_day,
            recipient_id__in={n.recipient_id for n in planned}, title__in={n.title for n in planned},
        ).values_list("recipient_id", "title")
    )
    fresh = [n for n in planned if (n.recipient_id, n.title) not in already]
    Notification.objects.bulk_create(fresh)
    return len({n.title for n in fresh}), len(fresh)


# -- the region summary (汇总报告) -----------------------------------------------------------------


def _summary_line(index: int, entry: selectors.BoardEntry) -> str:
    name = entry.organization.name
    sub = entry.submission
    when = (_("按时") if sub.on_time else _("逾期")) if sub else ""
    if entry.status == selectors.BOARD_RECEIVED:
        text = _("%(org)s：已签收（%(when)s，%(no)s）") % {"org": name, "when": when, "no": sub.version.doc_number}
    elif entry.status in (selectors.BOARD_ON_TIME, selectors.BOARD_LATE):
        text = _("%(org)s：已报送，待签收（%(when)s，%(no)s）") % {
            "org": name, "when": when, "no": sub.version.doc_number}
    elif entry.status == selectors.BOARD_SIGNED:
        text = _("%(org)s：已签发，未报送") % {"org": name}
    elif entry.status == selectors.BOARD_RETURNED:
        text = _("%(org)s：已退回，待重新报送") % {"org": name}
    elif entry.status == selectors.BOARD_DRAFT:
        text = _("%(org)s：草稿，未报送") % {"org": name}
    else:
        text = _("%(org)s：未起草") % {"org": name}
    return f"{index}. {text}"


def summary_blocks(board: selectors.Board, summed: list[dict]) -> list[dict]:
    """The summary's body: who reported how, the region's figures, who has not reported."""
    reported, missing = board.reported, board.laggards
    on_time = sum(1 for e in reported if e.submission and e.submission.on_time)
    received = sum(1 for e in reported if e.status == selectors.BOARD_RECEIVED)
    p = Level.PARAGRAPH
    blocks = [
        {"level": p, "text": _(
            "根据意识形态工作责任制关于党委（党组）报告制度的要求，%(org)s所属 %(n)s 个下级党组织应报送"
            "%(period)s意识形态工作专题报告。截至目前，已报送 %(reported)s 个（其中按时 %(on_time)s 个、"
            "逾期 %(late)s 个，已签收 %(received)s 个），未报送 %(missing)s 个。现将有关情况汇总报告如下。"
        ) % {"org": board.upper.name, "n": len(board.entries), "period": board.period.label,
             "reported": len(reported), "on_time": on_time, "late": len(reported) - on_time,
             "received": received, "missing": len(missing)}},
        {"level": Level.H1, "text": _("下级党组织报告情况")},
        *({"level": p, "text": _summary_line(i, e)} for i, e in enumerate(board.entries, start=1)),
        {"level": Level.H1, "text": _("全域主要数据")},
    ]
    if summed:
        blocks.append({"level": p, "text": _("以下数据根据已报送的 %(n)s 份报告所载统计汇总：") % {"n": len(reported)}})
        blocks += [{"level": p, "text": line} for line in selectors.facts_paragraphs({"systems": summed})]
    else:
        blocks.append({"level": p, "text": _("尚无下级党组织报送本期报告，暂无汇总数据。")})
    blocks.append({"level": Level.H1, "text": _("未报送单位")})
    if missing:
        names = "、".join(_("%(org)s（%(status)s）") % {"org": e.organization.name, "status": e.label} for e in missing)
        blocks.append({"level": p, "text": _("截至目前尚未报送的单位共 %(n)s 个：%(names)s。") % {
            "n": len(missing), "names": names}})
    else:
        blocks.append({"level": p, "text": _("所属下级党组织均已报送本期报告。")})
    blocks += [
        {"level": Level.H1, "text": _("存在的问题")},
        {"level": p, "text": _("（请结合各单位报告，列明本地区存在的主要问题。）")},
        {"level": Level.H1, "text": _("下一步工作打算")},
        {"level": p, "text": _("（请列明下一步的工作措施，以及对未按时报送单位的督促安排。）")},
    ]
    return blocks


@_in_document_language
@transaction.atomic
def summary_report_create(*, organization: Organization, period: Period, actor) -> Report:
    """The propaganda department's 汇总报告 draft, generated from the subordinates' half-yearly reports.

    The key figures are the sums of the statistics stated in the signed versions the subordinates
    submitted (received or awaiting receipt); the draft is then edited, signed and submitted
    like any other report.
    """
    board = selectors.board(organization, period, ReportKind.HALF_YEAR)
    if not board.entries:
        raise ValidationError(_("%(org)s 没有下级组织，无需汇总。") % {"org": organization.name})
    report = report_create(organization=organization, kind=ReportKind.SUMMARY, period=period, actor=actor)
    first = selectors.latest_version(report)
    summed = selectors.summed_facts([e.submission.version.facts for e in board.reported])
    counts = {status: n for status, _label, n in board.counts if n}
    facts = {
        "period": period.code, "period_label": period.label, "systems": summed,
        "subordinates": len(board.entries), "subordinate_reports": counts,
        "summarised": [e.submission.version_id for e in board.reported],
        "computed_at": timezone.now().isoformat(timespec="seconds"),
    }
    report_version_save(
        report=report, actor=actor, title=first.title, addressee=first.addressee, copy_to=first.copy_to,
        blocks=summary_blocks(board, summed), attachments=[], note=_("根据下级报告生成汇总"), facts=facts,
    )
    return report
