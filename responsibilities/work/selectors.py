"""Reads of the work: obligations in scope, my open tasks, the notification inbox."""

from __future__ import annotations

# ---------------------------------------------------------------------------------
# Dashboards: the compliance matrix (合规矩阵) and the charts (统计图表)
# ---------------------------------------------------------------------------------
# Kept together and self-contained (own imports) so the section can move into its own
# module when this file grows past ~800 lines.
import datetime

from django.conf import settings
from django.db.models import (  # noqa: E402
    BooleanField,
    Case,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy

from responsibilities.models import (  # noqa: E402
    RESPONSIBLE_ROLES,
    MeetingRecord,
    Obligation,
    RoleAssignment,
)
from responsibilities.org.selectors import holds_staff_grant, staffed_organization_ids
from responsibilities.permissions import Capability, visible

# -- obligations ----------------------------------------------------------------------

_STATUS_ORDER = {"overdue": 0, "open": 1, "done_late": 2, "done": 3, "waived": 4}


def obligations_visible(user, capability: str = Capability.VIEW):

    return visible(
        user, capability,
        Obligation.objects.select_related("organization", "work_system"),
        via="organization",
    )


def my_open_obligations(user):
    """Open obligations where the user is responsible: a role holder for it, or staff of the organization
    (`responsibilities.org.selectors.staff_of`: the same people the scheduler reminds).

    Overdue first, then by deadline.
    """
    from django.db.models import Case, IntegerField, Value, When

    today = timezone.localdate()
    condition = Q(pk__in=[])
    person = getattr(user, "person", None)
    if person is not None:
        for responsible, roles in RESPONSIBLE_ROLES.items():
            orgs = RoleAssignment.objects.filter(person=person, role__in=roles).active_on(today)
            condition |= Q(responsible=responsible, organization__in=orgs.values("organization_id"))
    condition |= Q(organization_id__in=staffed_organization_ids(user))
    return (
        obligations_visible(user)
        .open()
        .filter(condition, period_start__lte=today)  # next period's tasks appear when it begins
        .annotate(
            overdue_first=Case(
                When(status=Obligation.Status.OVERDUE, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("overdue_first", "due_date", "organization__path", "work_system__sort_order")
    )


def unread_count(user) -> int:
    return user.notifications.filter(read_at__isnull=True).count()


def inbox(user):
    return user.notifications.select_related("obligation").order_by("-created_at", "-pk")


# -- how a meeting record was entered: 补录 and 代填 (issue #9 §3) ----------------------------------
# The one definition of both marks: the obligation page and list here, the inspector's 线索 and the
# assessments' deductions (accountability.flags) all ask these functions.

DEFAULT_LATE_ENTRY_DAYS = 15

ENTRY_MARKS = {"late": gettext_lazy("补录"), "proxy": gettext_lazy("代填")}


def late_entry_days() -> int:
    """N of 补录: settings.ZEREN_LATE_ENTRY_DAYS (environment variable of the same name), default 15."""
    return int(getattr(settings, "ZEREN_LATE_ENTRY_DAYS", DEFAULT_LATE_ENTRY_DAYS))


def _late_condition() -> Q:
    return Q(entry_lag__gt=datetime.timedelta(days=late_entry_days()))


def _with_lag(qs: QuerySet[MeetingRecord]) -> QuerySet[MeetingRecord]:
    lag = ExpressionWrapper(F("entered_on") - F("held_on"), output_field=DurationField())
    # 登记日期 in the current time zone, Asia/Shanghai.
    return qs.annotate(entered_on=TruncDate("created_at")).alias(entry_lag=lag)


def _proxy_condition() -> Q:
    staff = holds_staff_grant(organization=OuterRef("obligation__organization"), user=OuterRef("created_by"))
    return Q(created_by__isnull=False) & ~staff


def meetings_entered_late(qs: QuerySet[MeetingRecord]) -> QuerySet[MeetingRecord]:
    """补录: records of `qs` entered (登记日期, Beijing time) more than late_entry_days() calendar days
    after the meeting (会议日期): held 2026-03-01, entered 03-16 is not, entered 03-17 is (N = 15).
    A correction keeps the first 登记时间. Each row carries `entered_on` (a date)."""
    return _with_lag(qs).filter(_late_condition())


def meetings_entered_by_proxy(qs: QuerySet[MeetingRecord]) -> QuerySet[MeetingRecord]:
    """代填: records of `qs` entered by a user who holds no staff grant (`manage`) on the record's own
    organization itself (responsibilities.org.selectors.holds_staff_grant): the upper level filling in
    for a town, or a system administrator. A record whose author's account is gone is not marked."""
    return qs.filter(_proxy_condition())


def meetings_with_entry_marks(qs: QuerySet[MeetingRecord]) -> QuerySet[MeetingRecord]:
    """`qs` with booleans `is_late_entry` (补录) and `is_proxy_entry` (代填), as defined above."""
    return _with_lag(qs).annotate(
        is_late_entry=Case(When(_late_condition(), then=Value(True)), default=Value(False),
                           output_field=BooleanField()),
        is_proxy_entry=Case(When(_proxy_condition(), then=Value(True)), default=Value(False),
                            output_field=BooleanField()),
    )


def _marked_meetings(mark: str) -> Exists:
    meetings = MeetingRecord.objects.filter(obligation=OuterRef("pk"), withdrawn_at__isnull=True)
    if mark == "late":
        return Exists(meetings_entered_late(meetings))
    if mark == "proxy":
        return Exists(meetings_entered_by_proxy(meetings))
    raise ValueError(f"unknown entry mark: {mark!r}")


def obligations_with_entry_mark(qs: QuerySet[Obligation], mark: str) -> QuerySet[Obligation]:
    """Obligations of `qs` with at least one meeting record in force (not withdrawn) marked `mark`
    ("late": 补录, "proxy": 代填). Raises ValueError for another mark."""
    return qs.filter(_marked_meetings(mark))


def obligations_with_entry_marks(qs: QuerySet[Obligation]) -> QuerySet[Obligation]:
    """`qs` with booleans `has_late_entry` (补录) and `has_proxy_entry` (代填): whether a meeting
    record in force is so marked, for the lists that show the marks."""
    return qs.annotate(has_late_entry=_marked_meetings("late"), has_proxy_entry=_marked_meetings("proxy"))
