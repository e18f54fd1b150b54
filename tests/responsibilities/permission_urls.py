"""How the permission matrix names each object's URL or visible text, per route: builders of
`(world, obj) -> str` used by the CASES of test_permission_matrix.py."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from responsibilities.log import LogEntry
from responsibilities.models import Organization
from tests.responsibilities.permission_world import World


def _org_url(route: str) -> Callable[[World, str], str]:
    return lambda w, obj: reverse(route, args=[w.orgs[obj].pk])


def _org_name(w: World, obj: str) -> str:
    return w.orgs[obj].name


def _child_name(w: World, obj: str) -> str:
    parent = Organization.objects.get(pk=w.orgs[obj].pk)  # fresh: numchild grew after creation
    # The last child: for the city that is 县 B, which no county A persona's header mentions.
    return Organization.objects.get_children(parent).last().name


def _person_name(w: World, obj: str) -> str:
    return w.people[obj].name


def _obligation_url(route: str) -> Callable[[World, str], str]:
    return lambda w, obj: reverse(route, args=[w.obligations[obj].pk])


def _evidence_token(w: World, obj: str) -> str:
    return f"evidence-of-{obj}"


def _meeting_url(route: str) -> Callable[[World, str], str]:
    return lambda w, obj: reverse(route, args=[w.meetings[obj].pk])


def _duty_url(route: str) -> Callable[[World, str], str]:
    return lambda w, obj: reverse(route, args=[w.duties[obj].pk])


def _org_query(route: str) -> Callable[[World, str], str]:
    return lambda w, obj: f"{reverse(route)}?org={w.orgs[obj].pk}"


def _job_url(route: str, job: str = "") -> Callable[[World], str]:
    """The page of one of the world's jobs: county A's staff's ledger export, a draft PDF preview job's
    (routes named preview_*), or the one named by `job` (e.g. "import_job")."""
    name = job or ("preview_job" if ":preview_" in route else "export_job")
    return lambda w: reverse(route, args=[getattr(w, name).pk])


def _bundle_url(route: str) -> Callable[[World], str]:
    return lambda w: reverse(route, args=[w.bundle_job.pk])


def _report_url(route: str) -> Callable[[World, str], str]:
    return lambda w, obj: reverse(route, args=[w.reports[obj].pk])


def _submission_url(route: str) -> Callable[[World, str], str]:
    return lambda w, obj: reverse(route, args=[w.submissions[obj].pk])


def _signed_pdf_url(w: World, obj: str) -> str:
    return reverse("reporting:version_pdf", args=[w.submissions[obj].report_id, 1])


def _report_token(w: World, obj: str) -> str:
    return f"report-of-{obj}"


def _log_entry_url(w: World, obj: str) -> str:
    entry = LogEntry.objects.get(action="organization.created", object_id=str(w.orgs[obj].pk))
    return reverse("accountability:log_entry", args=[entry.seq])
