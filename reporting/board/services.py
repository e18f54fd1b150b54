"""Writes of the submission board: reminding the laggards and drafting the region summary (汇总报告)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.board import selectors
from reporting.document import Level, in_document_language
from reporting.models import (
    Report,
    ReportKind,
)
from reporting.reports import selectors as reports_selectors
from reporting.reports.services import report_create, report_version_save
from responsibilities.models import (
    Notification,
    Organization,
    RoleAssignment,
)
from responsibilities.org.selectors import role_holder_users, staff_of
from responsibilities.periods import Period
from responsibilities.text import chinese_date
from responsibilities.work import services as work

# -- the submission board: reminding the laggards ----------------------------------------------


def _remind_recipients(organizations: list[Organization], day: datetime.date) -> dict[int, set[int]]:
    """Per organization id: its staff (`staff_of`) and its secretary's active linked user on `day`."""
    ids = [org.pk for org in organizations]
    staff = staff_of(ids)
    secretaries = role_holder_users(ids, day)
    return {
        org_id: staff.get(org_id, set()) | secretaries.get((org_id, RoleAssignment.Role.SECRETARY), set())
        for org_id in ids
    }


@in_document_language
@transaction.atomic
def board_remind(
    *, upper: Organization, period: Period, kind: str, actor, now: datetime.datetime | None = None
) -> tuple[int, int]:
    """Remind every laggard below `upper` (未起草, 草稿, 已签发 but not sent, 已退回) to report.

    An in-app message to the laggard's staff and secretary; the e-mail copy leaves through the
    outbox (responsibilities.scheduling.services.send_pending_emails). At most once per laggard and
    recipient per day, so a double click or a second colleague clicking sends nothing more.
    Each message names `actor` (the user who clicked 提醒) as its `sender`.
    Returns (organizations reminded, messages created).
    """
    now = now or timezone.now()
    # Two reminders for the same board at once queue here instead of both finding "not yet today".
    Organization.objects.select_for_update().filter(pk=upper.pk).first()
    laggards = selectors.board(upper, period, kind).laggards
    recipients = _remind_recipients([entry.organization for entry in laggards], timezone.localdate(now))
    kind_label = ReportKind(kind).label
    planned: list[tuple[str, str, str, list[int]]] = []  # (title, body, url, recipient ids)
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
            "due": chinese_date(due) or _("以上级通知为准")}
        planned.append((title, body, url, sorted(recipients[org.pk])))
    start_of_day = timezone.make_aware(datetime.datetime.combine(timezone.localdate(now), datetime.time()))
    already = set(
        Notification.objects.filter(
            kind=Notification.Kind.MESSAGE, created_at__gte=start_of_day,
            recipient_id__in={uid for *_rest, uids in planned for uid in uids},
            title__in={title for title, *_rest in planned},
        ).values_list("recipient_id", "title")
    )
    fresh = [
        work.Message(recipient_ids=tuple(uid for uid in uids if (uid, title) not in already), title=title,
                     body=body, url=url)
        for title, body, url, uids in planned
    ]
    fresh = [message for message in fresh if message.recipient_ids]
    return len(fresh), work.messages_send(messages=fresh, sender=actor, at=now)


# -- the region summary (汇总报告) -----------------------------------------------------------------


def summary_blocks(sections: dict[str, list[str]]) -> list[dict]:
    """The summary's body: who reported how, the region's figures, who has not reported — each a live
    statistics section (reporting.reports.selectors.summary_figures), computed again when it is shown
    and frozen when it is signed — and the parts the department writes."""
    p = Level.PARAGRAPH

    def live(key: str) -> list[dict]:
        return [{"level": p, "text": line, "facts": reports_selectors.facts_flag(key)} for line in sections[key]]

    return [
        *live("intro"),
        {"level": Level.H1, "text": _("下级党组织报告情况")},
        *live("reports"),
        {"level": Level.H1, "text": _("全域主要数据")},
        *live(reports_selectors.FACTS_STATS),
        {"level": Level.H1, "text": _("未报送单位")},
        *live("laggards"),
        {"level": Level.H1, "text": _("存在的问题")},
        {"level": p, "text": _("（请结合各单位报告，列明本地区存在的主要问题。）")},
        {"level": Level.H1, "text": _("下一步工作打算")},
        {"level": p, "text": _("（请列明下一步的工作措施，以及对未按时报送单位的督促安排。）")},
    ]


@in_document_language
@transaction.atomic
def summary_report_create(*, organization: Organization, period: Period, actor) -> Report:
    """The propaganda department's 汇总报告 draft for the region below `organization` (DOMAIN.md §4
    汇总汇报): issued by the department in its own name, addressed to the same-level committee and
    copied to the upper propaganda department (reporting.reports.selectors.issuing_department,
    summary_addressee).

    Its figures are recomputed from the data of the whole subtree for `period`, never added up from
    the statistics the subordinates' reports state; they and the list of units not yet reported are
    live until the summary is signed. The draft is then edited, signed and submitted like any other report.
    """
    if not selectors.board(organization, period, ReportKind.HALF_YEAR).entries:
        raise ValidationError(_("%(org)s 没有下级组织，无需汇总。") % {"org": organization.name})
    report = report_create(organization=organization, kind=ReportKind.SUMMARY, period=period, actor=actor)
    first = reports_selectors.latest_version(report)
    facts, sections = reports_selectors.live_figures(report)
    report_version_save(
        report=report, actor=actor, title=first.title, addressee=first.addressee, copy_to=first.copy_to,
        blocks=summary_blocks(sections), attachments=[], note=_("根据下级报告生成汇总"), facts=facts,
    )
    return report
