"""The sign-off capacity: who may sign for an organization on a day, and delegations of it.

The rules (DOMAIN.md §1: the 第一责任人 signs off reports before they go upward; when he cannot,
a written delegation lets another member of the leadership team sign in his place):
- only the 第一责任人 of the organization on the day (or an administrator) records or revokes a
  delegation, to a current member of the same leadership team (领导班子: RoleAssignment.TEAM_ROLES,
  not the leading group or liaisons), never to himself, to one person at a time;
- a delegate signs only inside the window, while the delegation is not revoked, and while he
  still holds a role in the organization's leadership team on the signing day.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.delegations import selectors
from reporting.models import Delegation
from responsibilities import log
from responsibilities.models import Organization, Person, RoleAssignment
from responsibilities.org.selectors import in_team_on
from responsibilities.permissions import Capability, can
from responsibilities.text import chinese_date, date_range

# -- sign-off (签发) -----------------------------------------------------------------------------


def signing_capacity(*, organization: Organization, actor, day: datetime.date) -> tuple[Person, Delegation | None]:
    """May `actor` sign for `organization` on `day`, and in what capacity? The one rule for the sign-off.

    Returns (the person signing, None) for the 第一责任人 of that day, or (the person signing,
    the delegation he signs under) for a delegate. Raises ValidationError with the reason
    otherwise: no `sign_report` here, an account not linked to a person, neither the
    第一责任人 nor a delegate in force that day (window, not revoked), or a delegate who no
    longer holds a role in the organization's leadership team on `day`.
    Used by `reporting.reports.services.report_sign` and by the sign page before the click.
    """
    if not can(actor, Capability.SIGN_REPORT, organization):
        raise ValidationError(_("您没有签发本组织报告的权限。"))
    person = Person.objects.filter(user=actor).first()
    if person is None:
        raise ValidationError(_("您的账号未关联任职人员，不能签发。"))
    holder = selectors.signer_for(organization, day)
    if holder is not None and holder.pk == person.pk:
        return person, None
    delegation = (
        Delegation.objects.in_force_on(day).filter(organization=organization, delegate=person)
        .order_by("-start_date", "-pk").first()
    )
    if delegation is None:
        raise ValidationError(
            _("只有%(date)s担任%(org)s第一责任人的同志（或在委托期内的受托人）可以签发。")
            % {"date": chinese_date(day), "org": organization.name}
        )
    if not in_team_on(person, organization, day, roles=RoleAssignment.TEAM_ROLES):
        raise ValidationError(
            _("受托人须在签发当日（%(date)s）仍为%(org)s领导班子成员，您的任职已结束，委托不再有效。")
            % {"date": chinese_date(day), "org": organization.name}
        )
    return person, delegation


# -- delegations ---------------------------------------------------------------------------------


def may_delegate(user, organization: Organization, day: datetime.date) -> bool:
    """May `user` record or revoke delegations of `organization`'s sign-off on `day`?

    The 第一责任人 of that day, through his own linked account holding `sign_report` here, or an
    administrator of the organization (`administer`, or a superuser).
    """
    if can(user, Capability.ADMINISTER, organization):
        return True
    if not can(user, Capability.SIGN_REPORT, organization):
        return False
    holder = selectors.signer_for(organization, day)
    return holder is not None and holder.user_id == user.pk


def _refuse_unless_may_delegate(actor, organization: Organization, day: datetime.date, message: str) -> None:
    """`message` takes %(date)s and %(org)s."""
    if not may_delegate(actor, organization, day):
        raise ValidationError(message % {"date": chinese_date(day), "org": organization.name})


@transaction.atomic
def delegation_create(
    *, organization: Organization, delegate: Person, start_date: datetime.date, end_date: datetime.date,
    reason: str, actor, now: datetime.datetime | None = None,
) -> Delegation:
    """Record a written delegation of the sign-off, [start_date, end_date] inclusive; returns it.

    Raises ValidationError unless: `actor` may delegate here today (`may_delegate`); the delegate
    is not the actor himself nor the 第一责任人; the delegate is a member of the organization's
    leadership team today (and on `start_date`, for a window starting later); the end is not before
    the start nor before today; a reason is given. The row records who made it and when.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    _refuse_unless_may_delegate(
        actor, organization, today, _("只有%(date)s担任%(org)s第一责任人的同志（或系统管理员）可以委托签发。")
    )
    if delegate.user_id is not None and delegate.user_id == actor.pk:
        raise ValidationError(_("不能委托本人。"))
    holder = selectors.signer_for(organization, today)
    if holder is not None and holder.pk == delegate.pk:
        raise ValidationError(_("第一责任人本人无需委托签发。"))
    if end_date < start_date:
        raise ValidationError(_("结束日期不能早于起始日期。"))
    if end_date < today:
        raise ValidationError(_("委托期已经结束，无需登记。"))
    if not reason.strip():
        raise ValidationError(_("请填写委托事由。"))
    for day in sorted({today, max(today, start_date)}):
        if not in_team_on(delegate, organization, day, roles=RoleAssignment.TEAM_ROLES):
            raise ValidationError(
                _("受托人须为%(date)s在任的%(org)s领导班子成员。") % {"date": chinese_date(day), "org": organization.name}
            )
    clash = (
        Delegation.objects.filter(organization=organization, revoked_at__isnull=True,
                                  start_date__lte=end_date, end_date__gte=start_date)
        .select_related("delegate").first()
    )
    if clash is not None:
        raise ValidationError(
            _("%(range)s 已委托%(name)s代为签发，同一时间只能委托一人；如需改托他人，请先撤销该委托。")
            % {"range": date_range(clash.start_date, clash.end_date), "name": clash.delegate.name}
        )
    delegation = Delegation.objects.create(
        organization=organization, delegate=delegate, start_date=start_date, end_date=end_date,
        reason=reason.strip(), created_by=actor,
    )
    log.append(
        action="delegation.created", subject=delegation, actor=actor, at=now,
        delegate={"id": delegate.pk, "name": delegate.name}, start_date=start_date, end_date=end_date,
        reason=delegation.reason,
    )
    return delegation


@transaction.atomic
def delegation_revoke(*, delegation: Delegation, actor, now: datetime.datetime | None = None) -> Delegation:
    """Revoke a delegation from `now` on: nobody signs under it any more. Records who and when.

    Raises ValidationError unless `actor` may delegate for its organization today (`may_delegate`)
    and the delegation is neither revoked already nor over.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    delegation = Delegation.objects.select_for_update().select_related("organization").get(pk=delegation.pk)
    _refuse_unless_may_delegate(
        actor, delegation.organization, today, _("只有%(date)s担任%(org)s第一责任人的同志（或系统管理员）可以撤销签发委托。")
    )
    if delegation.is_revoked:
        raise ValidationError(
            _("该委托已于%(at)s撤销。") % {"at": f"{timezone.localtime(delegation.revoked_at):%Y-%m-%d %H:%M}"}
        )
    if delegation.end_date < today:
        raise ValidationError(_("该委托已于%(date)s期满，无需撤销。") % {"date": chinese_date(delegation.end_date)})
    delegation.revoked_at, delegation.revoked_by = now, actor
    delegation.save(update_fields=["revoked_at", "revoked_by"])
    log.append(
        action="delegation.revoked", subject=delegation, actor=actor, at=now,
        delegate={"id": delegation.delegate_id, "name": delegation.delegate.name},
        start_date=delegation.start_date, end_date=delegation.end_date,
    )
    return delegation
