"""Writes of accountability cases (问责): the one service per state change.

Workflow (000 第十四条; DOMAIN.md §6): 登记 → 初核 → 立案 → 调查 → 决定 → 执行 → 备案 → 归档, with
不予立案 after 初核. `case_transition` is the one way through it; each refusal says why. Every write
records its actor and appends to the tamper-evident log in the same transaction (case.opened,
case.transitioned, case.responsibility_proposed, case.responsibility_overridden, case.measure_set,
case.authority_set, case.files_added, case.filing_overdue; finding.escalated).

Who: case work takes `inspect` on the subject organization (the views check it; the services check
it again for a non-system actor).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.evidence import files_store
from accountability.models import (
    AccountabilityFile,
    Case,
    CaseSubject,
    Circumstance,
    Finding,
    Measure,
)
from accountability.responsibility import ScenarioError, determine_responsibility
from responsibilities import log
from responsibilities.models import Organization, Person, RoleAssignment
from responsibilities.org.selectors import team_assignments_on
from responsibilities.permissions import Capability, can
from responsibilities.scheduling.calendar import due_moment, next_reminder
from responsibilities.work.uploads import discard_on_error

Status = Case.Status
Role = RoleAssignment.Role

# The workflow: from each state, where it may go.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.REGISTERED: (Status.PRELIMINARY,),
    Status.PRELIMINARY: (Status.OPENED, Status.DISMISSED),
    Status.OPENED: (Status.INVESTIGATING,),
    Status.INVESTIGATING: (Status.DECIDED,),
    Status.DECIDED: (Status.EXECUTING,),
    Status.EXECUTING: (Status.FILED,),
    Status.FILED: (Status.ARCHIVED,),
    Status.ARCHIVED: (),
    Status.DISMISSED: (),
}
# Before the decision the facts, subjects, determination and measures may still change.
EDITABLE = (Status.REGISTERED, Status.PRELIMINARY, Status.OPENED, Status.INVESTIGATING)

# A team role on the date of the facts → the determination's role (accountability.responsibility).
SUBJECT_ROLE = {
    Role.SECRETARY: CaseSubject.Role.FIRST,
    Role.DIRECT: CaseSubject.Role.DIRECT,
    Role.MEMBER: CaseSubject.Role.MEMBER,
    Role.PUBLICITY: CaseSubject.Role.MEMBER,
}


def authority_levels() -> int:
    """How many levels above the subject organization a deciding authority may sit (default 1: the
    parent committee, 干部管理权限); settings.ZEREN_CASE_AUTHORITY_LEVELS configures it."""
    return settings.ZEREN_CASE_AUTHORITY_LEVELS


def filing_days() -> int:
    """Days after the decision by which it is to be filed upward (settings.ZEREN_CASE_FILING_DAYS, default 30)."""
    return settings.ZEREN_CASE_FILING_DAYS


def default_authority(organization: Organization) -> Organization | None:
    """The subject organization's parent committee (None for a root)."""
    return Organization.objects.get_parent(organization)


def authority_refusal(authority: Organization | None, organization: Organization) -> str | None:
    """Why `authority` may not decide a case about `organization`, or None when it holds management
    authority (000 第十四条: 应当由有管理权限的党组织作出): an ancestor at most `authority_levels()` above."""
    if authority is None:
        return _("未指定问责决定机关：问责应当由有管理权限的党组织作出（第十四条）。")
    step = Organization.steplen
    above = (len(organization.path) - len(authority.path)) // step
    if not organization.path.startswith(authority.path) or above < 1:
        return _("%(a)s对%(o)s没有管理权限：问责应当由有管理权限的党组织作出，通常是被问责组织的上级党委（第十四条）。") % {
            "a": authority.name, "o": organization.name}
    if above > authority_levels():
        return _("%(a)s不直接管理%(o)s的领导班子：按本系统设置，问责决定机关应为其上 %(n)s 级党委（第十四条）。") % {
            "a": authority.name, "o": organization.name, "n": authority_levels()}
    return None


def _require(actor, case_or_org, message: str | None = None) -> None:
    if actor is not None and not can(actor, Capability.INSPECT, case_or_org):
        raise ValidationError(message or _("只有纪检巡察人员可以办理问责案件。"))


def team_on_facts_date(organization: Organization, day: datetime.date) -> list[RoleAssignment]:
    """The leadership team proper (RoleAssignment.TEAM_ROLES) of `organization` on `day`, one
    assignment per person (the highest role), 第一责任人 first: the candidates for subjects."""
    order = list(SUBJECT_ROLE)
    best: dict[int, RoleAssignment] = {}
    for a in team_assignments_on(organization, day).filter(role__in=list(SUBJECT_ROLE)):
        if a.person_id not in best or order.index(a.role) < order.index(best[a.person_id].role):
            best[a.person_id] = a
    return sorted(best.values(), key=lambda a: (order.index(a.role), a.person.name, a.pk))


@discard_on_error()
@transaction.atomic
def case_open(
    *, organization: Organization, title: str, source: str, facts_date: datetime.date, facts: str, actor,
    circumstances: list[Circumstance] = (), collective: bool = True, people: list[Person] = (),
    proposer: str = "", source_reference: str = "", authority: Organization | None = None,
    finding: Finding | None = None, uploads: list = (), files: list[AccountabilityFile] = (),
    now: datetime.datetime | None = None,
) -> Case:
    """Register (登记) a case against `organization`'s leadership team (`collective`) and/or the leaders
    `people`, each of whom must have been in its team on `facts_date`; their roles are taken from that
    day, so a later change of office does not change them. The authority defaults to the parent
    committee. Raises ValidationError (Chinese) for a refused actor, an empty text, facts in the
    future, no subject, or a person not in the team that day. Logs case.opened."""
    now = now or timezone.now()
    _require(actor, organization)
    if not title.strip() or not facts.strip():
        raise ValidationError(_("案由和基本事实都不能为空。"))
    if facts_date > timezone.localdate(now):
        raise ValidationError(_("问题发生日期不能晚于今天。"))
    if source not in Case.Source.values:
        raise ValidationError(_("请选择案件来源。"))
    team = {a.person_id: a for a in team_on_facts_date(organization, facts_date)}
    strangers = [p.name for p in people if p.pk not in team]
    if strangers:
        raise ValidationError(_("%(names)s在%(day)s不是%(org)s领导班子成员，不能作为被问责人。") % {
            "names": "、".join(strangers), "day": f"{facts_date:%Y-%m-%d}", "org": organization.name})
    if not collective and not people:
        raise ValidationError(_("请至少选择一个被问责对象：领导班子或班子成员。"))
    case = Case.objects.create(
        organization=organization, title=title.strip(), source=source, source_reference=source_reference.strip(),
        finding=finding, facts_date=facts_date, facts=facts.strip(), proposer=proposer.strip(),
        authority=authority or default_authority(organization) or organization, created_by=actor,
    )
    case.circumstances.set(circumstances)
    if collective:
        CaseSubject.objects.create(case=case, responsibility=CaseSubject.Responsibility.COLLECTIVE)
    for person in people:
        assignment = team[person.pk]
        CaseSubject.objects.create(case=case, person=person, role=SUBJECT_ROLE[assignment.role],
                                   title=CaseSubject.Role(SUBJECT_ROLE[assignment.role]).label, in_charge=assignment.role == Role.DIRECT)
    stored = files_store(uploads=list(uploads), actor=actor)
    case.files.add(*files, *stored)
    log.append(action="case.opened", subject=case, actor=actor, at=now, title=case.title, source=source,
               finding=finding.pk if finding else None, facts_date=facts_date, collective=collective,
               people=[p.pk for p in people], circumstances=[c.code for c in circumstances],
               files=[f.sha256 for f in [*files, *stored]], authority=case.authority_id)
    return case


@transaction.atomic
def case_from_finding(*, finding: Finding, actor, title: str = "", collective: bool = True,
                      people: list[Person] | None = None, circumstances: list[Circumstance] = (),
                      now: datetime.datetime | None = None) -> Case:
    """Escalate a finding into a case: its organization, date of facts, description and rectification
    as the facts, and its evidence files by reference (not uploaded again). By default the subjects
    are the team collectively and the finding's responsible person. Logs finding.escalated too."""
    now = now or timezone.now()
    finding = Finding.objects.select_for_update().select_related("organization").get(pk=finding.pk)
    if people is None:
        people = [finding.responsible_person] if finding.responsible_person_id else []
    facts = finding.description
    if finding.rectification:
        facts += "\n" + _("整改情况：%(r)s") % {"r": finding.rectification}
    case = case_open(
        organization=finding.organization, title=title or _("%(org)s问题整改问责") % {"org": finding.organization.name},
        source=Case.Source.FINDING, source_reference=finding.source_reference, finding=finding,
        facts_date=finding.facts_date, facts=facts, actor=actor, collective=collective, people=people,
        circumstances=circumstances, files=list(finding.files.all()), now=now,
    )
    log.append(action="finding.escalated", subject=finding, actor=actor, at=now, case=case.pk)
    return case


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("organization", "authority").get(pk=case.pk)


def ordered_subjects(case: Case) -> list[CaseSubject]:
    """The case's subjects: the team first, then the leaders in the order they were named (the same on
    every database, whichever way it sorts NULLs)."""
    return sorted(case.subjects.select_related("person", "measure"), key=lambda s: (s.person_id is not None, s.pk))


def _require_editable(case: Case) -> None:
    if case.status not in EDITABLE:
        raise ValidationError(_("案件当前为“%(s)s”，认定、措施和决定机关不能再修改。") % {"s": case.get_status_display()})


@transaction.atomic
def case_set_authority(*, case: Case, actor, authority: Organization, now: datetime.datetime | None = None) -> Case:
    """Name the deciding authority; refused, with the reason, when it lacks management authority."""
    case = _locked(case)
    _require(actor, case)
    _require_editable(case)
    refusal = authority_refusal(authority, case.organization)
    if refusal:
        raise ValidationError(refusal)
    case.authority = authority
    case.save(update_fields=["authority"])
    log.append(action="case.authority_set", subject=case, actor=actor, at=now, authority=authority.pk)
    return case


@transaction.atomic
def case_determine(
    *, case: Case, actor, mode: str, facts: dict[int, dict], decided_by: Person | None = None,
    now: datetime.datetime | None = None,
) -> Case:
    """Record the decision facts and propose each leader's responsibility (第十三条).

    `facts` maps each individual subject's id to {"participated", "opposed", "in_charge"} (bools);
    `mode` is collective or individual (then `decided_by`, one of the subjects). Calls
    accountability.responsibility.determine_responsibility; each subject's proposal, rule and clause
    are stored and become its responsibility (an earlier override is dropped: the facts changed).
    Raises ValidationError with the determination's own Chinese message for facts it refuses.
    Logs case.responsibility_proposed.
    """
    case = _locked(case)
    _require(actor, case)
    _require_editable(case)
    subjects = list(case.subjects.filter(person__isnull=False).select_related("person"))
    if not subjects:
        raise ValidationError(_("该案件没有被问责的班子成员，无需认定个人责任。"))
    for s in subjects:
        row = facts.get(s.pk, {})
        s.participated, s.opposed = bool(row.get("participated")), bool(row.get("opposed"))
        s.in_charge = bool(row.get("in_charge"))
    members = [{"id": str(s.pk), "role": s.role, "in_charge": s.in_charge, "name": s.person.name} for s in subjects]
    decider = next((s for s in subjects if decided_by is not None and s.person_id == decided_by.pk), None)
    if mode == Case.Mode.INDIVIDUAL:
        if decider is None:
            raise ValidationError(_("个人决定或批准的，请选择作出决定或批准的领导干部（须为被问责人）。"))
        decision = {"mode": mode, "decided_by": str(decider.pk)}
    else:
        decision = {"mode": Case.Mode.COLLECTIVE, "participants": [str(s.pk) for s in subjects if s.participated],
                    "opposed": [str(s.pk) for s in subjects if s.opposed]}
    try:
        result = determine_responsibility({"members": members, "decision": decision})
    except ScenarioError as exc:
        raise ValidationError(str(exc)) from exc
    for s in subjects:
        rule = result["rules"][str(s.pk)]
        s.proposed = s.responsibility = result[str(s.pk)]
        s.proposed_rule, s.proposed_clause, s.override_reason = rule["text"], rule["clause"], ""
        s.save()
    case.decision_mode = mode if mode in Case.Mode.values else Case.Mode.COLLECTIVE
    case.decided_by = decider.person if decider else None
    case.save(update_fields=["decision_mode", "decided_by"])
    log.append(action="case.responsibility_proposed", subject=case, actor=actor, at=now, scenario={
        "members": members, "decision": decision}, proposal={str(s.person_id): s.proposed for s in subjects})
    return case


@transaction.atomic
def subject_override(*, subject: CaseSubject, actor, responsibility: str, reason: str,
                     now: datetime.datetime | None = None) -> CaseSubject:
    """Depart from the proposed responsibility, only with a written reason. Logs case.responsibility_overridden."""
    case = _locked(subject.case)
    _require(actor, case)
    _require_editable(case)
    subject = CaseSubject.objects.select_related("person").get(pk=subject.pk, case=case)
    if subject.is_team:
        raise ValidationError(_("领导班子承担集体责任，不作个人责任认定。"))
    if responsibility not in CaseSubject.Responsibility.values or responsibility == CaseSubject.Responsibility.COLLECTIVE:
        raise ValidationError(_("请选择认定的责任。"))
    if not reason.strip():
        raise ValidationError(_("调整建议认定必须写明理由。"))
    previous = subject.responsibility
    subject.responsibility, subject.override_reason = responsibility, reason.strip()
    subject.save(update_fields=["responsibility", "override_reason"])
    log.append(action="case.responsibility_overridden", subject=case, actor=actor, at=now, person=subject.person_id,
               proposed=subject.proposed, previous=previous, responsibility=responsibility, reason=reason.strip())
    return subject


@transaction.atomic
def subject_set_measure(*, subject: CaseSubject, actor, measure: Measure | None,
                        now: datetime.datetime | None = None) -> CaseSubject:
    """Choose the measure for one subject from the catalogue. Logs case.measure_set."""
    case = _locked(subject.case)
    _require(actor, case)
    _require_editable(case)
    subject = CaseSubject.objects.get(pk=subject.pk, case=case)
    if measure is not None and not measure.active:
        raise ValidationError(_("“%(m)s”已停用，请选择其他问责措施。") % {"m": measure.name})
    subject.measure = measure
    subject.save(update_fields=["measure"])
    log.append(action="case.measure_set", subject=case, actor=actor, at=now, person=subject.person_id,
               measure=measure.code if measure else None)
    return subject


@discard_on_error()
@transaction.atomic
def case_add_files(*, case: Case, actor, uploads: list, now: datetime.datetime | None = None) -> list:
    """Attach evidence files to a case not yet archived. Logs case.files_added."""
    case = _locked(case)
    _require(actor, case)
    if case.status in (Status.ARCHIVED, Status.DISMISSED):
        raise ValidationError(_("案件当前为“%(s)s”，不能再补充证据。") % {"s": case.get_status_display()})
    if not uploads:
        raise ValidationError(_("请选择要上传的文件。"))
    files = files_store(uploads=list(uploads), actor=actor)
    case.files.add(*files)
    log.append(action="case.files_added", subject=case, actor=actor, at=now, files=[f.sha256 for f in files])
    return files


def transition_refusal(case: Case, to: str, *, note: str = "", filing_to: str = "") -> str | None:
    """Why `case` may not go to `to` now, in Chinese; None when it may. The one rule the service and
    the page both ask."""
    if to not in TRANSITIONS.get(case.status, ()):
        allowed = "、".join(str(Status(s).label) for s in TRANSITIONS.get(case.status, ())) or _("无")
        return _("案件当前为“%(s)s”，不能转为“%(t)s”（可转为：%(a)s）。") % {
            "s": case.get_status_display(), "t": Status(to).label if to in Status.values else to, "a": allowed}
    if to == Status.OPENED and not case.circumstances.exists():
        return _("立案须至少认定一项追责情形。")
    if to == Status.DISMISSED and not note.strip():
        return _("不予立案须写明理由。")
    if to == Status.DECIDED:
        refusal = authority_refusal(case.authority, case.organization)
        if refusal:
            return refusal
        subjects = ordered_subjects(case)
        if not subjects:
            return _("没有被问责对象，不能作出决定。")
        undetermined = [str(s) for s in subjects if not s.responsibility]
        if undetermined:
            return _("请先认定责任：%(n)s。") % {"n": "、".join(undetermined)}
        without = [str(s) for s in subjects if s.measure_id is None and s.responsibility != CaseSubject.Responsibility.NONE]
        if without:
            return _("作出决定须为每个被问责对象选定问责措施，尚缺：%(n)s。") % {"n": "、".join(without)}
    if to == Status.FILED and not filing_to.strip():
        return _("请填写备案机关（上级党委组织部门）。")
    return None


@transaction.atomic
def case_transition(*, case: Case, to: str, actor, note: str = "", filing_to: str = "",
                    now: datetime.datetime | None = None) -> Case:
    """Move a case one step along the workflow, or refuse with the reason (`transition_refusal`).

    决定: numbers the decision (问责决定书) through the deciding organization's document counter,
    renders and stores its PDF with its SHA-256, and sets the filing deadline (`filing_days()` days
    later), which the scheduler's reminder and overdue sweeps chase. 备案: records the filing and
    stops the chase. Logs case.transitioned (from, to, note, and the number or filing)."""
    now = now or timezone.now()
    case = _locked(case)
    _require(actor, case)
    refusal = transition_refusal(case, to, note=note, filing_to=filing_to)
    if refusal:
        raise ValidationError(refusal)
    previous, extra = case.status, {}
    case.status, case.status_note = to, note.strip()
    if to == Status.DECIDED:
        _decide(case, now)
        extra = {"number": case.decision_number, "sha256": case.decision_sha256, "due_date": case.due_date}
    elif to == Status.FILED:
        case.filed_at, case.filing_to, case.next_reminder_at = now, filing_to.strip(), None
        extra = {"filing_to": case.filing_to, "late": case.due_at is not None and now >= case.due_at}
    case.save()
    log.append(action="case.transitioned", subject=case, actor=actor, at=now, previous=previous, status=to,
               note=case.status_note, **extra)
    return case


def decision_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "decisions"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _decide(case: Case, now: datetime.datetime) -> None:
    from accountability.cases.document import decision_document
    from reporting.pdf import render_pdf
    from reporting.reports.services import number_allocate

    day = timezone.localdate(now)
    _seq, case.decision_number = number_allocate(organization=case.authority, year=day.year)
    case.decision_date = day
    if not case.filing_to:
        from reporting.reports.selectors import issuer_mark

        parent = Organization.objects.get_parent(case.authority)
        case.filing_to = _("%(org)s组织部") % {"org": issuer_mark(parent)} if parent else ""
    pdf = render_pdf(decision_document(case))
    case.decision_sha256 = hashlib.sha256(pdf).hexdigest()
    case.decision_pdf = f"{secrets.token_hex(16)}.pdf"
    (decision_dir() / case.decision_pdf).write_bytes(pdf)
    case.due_date = day + datetime.timedelta(days=filing_days())
    case.due_at = due_moment(case.due_date)
    case.next_reminder_at = next_reminder(case.due_date, now)


@transaction.atomic
def cases_mark_filing_overdue(*, now: datetime.datetime, limit: int) -> list[tuple[int, int]]:
    """Claim up to `limit` decided cases not filed by their filing deadline; mark them (filing_overdue_at)
    and log case.filing_overdue without actor. Returns (id, authority id): the deciding organization is
    the one that files, so its upper organization hears of it. The scheduler's overdue sweep calls it."""
    claimed = (
        Case.objects.filter(status__in=(Status.DECIDED, Status.EXECUTING), filing_overdue_at__isnull=True,
                            due_at__lte=now)
        .claim("authority_id", limit=limit, filing_overdue_at=now, next_reminder_at=None)
    )
    for case in Case.objects.filter(pk__in=[pk for pk, _a in claimed]).select_related("organization"):
        log.append(action="case.filing_overdue", subject=case, actor=None, at=now, due_date=case.due_date)
    return claimed
