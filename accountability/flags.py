"""The flags an inspector looks for (线索), each defined once here (issue #8 §5).

Four kinds, each answered two ways from the same definition:
- per organization and year — `late_meeting_records`, `proxy_meeting_records`, `placeholder_versions`,
  `last_minute_obligations` (organization, year): the organization's own records only, not its
  subtree; what an assessment (检查考核) proposes deductions from;
- scoped, for the inspector's lists — `flagged(user, kind, organization=None, year=None)`: the
  records in the user's `inspect` scope (responsibilities.permissions.visible), optionally within an
  organization's subtree and one year; `flag_counts` counts each kind the same way.

The kinds:
- 补录 (LATE_ENTRY): a meeting record entered (登记日期, Beijing time) more than
  settings.ZEREN_LATE_ENTRY_DAYS calendar days (default 15) after the meeting (会议日期);
- 代填 (PROXY_ENTRY): a meeting record entered by a user who is not staff of the record's own
  organization, i.e. holds no `manage` grant on that organization itself, directly or through a
  group (responsibilities.org.selectors.holds_staff_grant, the grants of `staff_of`). A grant on an
  ancestor does not count: the city's staff entering a town's meeting is 代填; so is a system
  administrator. A record whose author's account was deleted (created_by empty) is not flagged:
  nothing is known about who entered it. Both rules have one owner,
  responsibilities.work.selectors (`meetings_entered_late`, `meetings_entered_by_proxy`), which the
  obligation pages use too; withdrawn records (撤回) are not flagged;
- 模板提示语 (PLACEHOLDER): a signed report version whose body still holds a template prompt
  (reporting.reports.selectors.template_prompts);
- 临期/逾期完成 (LAST_MINUTE): an obligation completed (done or done late) on its deadline day or
  later (the completion date in Beijing time ≥ due_date). Obligations without a deadline never are.

Years: a meeting record belongs to the year it was held; an obligation to the year its period
starts; a signed version to its report's period year (2026H1 → 2026), or, for a report without a
period (专题报告), to the year it was signed (Beijing time).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from reporting.models import ReportVersion
from reporting.reports.selectors import template_prompts
from responsibilities.models import MeetingRecord, Obligation, Organization
from responsibilities.permissions import Capability, visible
from responsibilities.work.selectors import meetings_entered_by_proxy, meetings_entered_late


class FlagKind(models.TextChoices):
    LATE_ENTRY = "late_entry", _("补录")
    PROXY_ENTRY = "proxy_entry", _("代填")
    PLACEHOLDER = "placeholder", _("签发含模板提示语")
    LAST_MINUTE = "last_minute", _("临期或逾期完成")


# -- the definitions, on any queryset of their model -----------------------------------------------


def _meetings() -> QuerySet[MeetingRecord]:
    # A withdrawn record is no longer evidence: it is neither flagged nor deducted from.
    return MeetingRecord.objects.filter(withdrawn_at__isnull=True).select_related(
        "obligation__organization", "obligation__work_system", "created_by"
    )


# 补录 and 代填 are defined once, in responsibilities (the obligation pages mark the same records).
_late_entries = meetings_entered_late
_proxy_entries = meetings_entered_by_proxy


def _signed_versions() -> QuerySet[ReportVersion]:
    return ReportVersion.objects.filter(signed_at__isnull=False).select_related("report__organization")


def _with_placeholders(qs: QuerySet[ReportVersion]) -> QuerySet[ReportVersion]:
    """The prompts cannot be found portably in SQL (SQLite stores the JSON with \\u escapes): the
    candidates are read in chunks and checked with the one predicate. Callers narrow `qs` first (an
    organization or a scope, a year): signed versions are a few per organization and year."""
    flagged = [pk for pk, blocks in qs.values_list("pk", "blocks").iterator(chunk_size=500) if template_prompts(blocks)]
    return qs.filter(pk__in=flagged)


def _obligations() -> QuerySet[Obligation]:
    return Obligation.objects.select_related("organization", "work_system")


def _last_minute(qs: QuerySet[Obligation]) -> QuerySet[Obligation]:
    return (
        qs.filter(status__in=(Obligation.Status.DONE, Obligation.Status.DONE_LATE),
                  completed_at__isnull=False, due_date__isnull=False)
        .annotate(completed_on=TruncDate("completed_at"))
        .filter(completed_on__gte=F("due_date"))
    )


def versions_in_year(qs: QuerySet[ReportVersion], year: int) -> QuerySet[ReportVersion]:
    """Signed versions belonging to `year`: their report's period year, or for a report without a
    period the signing year (Beijing time)."""
    return qs.filter(Q(report__period__startswith=f"{year:04d}") | Q(report__period="", signed_at__year=year))


# -- per organization and year: what assessments ask ----------------------------------------------


def late_meeting_records(organization: Organization, year: int) -> QuerySet[MeetingRecord]:
    """补录: `organization`'s own meeting records held in `year` and entered more than
    settings.ZEREN_LATE_ENTRY_DAYS days after the meeting, by meeting date. Each carries `entered_on` (a date)."""
    qs = _meetings().filter(obligation__organization=organization, held_on__year=year)
    return _late_entries(qs).order_by("held_on", "pk")


def proxy_meeting_records(organization: Organization, year: int) -> QuerySet[MeetingRecord]:
    """代填: `organization`'s own meeting records held in `year`, entered by someone not its staff."""
    qs = _meetings().filter(obligation__organization=organization, held_on__year=year)
    return _proxy_entries(qs).order_by("held_on", "pk")


def placeholder_versions(organization: Organization, year: int) -> QuerySet[ReportVersion]:
    """模板提示语: `organization`'s signed report versions of `year` whose body still holds a template
    prompt (list them with `template_prompts(version.blocks)`), by signing time."""
    qs = versions_in_year(_signed_versions().filter(report__organization=organization), year)
    return _with_placeholders(qs).order_by("signed_at", "pk")


def last_minute_obligations(organization: Organization, year: int) -> QuerySet[Obligation]:
    """临期或逾期完成: `organization`'s own obligations of periods starting in `year`, completed on the
    deadline day or after it, by deadline. Each carries `completed_on` (a date, Beijing time)."""
    qs = _obligations().filter(organization=organization, period_start__year=year)
    return _last_minute(qs).order_by("due_date", "pk")


# -- scoped: the inspector's lists -----------------------------------------------------------------


def _within(qs: QuerySet, via: str, organization: Organization | None) -> QuerySet:
    if organization is None:
        return qs
    return qs.filter(**{f"{via}__path__startswith": organization.path})


def flagged(user, kind: str, *, organization: Organization | None = None, year: int | None = None) -> QuerySet:
    """The records of one flag kind within `user`'s `inspect` scope, optionally within
    `organization`'s subtree (the caller resolves ?org= with permissions.organization_from) and one
    `year`. Returns MeetingRecords (LATE_ENTRY, PROXY_ENTRY), ReportVersions (PLACEHOLDER) or
    Obligations (LAST_MINUTE), newest first. Raises ValueError for an unknown kind."""
    if kind in (FlagKind.LATE_ENTRY, FlagKind.PROXY_ENTRY):
        via = "obligation__organization"
        qs = _within(visible(user, Capability.INSPECT, _meetings(), via=via), via, organization)
        if year is not None:
            qs = qs.filter(held_on__year=year)
        qs = _late_entries(qs) if kind == FlagKind.LATE_ENTRY else _proxy_entries(qs)
        return qs.order_by("-held_on", "-pk")
    if kind == FlagKind.PLACEHOLDER:
        via = "report__organization"
        qs = _within(visible(user, Capability.INSPECT, _signed_versions(), via=via), via, organization)
        if year is not None:
            qs = versions_in_year(qs, year)
        return _with_placeholders(qs).order_by("-signed_at", "-pk")
    if kind == FlagKind.LAST_MINUTE:
        qs = _within(visible(user, Capability.INSPECT, _obligations(), via="organization"), "organization", organization)
        if year is not None:
            qs = qs.filter(period_start__year=year)
        return _last_minute(qs).order_by("-due_date", "-pk")
    raise ValueError(f"unknown flag kind: {kind!r}")


def flag_counts(user, *, organization: Organization | None = None, year: int | None = None) -> dict[str, int]:
    """{kind value: number of flagged records} for every FlagKind, scoped like `flagged`."""
    return {kind.value: flagged(user, kind, organization=organization, year=year).count() for kind in FlagKind}
