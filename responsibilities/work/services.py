"""Writes of the work: the obligation lifecycle (complete, reopen, waive, mark overdue), evidence, notifications read.

An obligation's status changes here and nowhere else: the evidence services, reports' submission and
return (reporting), the overdue sweep (responsibilities.scheduling) and the demo data all call these.
Lateness is one rule, `Obligation.is_late_at` (its query form: `ObligationQuerySet.late_at`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibilities import log
from responsibilities.models import (
    EvidenceFile,
    EvidenceKind,
    MeetingRecord,
    Notification,
    Obligation,
    ObligationEvent,
    Organization,
    Person,
)
from responsibilities.permissions import Capability, can
from responsibilities.scheduling.calendar import next_reminder
from responsibilities.work.uploads import discard_on_error, store_upload

# ---------------------------------------------------------------------------------
# Obligations: the lifecycle
# ---------------------------------------------------------------------------------


def _locked(obligation: Obligation) -> Obligation:
    return Obligation.objects.select_for_update().select_related("work_system", "organization").get(pk=obligation.pk)


def _record(
    obligation: Obligation, kind: str, actor, reason: str = "", *, at: datetime.datetime | None = None, **data
) -> ObligationEvent:
    return ObligationEvent.record(obligation, kind, actor, at=at, columns={"reason": reason}, **data)


def _require_open(obligation: Obligation) -> None:
    if not obligation.is_open:
        raise ValidationError(_("该任务当前为“%(status)s”，如需补充请先重新打开。") % {"status": obligation.get_status_display()})


def _complete(obligation: Obligation, actor, at: datetime.datetime, **evidence) -> Obligation:
    """Complete a locked, open obligation (the callers checked it)."""
    obligation.status = Obligation.Status.DONE_LATE if obligation.is_late_at(at) else Obligation.Status.DONE
    obligation.completed_at = at
    obligation.completed_by = actor
    obligation.next_reminder_at = None
    obligation.save(update_fields=["status", "completed_at", "completed_by", "next_reminder_at"])
    _record(obligation, ObligationEvent.Kind.COMPLETED, actor, at=at, status=obligation.status, **evidence)
    notifications_close(obligation=obligation, at=at)
    return obligation


@transaction.atomic
def obligation_complete(
    *, obligation: Obligation, actor, at: datetime.datetime | None = None, **evidence
) -> Obligation:
    """Complete an open or overdue obligation at `at` (an aware datetime; default now).

    Status 已完成, or 逾期完成 when `at` is past the deadline (`Obligation.is_late_at`); its
    reminders stop. Writes a `completed` event dated `at` whose data holds the status and
    `evidence` (JSON-serialisable values, e.g. report=…, doc_number=…). Returns the obligation.
    Raises ValidationError when it is already completed or waived.
    """
    at = at or timezone.now()
    obligation = _locked(obligation)
    _require_open(obligation)
    return _complete(obligation, actor, at, **evidence)


@transaction.atomic
def obligation_reopen(
    *, obligation: Obligation, actor, reason: str, at: datetime.datetime | None = None
) -> Obligation:
    """Open a completed or waived obligation again at `at` (default now), with a reason.

    Overdue when `at` is past the deadline, else open with its remaining reminders scheduled again
    (`next_reminder_at`: the next reminder day at 09:00 Beijing time). Writes a `reopened` event.
    Only someone who may (`may_reopen`): a waiver is undone one level up, where it was decided.
    Raises ValidationError when the actor may not, it is still open or the reason is empty.
    """
    at = at or timezone.now()
    obligation = _locked(obligation)
    if obligation.is_open:
        raise ValidationError(_("该任务尚未完成或免除，无需重新打开。"))
    if not may_reopen(actor, obligation):
        if obligation.status == Obligation.Status.WAIVED:
            raise ValidationError(_("撤销免除须由上级组织决定：本组织工作人员不能重新打开已免除的任务。"))
        raise ValidationError(_("您无权重新打开%(org)s的任务。") % {"org": obligation.organization.name})
    if not reason.strip():
        raise ValidationError(_("重新打开必须填写理由。"))
    return _reopen(obligation, actor, reason.strip(), at)


def _reopen(obligation: Obligation, actor, reason: str, at: datetime.datetime) -> Obligation:
    """Open a locked, finished obligation again (the callers checked who may and why)."""
    late = obligation.is_late_at(at)
    previous = obligation.status
    obligation.status = Obligation.Status.OVERDUE if late else Obligation.Status.OPEN
    obligation.completed_at = None
    obligation.completed_by = None
    obligation.waived_reason = ""
    obligation.next_reminder_at = None if late else next_reminder(obligation.due_date, at)
    obligation.save(update_fields=["status", "completed_at", "completed_by", "waived_reason", "next_reminder_at"])
    _record(obligation, ObligationEvent.Kind.REOPENED, actor, reason, at=at, previous=previous,
            status=obligation.status)
    notifications_reopen(obligation=obligation)
    return obligation


def notifications_reopen(*, obligation: Obligation | None = None, item_type: str = "", item_ids: Iterable[int] = ()) -> int:
    """Open and unread again the closed notices about one obligation (its deadline notices: 到期提醒,
    逾期, 督办), or about the items `item_ids` of `item_type`: the step is owed again (a task reopened,
    a receipt undone), and the 已办结 they show would no longer be true. Returns how many.

    With `notifications_close`, the one writer of `done_at`."""
    if obligation is None and not item_type:
        raise ValueError("notifications_reopen needs an obligation or an item_type")
    qs = Notification.objects.filter(done_at__isnull=False)
    if obligation is not None:
        qs = qs.filter(obligation=obligation, kind__in=[
            Notification.Kind.REMINDER, Notification.Kind.OVERDUE, Notification.Kind.ESCALATION])
    else:
        qs = qs.filter(item_type=item_type, item_id__in=list(item_ids))
    return qs.update(done_at=None, read_at=None)


def may_reopen(user, obligation: Obligation) -> bool:
    """Who may open a finished obligation again: for a waived one, whoever may waive it (`may_waive`:
    the decision is the upper level's either way); for a completed one, its organization's staff
    (`manage` there, which the upper levels hold too). Asked by `obligation_reopen` and the page."""
    if obligation.status == Obligation.Status.WAIVED:
        return may_waive(user, obligation)
    return can(user, Capability.MANAGE, obligation.organization)


def waive_scope(obligation: Obligation) -> Organization:
    """The organization that decides whether `obligation` is waived: its upper organization (the root its own)."""
    return Organization.objects.get_parent(obligation.organization) or obligation.organization


def may_waive(user, obligation: Obligation) -> bool:
    """Waiving is decided one level up: `manage` on the upper organization, so an organization's own
    staff cannot waive their own work. The one rule, asked by `obligation_waive` and the pages."""
    return can(user, Capability.MANAGE, waive_scope(obligation))


@transaction.atomic
def obligation_waive(
    *, obligation: Obligation, actor, reason: str, at: datetime.datetime | None = None
) -> Obligation:
    """Waive (免除) an open or overdue obligation at `at` (default now), with a reason.

    Only someone who may decide it one level up (`may_waive`). Writes a `waived` event. Raises
    ValidationError when the actor may not, the obligation is not open, or the reason is empty.
    """
    at = at or timezone.now()
    obligation = _locked(obligation)
    if not may_waive(actor, obligation):
        raise ValidationError(_("免除须由上级组织决定：本组织工作人员不能免除本组织的任务。"))
    if not obligation.is_open:
        raise ValidationError(_("只有待办或逾期的任务可以免除。"))
    if not reason.strip():
        raise ValidationError(_("免除必须填写理由。"))
    obligation.status = Obligation.Status.WAIVED
    obligation.waived_reason = reason.strip()
    obligation.completed_at = at
    obligation.completed_by = actor
    obligation.next_reminder_at = None
    obligation.save(update_fields=["status", "waived_reason", "completed_at", "completed_by", "next_reminder_at"])
    _record(obligation, ObligationEvent.Kind.WAIVED, actor, reason.strip(), at=at)
    notifications_close(obligation=obligation, at=at)
    return obligation


@transaction.atomic
def obligations_mark_overdue(*, now: datetime.datetime, limit: int) -> list[tuple[int, int, str]]:
    """Mark up to `limit` open obligations that are late at `now` overdue; the scheduler's sweep calls it.

    Rows are claimed (`ClaimQuerySet.claim`): a doubled or concurrent sweep marks each row once.
    Each marked row gets an `overdue` event without actor (the scheduler), and its entry in the
    accountability log, dated at its deadline `due_at`, when it became overdue, however late the sweep ran. Its reminders stop.
    Returns (id, organization id, responsible) of the rows marked; [] when none is left.
    """
    claimed = (
        Obligation.objects.filter(status=Obligation.Status.OPEN)
        .late_at(now)
        .claim("organization_id", "responsible", "due_at", limit=limit,
               status=Obligation.Status.OVERDUE, next_reminder_at=None)
    )
    ObligationEvent.objects.bulk_create(
        [ObligationEvent(obligation_id=pk, kind=ObligationEvent.Kind.OVERDUE, at=due_at)
         for pk, _org, _resp, due_at in claimed],
        batch_size=limit,
    )
    log.append_many([
        {"action": "obligation.overdue", "subject": Obligation(pk=pk), "actor": None, "organization": org_id,
         "at": due_at, "status": Obligation.Status.OVERDUE}
        for pk, org_id, _resp, due_at in claimed
    ])
    return [(pk, org_id, responsible) for pk, org_id, responsible, _due_at in claimed]


# ---------------------------------------------------------------------------------
# Evidence: meeting records and files
# ---------------------------------------------------------------------------------


def _check_meeting(
    obligation: Obligation, *, held_on: datetime.date, place: str, topic: str, discussion: str,
    attendees: list[Person], other_attendees: str, instead_of: MeetingRecord | None = None,
) -> None:
    """The rules of a meeting record's content, for a new record and a correction alike."""
    if held_on > timezone.localdate():
        raise ValidationError(_("会议日期不能晚于今天。"))
    if held_on < obligation.period_start - datetime.timedelta(days=31):
        raise ValidationError(_("会议日期早于本期（%(label)s）开始太久，请核对。") % {"label": obligation.period_label})
    for text, label in ((place, _("地点")), (topic, _("议题")), (discussion, _("讨论情况"))):
        if not text.strip():
            raise ValidationError(_("%(field)s不能为空。") % {"field": label})
    if not attendees and not other_attendees.strip():
        raise ValidationError(_("请至少选择一名参会人员。"))
    same = obligation.meetings.filter(held_on=held_on, topic=topic.strip(), withdrawn_at__isnull=True)
    if instead_of is not None:
        same = same.exclude(pk=instead_of.pk)
    if same.exists():
        raise ValidationError(_("该会议（%(date)s，%(topic)s）已登记，请勿重复提交。") % {
            "date": f"{held_on:%Y-%m-%d}", "topic": topic.strip()})


def _meetings_in_force(obligation: Obligation):
    return obligation.meetings.filter(withdrawn_at__isnull=True)


@discard_on_error()
@transaction.atomic
def obligation_add_meeting(
    *,
    obligation: Obligation,
    actor,
    held_on: datetime.date,
    place: str,
    chair: Person,
    attendees: list[Person],
    topic: str,
    discussion: str,
    decisions: str = "",
    other_attendees: str = "",
    uploads: list | tuple = (),
    file_title: str = "",
) -> MeetingRecord:
    """Record a meeting or study, with its files (签到表, 会议纪要 scans, photos: `uploads`, titled
    `file_title` or each by its file name, see `file_titles`); the obligation is completed once the
    required number of records in force (not withdrawn) is reached. Raises ValidationError (Chinese)."""
    obligation = _locked(obligation)
    if obligation.work_system.evidence != EvidenceKind.MEETING:
        raise ValidationError(_("该项工作需要上传文件材料，不能以会议记录作为佐证。"))
    _require_open(obligation)
    _check_meeting(obligation, held_on=held_on, place=place, topic=topic, discussion=discussion,
                   attendees=attendees, other_attendees=other_attendees)
    meeting = MeetingRecord.objects.create(
        obligation=obligation, held_on=held_on, place=place.strip(), chair=chair, topic=topic.strip(),
        discussion=discussion.strip(), decisions=decisions.strip(), other_attendees=other_attendees.strip(),
        created_by=actor,
    )
    meeting.attendees.set(attendees)
    files = _store_files(obligation, actor, uploads, file_title, meeting=meeting)
    _record(obligation, ObligationEvent.Kind.EVIDENCE_ADDED, actor, meeting=meeting.pk, topic=meeting.topic,
            **_files_data(files))
    count = _meetings_in_force(obligation).count()
    if count >= obligation.required_count:
        _complete(obligation, actor, timezone.now(), meetings=count)
    return meeting


def _locked_meeting(meeting: MeetingRecord) -> tuple[Obligation, MeetingRecord]:
    obligation = _locked(meeting.obligation)
    meeting = MeetingRecord.objects.select_for_update().select_related("chair").get(pk=meeting.pk)
    if meeting.withdrawn_at is not None:
        raise ValidationError(_("该会议记录已撤回，不能再修改。"))
    return obligation, meeting


def meeting_snapshot(meeting: MeetingRecord) -> dict:
    """A meeting record's content as JSON (names, not ids: what an inspector reads later)."""
    return {
        "version": meeting.version, "held_on": meeting.held_on.isoformat(), "place": meeting.place,
        "chair": meeting.chair.name, "attendees": [p.name for p in meeting.attendees.order_by("pk")],
        "other_attendees": meeting.other_attendees, "topic": meeting.topic,
        "discussion": meeting.discussion, "decisions": meeting.decisions,
    }


@transaction.atomic
def meeting_correct(
    *, meeting: MeetingRecord, actor, reason: str, held_on: datetime.date, place: str, chair: Person,
    attendees: list[Person], topic: str, discussion: str, decisions: str = "", other_attendees: str = "",
) -> MeetingRecord:
    """Correct (更正) a meeting record in force, with a reason; its version goes up by one.

    The earlier content is not lost: the `evidence_corrected` event (same transaction, and so the
    accountability log) keeps it as data {"meeting", "version", "earlier": meeting_snapshot,
    "changed": [field names]}, shown in the obligation's history. The record keeps its files and its
    登记时间 (补录 is judged on the first entry). Raises ValidationError when it is withdrawn, the
    reason is empty, nothing changed, or the new content breaks a rule of `obligation_add_meeting`.
    """
    obligation, meeting = _locked_meeting(meeting)
    if not reason.strip():
        raise ValidationError(_("更正必须填写理由。"))
    _check_meeting(obligation, held_on=held_on, place=place, topic=topic, discussion=discussion,
                   attendees=attendees, other_attendees=other_attendees, instead_of=meeting)
    previous = meeting_snapshot(meeting)
    meeting.held_on, meeting.place, meeting.chair, meeting.topic = held_on, place.strip(), chair, topic.strip()
    meeting.discussion, meeting.decisions = discussion.strip(), decisions.strip()
    meeting.other_attendees = other_attendees.strip()
    current = {**meeting_snapshot(meeting), "attendees": [p.name for p in sorted(attendees, key=lambda p: p.pk)]}
    changed = [key for key in previous if key != "version" and previous[key] != current[key]]
    if not changed:
        raise ValidationError(_("内容没有变化，无需更正。"))
    meeting.version += 1
    meeting.save()
    meeting.attendees.set(attendees)
    _record(obligation, ObligationEvent.Kind.EVIDENCE_CORRECTED, actor, reason.strip(), meeting=meeting.pk,
            topic=meeting.topic, version=meeting.version, earlier=previous, changed=changed)
    return meeting


def withdraw_reopens(meeting: MeetingRecord) -> bool:
    """Whether withdrawing `meeting` reopens its obligation: it is completed (已完成/逾期完成) by
    meeting records and, without this one, fewer than the required number remain in force. A
    completed task must not keep standing on evidence that was taken back. The one rule, asked by
    `meeting_withdraw` and by the confirmation page (which warns before)."""
    obligation = meeting.obligation
    if obligation.status not in (Obligation.Status.DONE, Obligation.Status.DONE_LATE):
        return False
    remaining = _meetings_in_force(obligation).exclude(pk=meeting.pk).count()
    return meeting.withdrawn_at is None and remaining < obligation.required_count


@transaction.atomic
def meeting_withdraw(*, meeting: MeetingRecord, actor, reason: str, at: datetime.datetime | None = None) -> MeetingRecord:
    """Withdraw (撤回) a meeting record at `at` (default now), with a reason: it stays visible, struck
    through with the reason, but no longer counts as evidence (nor for the 补录/代填 flags).

    Writes an `evidence_withdrawn` event; when `withdraw_reopens`, the obligation is opened again
    (待办, or 逾期 past its deadline) with a `reopened` event naming the withdrawal. Raises
    ValidationError when it is already withdrawn or the reason is empty.
    """
    at = at or timezone.now()
    obligation, meeting = _locked_meeting(meeting)
    if not reason.strip():
        raise ValidationError(_("撤回必须填写理由。"))
    reopen = withdraw_reopens(meeting)
    meeting.withdrawn_at = at
    meeting.withdrawn_reason = reason.strip()
    meeting.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    _record(obligation, ObligationEvent.Kind.EVIDENCE_WITHDRAWN, actor, reason.strip(), at=at,
            meeting=meeting.pk, topic=meeting.topic, version=meeting.version, reopened=reopen)
    if reopen:
        _reopen(obligation, actor, _("撤回会议记录“%(topic)s”后佐证不足") % {"topic": meeting.topic}, at)
    return meeting


@discard_on_error()
@transaction.atomic
def meeting_add_files(*, meeting: MeetingRecord, actor, uploads: list, title: str = "") -> list[EvidenceFile]:
    """Attach files (签到表, 会议纪要 scans, photos) to a meeting record in force, also after its
    obligation is completed (the scan often comes later); titled as `file_titles` says. Writes an
    `evidence_added` event. Raises ValidationError when none is given, a file is refused
    (uploads.store_upload) or the record is withdrawn."""
    obligation, meeting = _locked_meeting(meeting)
    if not uploads:
        raise ValidationError(_("请选择要上传的文件。"))
    files = _store_files(obligation, actor, uploads, title, meeting=meeting)
    _record(obligation, ObligationEvent.Kind.EVIDENCE_ADDED, actor, meeting=meeting.pk, topic=meeting.topic,
            **_files_data(files))
    return files


def file_titles(title: str, names: list[str]) -> list[str]:
    """The 标题 of each uploaded file: `title` for one file, 「title（1）」「title（2）」… for several,
    or, when no title is given, each file's name without its extension (签到表.pdf → 签到表)."""
    title = title.strip()
    if not title:
        return [PurePath(name).stem or name for name in names]
    if len(names) == 1:
        return [title]
    return [f"{title}（{i}）" for i in range(1, len(names) + 1)]


def _store_files(obligation: Obligation, actor, uploads, title: str = "", *, meeting=None) -> list[EvidenceFile]:
    stored = [store_upload(upload) for upload in uploads]
    titles = file_titles(title, [s.original_name for s in stored])
    return [
        EvidenceFile.objects.create(
            obligation=obligation, meeting=meeting, title=file_title[:200], original_name=s.original_name,
            stored_name=s.stored_name, content_type=s.content_type, size=s.size, sha256=s.sha256, uploaded_by=actor,
        )
        for s, file_title in zip(stored, titles, strict=True)
    ]


def _files_data(files: list[EvidenceFile]) -> dict:
    if not files:
        return {}
    return {"files": [f.pk for f in files], "titles": [f.title for f in files], "sha256": [f.sha256 for f in files]}


@discard_on_error()
@transaction.atomic
def obligation_add_files(
    *, obligation: Obligation, actor, uploads: list, complete: bool = True, title: str = ""
) -> list[EvidenceFile]:
    """Attach files (validated, stored outside the web root, titled as `file_titles` says);
    optionally complete the obligation."""
    obligation = _locked(obligation)
    _require_open(obligation)
    if not uploads:
        raise ValidationError(_("请选择要上传的文件。"))
    if obligation.work_system.evidence == EvidenceKind.MEETING and complete:
        raise ValidationError(_("该项工作以会议记录为佐证，请填写会议记录；文件可作为附件补充。"))
    if obligation.work_system.evidence == EvidenceKind.REPORT and complete:
        # Only a report signed by the 第一责任人 and submitted upward completes it (reporting.reports.services).
        raise ValidationError(_("该项工作须以第一责任人签发并报送上级的报告完成，不能以上传文件代替。"))
    files = _store_files(obligation, actor, uploads, title)
    _record(obligation, ObligationEvent.Kind.EVIDENCE_ADDED, actor, **_files_data(files))
    if complete:
        _complete(obligation, actor, timezone.now(), files=[f.pk for f in files])
    return files


@dataclass(frozen=True)
class Message:
    """One in-app message to some users: what `messages_send` writes."""

    recipient_ids: tuple[int, ...]
    title: str
    body: str
    url: str
    # The item the message is about, so that `notifications_close` can close it when its step is done
    # (a hand-off: "reporting.sign" and the version's id); `done`: written already closed (nothing to do).
    item_type: str = ""
    item_id: int | None = None
    done: bool = False


def messages_send(*, messages: Iterable[Message], sender=None, at: datetime.datetime | None = None) -> int:
    """Write each message (Notification.Kind.MESSAGE) once per recipient, from `sender` (the user
    whose action it reports; None for the system), in one INSERT. The e-mail copies leave through
    the outbox (scheduling.services.send_pending_emails). Returns how many notifications were made.

    The one writer of messages: submission notices, receipts and returns, board reminders.

    A message about an item (`item_type`, `item_id`) is one notice per recipient (the table's unique
    constraint): told again — a receipt undone and made again — the notice is renewed in place (new
    words and time, unread, e-mailed again) rather than refused or duplicated.
    """
    at = at or timezone.now()
    rows = [
        Notification(recipient_id=uid, kind=Notification.Kind.MESSAGE, title=message.title, body=message.body,
                     url=message.url, sender=sender, created_at=at, item_type=message.item_type,
                     item_id=message.item_id, done_at=at if message.done else None)
        for message in messages
        for uid in sorted(set(message.recipient_ids))
    ]
    keyed = [r for r in rows if r.item_id is not None]
    existing = {
        (n.item_type, n.item_id, n.recipient_id): n
        for n in Notification.objects.filter(
            kind=Notification.Kind.MESSAGE, offset_days=0, item_id__in={r.item_id for r in keyed},
            item_type__in={r.item_type for r in keyed}, recipient_id__in={r.recipient_id for r in keyed},
        )
    } if keyed else {}
    renewed = []
    for row in keyed:
        old = existing.get((row.item_type, row.item_id, row.recipient_id))
        if old is not None:
            old.title, old.body, old.url, old.sender_id, old.created_at = row.title, row.body, row.url, row.sender_id, at
            old.done_at, old.read_at, old.emailed_at = row.done_at, None, None
            renewed.append(old)
    if renewed:
        Notification.objects.bulk_update(
            renewed, ["title", "body", "url", "sender", "created_at", "done_at", "read_at", "emailed_at"])
    renewed_ids = {id(r) for r in keyed if (r.item_type, r.item_id, r.recipient_id) in existing}
    fresh = [r for r in rows if id(r) not in renewed_ids]
    return len(Notification.objects.bulk_create(fresh)) + len(renewed)


def notification_mark_read(*, user, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def notifications_close(
    *, obligation: Obligation | None = None, item_type: str = "", item_ids: Iterable[int] = (),
    at: datetime.datetime | None = None,
) -> int:
    """Mark 已办结 (`done_at` = `at`, default now) the open notices about one obligation, or about the
    items `item_ids` of `item_type` ("reporting.sign" and version ids). Returns how many were closed.

    The one writer of `done_at`: the services that finish a step call it in their own transaction
    (an obligation completed or waived: `_complete`, `obligation_waive`; a report's hand-offs:
    reporting.handoffs). Already closed notices keep their first `done_at`; read state is untouched.
    """
    if obligation is None and not item_type:
        raise ValueError("notifications_close needs an obligation or an item_type")
    qs = Notification.objects.filter(done_at__isnull=True)
    if obligation is not None:
        qs = qs.filter(obligation=obligation)
    else:
        qs = qs.filter(item_type=item_type, item_id__in=list(item_ids))
    return qs.update(done_at=at or timezone.now())
