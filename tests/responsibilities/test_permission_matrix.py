"""Every URL pattern × every persona × own / child / sibling / parent organization → expected status.

The route list comes from the URL resolver itself, so a new view without an entry in
CASES fails `test_every_named_route_has_a_case` with the name to add. The rows of the
matrix read: 200 shown, 400 a POST-only action the persona may take answering an empty
form with its errors, 302 sent to log in (or redirected after a POST), 403 visible but
not allowed, 404 outside the persona's scope (nothing about the object is revealed).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from reporting.models import Delegation, Report, ReportVersion, Submission
from responsibilities.models import (
    DutyItem,
    Notification,
    Obligation,
    Organization,
    Person,
    RoleAssignment,
)
from responsibilities.org import services as org_services
from responsibilities.work import services as work_services
from tests.accountability.assessments.matrix_cases import add_assessment_cases
from tests.accountability.permission_cases import accountability_cases
from tests.responsibilities.permission_urls import (
    _bundle_url,
    _child_name,
    _duty_url,
    _evidence_token,
    _job_url,
    _log_entry_url,
    _meeting_url,
    _obligation_url,
    _org_name,
    _org_query,
    _org_url,
    _person_name,
    _report_token,
    _report_url,
    _signed_pdf_url,
    _submission_url,
)
from tests.responsibilities.permission_world import (
    OBJECTS,
    PERSONAS,
    Failures,
    World,
    cells,
    client_for,
    rolled_back,
    text_of,
    world_user,
)

D = datetime.date

# Namespaces whose routes are not ours to enumerate (Django's admin checks is_staff itself).
SKIPPED_NAMESPACES = {"admin"}


# Every test here runs in its own savepoint (pytest-django's transaction per test); the marker
# also makes pytest-django create the test database before the module's world is built in it.
pytestmark = pytest.mark.django_db


# --- expected statuses --------------------------------------------------------------------------

# (own, child, sibling, parent) per persona.
VIEW_PAGE = {
    "anonymous": (302, 302, 302, 302),
    "admin": (200, 200, 200, 200),
    "city_staff": (200, 200, 200, 200),
    "county_a_staff": (200, 200, 404, 404),
    "county_a_secretary": (200, 200, 404, 404),
    "city_inspector": (200, 200, 200, 200),
    "sibling_user": (404, 404, 200, 404),
}
MANAGE_PAGE = {
    "anonymous": (302, 302, 302, 302),
    "admin": (200, 200, 200, 200),
    "city_staff": (200, 200, 200, 200),
    "county_a_staff": (200, 200, 404, 404),
    "county_a_secretary": (403, 403, 404, 404),
    "city_inspector": (403, 403, 403, 403),
    "sibling_user": (404, 404, 200, 404),
}
# Drafting and submitting reports: draft_report on the organization (B's staff manage, but do not draft).
DRAFT_PAGE = {**MANAGE_PAGE, "sibling_user": (404, 404, 403, 404)}
# Sign-off pages: sign_report decides; the service then decides who really signs (see the tests below).
SIGN_PAGE = {
    "anonymous": (302, 302, 302, 302),
    "admin": (200, 200, 200, 200),
    "city_staff": (403, 403, 403, 403),
    "county_a_staff": (403, 403, 404, 404),
    "county_a_secretary": (200, 200, 404, 404),
    "city_inspector": (403, 403, 403, 403),
    "sibling_user": (404, 404, 403, 404),
}
# Submitting a signed report: its drafters, and its signer, whose next step after signing it is.
SUBMIT_PAGE = {**DRAFT_PAGE, "county_a_secretary": (200, 200, 404, 404)}
# Delegating the sign-off, or revoking a delegation: the 第一责任人 of the organization (county A's
# secretary in county A only, not in its town) or an administrator.
DELEGATE_PAGE = {**SIGN_PAGE, "county_a_secretary": (200, 403, 404, 404)}
# 签收 / 退回: manage on the receiving organization. The objects are the submissions *from* own (A → city),
# child (A's town → A), sibling (B → city) and parent (city → province); senders see theirs read-only.
RECEIVE_PAGE = {
    "anonymous": (302, 302, 302, 302),
    "admin": (200, 200, 200, 200),
    "city_staff": (200, 200, 200, 403),
    "county_a_staff": (403, 200, 404, 404),
    "county_a_secretary": (403, 403, 404, 404),
    "city_inspector": (403, 403, 403, 403),
    "sibling_user": (404, 404, 403, 404),
}
# 签收 / 退回 (and undoing a receipt): the receiving organization's own staff (permissions.is_staff), not
# an ancestor's (the city does not receive what A's town sends to A) and not the administrator. The objects
# are the submissions *from* own (A → city), child (A's town → A), sibling (B → city) and parent
# (city → province); senders see theirs read-only.
STAFF_RECEIVE_PAGE = {**RECEIVE_PAGE, "admin": (403, 403, 403, 403), "city_staff": (200, 403, 200, 403)}
ADMINISTER_PAGE = {
    "anonymous": (302, 302, 302, 302),
    "admin": (200, 200, 200, 200),
    "city_staff": (403, 403, 403, 403),
    "county_a_staff": (403, 403, 404, 404),
    "county_a_secretary": (403, 403, 404, 404),
    "city_inspector": (403, 403, 403, 403),
    "sibling_user": (404, 404, 403, 404),
}

# The accountability log: inspect (纪检巡察) or administer on the organization.
INSPECT_PAGE = {**ADMINISTER_PAGE, "city_inspector": (200, 200, 200, 200)}


def _allowed_as(table: dict[str, tuple[int, ...]], status: int) -> dict[str, tuple[int, ...]]:
    """The same table with every 200 replaced: POST-only views answer an empty form with `status`."""
    return {persona: tuple(status if s == 200 else s for s in row) for persona, row in table.items()}


# POST-only obligation actions with an empty form: refused as above, or 400 (the form's errors).
MANAGE_POST = _allowed_as(MANAGE_PAGE, 400)
# Waiving is decided one level up (the upper organization's staff), so an organization's own
# staff are refused on their own tasks (the city's are the province's to waive).
WAIVE_POST = {
    **MANAGE_POST,
    "city_staff": (400, 400, 400, 403),
    "county_a_staff": (403, 400, 404, 404),
    "sibling_user": (404, 404, 403, 404),
}


def _everyone(status: int, *, anonymous: int | None = None, admin: int | None = None) -> dict[str, int]:
    table = dict.fromkeys(PERSONAS, status)
    if anonymous is not None:
        table["anonymous"] = anonymous
    if admin is not None:
        table["admin"] = admin
    return table


LOGGED_IN_PAGE = _everyone(200, anonymous=302)
ADMINISTRATION_PAGE = _everyone(403, anonymous=302, admin=200)


@dataclass(frozen=True)
class ObjectCase:
    """A page about one object: URL built from (world, object key); expected status per persona × object."""

    url: Callable[[World, str], str]
    expect: dict[str, tuple[int, int, int, int]]
    # Text that a 200 must show and a 404 must not (proves the right object, and no leak).
    marker: Callable[[World, str], str]
    method: str = "get"


@dataclass(frozen=True)
class PageCase:
    """A page without an object: expected status per persona."""

    expect: dict[str, int]
    method: str = "get"
    data: dict = field(default_factory=dict)
    url: Callable[[World], str] | None = None  # for pages of one user's own object (reverse(route) otherwise)


# The inspector's workplace: `inspect` somewhere (403 without); a bundle is its owner's alone (the city's inspector).
WORKPLACE_PAGE = {**_everyone(403, anonymous=302, admin=200), "city_inspector": 200}
WORKPLACE_ORG_PAGE = {persona: (status,) * 4 for persona, status in WORKPLACE_PAGE.items()}
BUNDLE_OWNER_ONLY = {**WORKPLACE_PAGE, "admin": 404}

# An export or a background import is its owner's alone (county A's staff here): even an administrator gets 404.
OWNER_ONLY = {**_everyone(404, anonymous=302), "county_a_staff": 200}


CASES: dict[str, ObjectCase | PageCase] = {
    "home": PageCase({**LOGGED_IN_PAGE, "city_inspector": 302}),  # inspect-only: sent to the workplace
    "healthz": PageCase(_everyone(200)), "readyz": PageCase(_everyone(503)),  # 503: no beat heartbeat in tests
    "login": PageCase(_everyone(302, anonymous=200)),
    "logout": PageCase(_everyone(302), method="post"), "totp_setup": PageCase(_everyone(302)), "totp_verify": PageCase(_everyone(302)),  # TOTP off (default): sent on
    "set_language": PageCase(_everyone(302), method="post", data={"language": "en", "next": "/"}),
    "responsibilities:organization_tree": PageCase(LOGGED_IN_PAGE),
    "responsibilities:organization_detail": ObjectCase(
        _org_url("responsibilities:organization_detail"), VIEW_PAGE, _org_name
    ),
    "responsibilities:organization_children": ObjectCase(
        _org_url("responsibilities:organization_children"), VIEW_PAGE, _child_name
    ),
    "responsibilities:role_add": ObjectCase(
        _org_url("responsibilities:role_add"), MANAGE_PAGE, _org_name
    ),
    "responsibilities:organization_move": ObjectCase(
        _org_url("responsibilities:organization_move"), ADMINISTER_PAGE, _org_name
    ),
    "responsibilities:role_end": ObjectCase(
        lambda w, obj: reverse("responsibilities:role_end", args=[w.assignments[obj].pk]),
        MANAGE_PAGE,
        _person_name,
    ),
    "responsibilities:person_detail": ObjectCase(
        lambda w, obj: reverse("responsibilities:person_detail", args=[w.people[obj].pk]),
        VIEW_PAGE,
        _person_name,
    ),
    # Excel import of organizations and leadership teams: system administration only.
    "responsibilities:import": PageCase(ADMINISTRATION_PAGE),
    "responsibilities:import_template": PageCase(ADMINISTRATION_PAGE),
    **{r: PageCase(OWNER_ONLY, url=_job_url(r, "import_job")) for r in ("responsibilities:import_job", "responsibilities:import_job_progress")},
    # Obligations and their evidence, scoped like the organization they belong to.
    "responsibilities:my_work": PageCase(LOGGED_IN_PAGE),
    "responsibilities:inbox": PageCase(LOGGED_IN_PAGE), "responsibilities:security_log": PageCase(_everyone(404, anonymous=302, admin=200)),  # superusers
    "responsibilities:inbox_mark_read": PageCase(_everyone(302), method="post"),
    "responsibilities:obligation_detail": ObjectCase(
        _obligation_url("responsibilities:obligation_detail"), VIEW_PAGE, _org_name
    ),
    "responsibilities:obligation_meeting": ObjectCase(
        _obligation_url("responsibilities:obligation_meeting"), MANAGE_POST, _org_name, method="post"
    ),
    "responsibilities:obligation_files": ObjectCase(
        _obligation_url("responsibilities:obligation_files"), MANAGE_POST, _org_name, method="post"
    ),
    "responsibilities:obligation_waive": ObjectCase(
        _obligation_url("responsibilities:obligation_waive"), WAIVE_POST, _org_name, method="post"
    ),
    "responsibilities:obligation_reopen": ObjectCase(
        _obligation_url("responsibilities:obligation_reopen"), MANAGE_POST, _org_name, method="post"
    ),
    "responsibilities:evidence_download": ObjectCase(
        lambda w, obj: reverse("responsibilities:evidence_download", args=[w.evidence[obj].pk]),
        VIEW_PAGE,
        _evidence_token,
    ),
    # A meeting record's attachments, correction and withdrawal: managed like its obligation.
    "responsibilities:meeting_files": ObjectCase(_meeting_url("responsibilities:meeting_files"), MANAGE_POST,
                                                 _org_name, method="post"),
    "responsibilities:meeting_correct": ObjectCase(_meeting_url("responsibilities:meeting_correct"), MANAGE_PAGE,
                                                   _org_name),
    "responsibilities:meeting_withdraw": ObjectCase(_meeting_url("responsibilities:meeting_withdraw"), MANAGE_PAGE,
                                                    _org_name),
    # The responsibility list (责任清单): read in scope, changed by those who manage it; the menu's entry
    # sends someone with one scope root to its list, shows the others a choice.
    "responsibilities:duty_home": PageCase(_everyone(302, admin=200)),
    "responsibilities:duty_import_template": PageCase(LOGGED_IN_PAGE),
    "responsibilities:duty_import": ObjectCase(_org_url("responsibilities:duty_import"), MANAGE_PAGE, _org_name),
    "responsibilities:duty_list": ObjectCase(_org_url("responsibilities:duty_list"), VIEW_PAGE, _org_name),
    "responsibilities:duty_print": ObjectCase(_org_url("responsibilities:duty_print"), VIEW_PAGE, _org_name),
    "responsibilities:duty_add": ObjectCase(_org_url("responsibilities:duty_add"), MANAGE_PAGE, _org_name),
    "responsibilities:duty_cascade": ObjectCase(
        _org_url("responsibilities:duty_cascade"), MANAGE_PAGE, _org_name
    ),
    "responsibilities:duty_edit": ObjectCase(_duty_url("responsibilities:duty_edit"), MANAGE_PAGE, _org_name),
    "responsibilities:duty_retire": ObjectCase(
        _duty_url("responsibilities:duty_retire"), MANAGE_PAGE, _org_name
    ),
    # Dashboards take the organization as ?org=; without it they show the user's own scope.
    "responsibilities:compliance_matrix": ObjectCase(
        _org_query("responsibilities:compliance_matrix"), VIEW_PAGE, _org_name
    ),
    "responsibilities:compliance_matrix_rows": ObjectCase(
        _org_query("responsibilities:compliance_matrix_rows"), VIEW_PAGE, _child_name
    ),
    "responsibilities:obligation_list": ObjectCase(
        _org_query("responsibilities:obligation_list"), VIEW_PAGE, _org_name
    ),
    "responsibilities:charts": ObjectCase(_org_query("responsibilities:charts"), VIEW_PAGE, _org_name),
    # 台账 exports: the form for an organization in scope; jobs and files belong to their owner alone.
    "reporting:ledgers": ObjectCase(_org_query("reporting:ledgers"), VIEW_PAGE, _org_name),
    "reporting:ledger_export": PageCase(_everyone(400, anonymous=302), method="post"),
    **{f"reporting:{name}": PageCase(OWNER_ONLY, url=_job_url(f"reporting:{name}")) for name in (
        "ledger_job", "ledger_job_progress", "ledger_download",  # and a long draft's PDF preview job:
        "preview_job", "preview_job_progress", "preview_job_pdf")},
    # Reports: read in scope; drafted and submitted with draft_report; signed with sign_report.
    "reporting:report_list": ObjectCase(_org_query("reporting:report_list"), VIEW_PAGE, _org_name),
    "reporting:report_create": ObjectCase(_org_query("reporting:report_create"), DRAFT_PAGE, _org_name),
    "reporting:report_detail": ObjectCase(_report_url("reporting:report_detail"), VIEW_PAGE, _org_name),
    "reporting:report_versions": ObjectCase(_report_url("reporting:report_versions"), VIEW_PAGE, _org_name),
    "reporting:report_edit": ObjectCase(_report_url("reporting:report_edit"), DRAFT_PAGE, _org_name),
    "reporting:report_sign": ObjectCase(_report_url("reporting:report_sign"), SIGN_PAGE, _org_name),
    "reporting:report_submit": ObjectCase(_report_url("reporting:report_submit"), SUBMIT_PAGE, _org_name),
    # 提请签发 (POST only): draft_report decides; answered with a redirect to the report, refused or not.
    "reporting:report_request_sign": ObjectCase(
        _report_url("reporting:report_request_sign"), _allowed_as(DRAFT_PAGE, 302), _org_name, method="post"
    ),
    "reporting:version_pdf": ObjectCase(_signed_pdf_url, VIEW_PAGE, _report_token),
    # 附件: downloaded by whoever sees the report (its organization and the levels above, where it is
    # submitted); uploaded and removed by those who draft it (both answer with a redirect).
    "reporting:attachment_download": ObjectCase(
        lambda w, obj: reverse("reporting:attachment_download", args=[w.submissions[obj].version.files.get().pk]),
        VIEW_PAGE, lambda w, obj: f"attachment-of-{obj}",
    ),
    "reporting:report_attachments_add": ObjectCase(
        _report_url("reporting:report_attachments_add"), _allowed_as(DRAFT_PAGE, 302), _org_name, method="post"
    ),
    "reporting:report_attachment_remove": ObjectCase(
        lambda w, obj: reverse("reporting:report_attachment_remove",
                               args=[w.reports[obj].pk, w.reports[obj].versions.get(number=1).files.get().pk]),
        _allowed_as(DRAFT_PAGE, 302), _org_name, method="post",
    ),
    "reporting:delegation_list": ObjectCase(_org_url("reporting:delegation_list"), VIEW_PAGE, _org_name),
    "reporting:delegation_revoke": ObjectCase(
        lambda w, obj: reverse("reporting:delegation_revoke", args=[w.delegations[obj].pk]), DELEGATE_PAGE, _org_name
    ),
    # The receiving end: the inbox is everyone's own; a submission is seen by sender and receiver alike.
    "reporting:submission_inbox": PageCase(LOGGED_IN_PAGE),
    "reporting:submission_detail": ObjectCase(
        _submission_url("reporting:submission_detail"), VIEW_PAGE, _org_name
    ),
    "reporting:submission_return": ObjectCase(
        _submission_url("reporting:submission_return"), STAFF_RECEIVE_PAGE, _org_name
    ),
    "reporting:submission_receive": ObjectCase(
        _submission_url("reporting:submission_receive"), _allowed_as(STAFF_RECEIVE_PAGE, 302), _org_name, method="post"
    ),
    "reporting:submission_receive_undo": ObjectCase(
        # The world's submissions await receipt: nothing to undo, so the allowed are sent back to the submission.
        _submission_url("reporting:submission_receive_undo"), _allowed_as(STAFF_RECEIVE_PAGE, 302), _org_name
    ),
    # The submission board (?org= the upper organization): seen in scope; reminding the laggards takes
    # manage, generating the region summary draft_report (both POST the board's query and redirect).
    "reporting:board": ObjectCase(_org_query("reporting:board"), VIEW_PAGE, _org_name),
    "reporting:board_rows": ObjectCase(_org_query("reporting:board_rows"), VIEW_PAGE, _child_name),
    "reporting:board_remind": ObjectCase(
        _org_query("reporting:board_remind"), _allowed_as(MANAGE_PAGE, 302), _org_name, method="post"
    ),
    "reporting:board_summary": ObjectCase(
        _org_query("reporting:board_summary"),
        {**_allowed_as(MANAGE_PAGE, 302), "sibling_user": (404, 404, 403, 404)},  # B's staff do not draft
        _org_name, method="post",
    ),
    # Verification of a PDF: any logged-in user (what it reveals is scoped, see tests/reporting/test_verify.py).
    "reporting:verify": PageCase(LOGGED_IN_PAGE),
    # The accountability log (?org= a subtree) and one entry (here: the one recording the organization's creation).
    "accountability:log": ObjectCase(_org_query("accountability:log"), INSPECT_PAGE, _org_name),
    "accountability:log_entry": ObjectCase(_log_entry_url, INSPECT_PAGE, _org_name),
    # The inspector's workplace (accountability/workplace): home, 线索 and search (?org= checked with inspect),
    # the evidence bundle form (POST builds one: tests/responsibilities/test_permission_matrix_inspect.py).
    "accountability:workplace_home": PageCase(WORKPLACE_PAGE),
    "accountability:flag_list": ObjectCase(_org_query("accountability:flag_list"), WORKPLACE_ORG_PAGE, _org_name),
    "accountability:meeting_search": ObjectCase(_org_query("accountability:meeting_search"), WORKPLACE_ORG_PAGE, _org_name),
    "accountability:bundle_create": ObjectCase(_org_query("accountability:bundle_create"), WORKPLACE_ORG_PAGE, _org_name),
    "accountability:bundle_job": PageCase(BUNDLE_OWNER_ONLY, url=_bundle_url("accountability:bundle_job")),
    "accountability:bundle_progress": PageCase(BUNDLE_OWNER_ONLY, url=_bundle_url("accountability:bundle_progress")),
    "accountability:bundle_download": PageCase(BUNDLE_OWNER_ONLY, url=_bundle_url("accountability:bundle_download")),
}
# Findings and cases (accountability): case work takes inspect, rectification manage.
CASES.update(accountability_cases(ObjectCase, PageCase, _allowed_as, VIEW_PAGE, MANAGE_PAGE))

# --- accountability: assessments (检查考核): entries and their tables in tests/accountability/assessments/matrix_cases.py
add_assessment_cases(globals())


# --- every route has a case ---------------------------------------------------------------------


def _walk(patterns, namespace: str = "", prefix: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else None), prefix + str(entry.pattern)


def registered_routes() -> dict[str | None, list[str]]:
    routes: dict[str | None, list[str]] = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        routes.setdefault(name, []).append(pattern)
    return routes


def test_every_named_route_has_a_case():
    routes = registered_routes()

    unnamed = routes.get(None, [])
    assert not unnamed, f"URL patterns without a name cannot be covered by the permission matrix: {unnamed}"
    missing = sorted(set(routes) - set(CASES))
    assert not missing, (
        "These routes have no entry in CASES (tests/responsibilities/test_permission_matrix.py); "
        f"add the expected status for every persona: {missing}"
    )


def test_every_case_names_a_registered_route():
    stale = sorted(set(CASES) - set(registered_routes()))
    assert not stale, f"CASES has entries for routes that no longer exist: {stale}"


def test_the_walk_sees_routes_inside_includes():
    routes = registered_routes()

    assert routes["responsibilities:organization_detail"] == ["orgs/<int:pk>/"]
    assert "healthz" in routes
    assert not any(name and name.startswith("admin:") for name in routes)


# --- the matrix: one test per route, one request per persona × object (each in a savepoint rolled back
# at once, so that each sees the world as built), every cell that differs from the table listed ------


def _request_cell(world: World, route: str, persona: str, obj: str | None) -> tuple[str, HttpResponseBase, str]:
    case = CASES[route]
    client = client_for(world, persona)
    if isinstance(case, ObjectCase):
        url = case.url(world, obj)
        response = getattr(client, case.method)(url)
    else:
        url = case.url(world) if case.url else reverse(route)
        response = getattr(client, case.method)(url, case.data)
    return url, response, text_of(response)


@pytest.mark.parametrize("route", list(CASES))
def test_permission_matrix(world, route):
    case = CASES[route]
    failures, checked = Failures(), 0

    for persona, obj, expected in cells(case.expect):
        with rolled_back():
            url, response, text = _request_cell(world, route, persona, obj)
            marker = case.marker(world, obj) if isinstance(case, ObjectCase) else None
        checked += 1
        status = response.status_code
        failures.check(status == expected, persona, case.method, url, f"expected {expected}, got {status}")
        if status == expected == 302 and persona == "anonymous" and route not in {"logout", "set_language"}:
            failures.check(response["Location"].startswith(f"{reverse('login')}?next="), persona, case.method,
                           url, f"sent to {response['Location']}, not to log in")
        if marker is not None and status == expected == 200:
            failures.check(marker in text, persona, case.method, url, f"200 without {marker!r}")
        if marker is not None and status == expected == 404:
            failures.check(marker not in text, persona, case.method, url, f"404 reveals {marker!r}")

    assert checked == len(PERSONAS) * (len(OBJECTS) if isinstance(case, ObjectCase) else 1)
    if failures:
        pytest.fail(failures.report(), pytrace=False)


# --- refused writes change nothing; allowed ones go through -------------------------------------


def _state() -> tuple:
    return (
        sorted(RoleAssignment.objects.values_list("pk", "person_id", "organization_id", "role",
                                                  "start_date", "end_date")),
        sorted(Organization.objects.values_list("pk", "path", "numchild")),
        sorted(Person.objects.values_list("pk", "name")),
        sorted(Obligation.objects.values_list("pk", "status", "waived_reason")),
        sorted(DutyItem.objects.values_list("pk", "content", "version", "retired_at")),
        sorted(Report.objects.values_list("pk", "status")),
        sorted(ReportVersion.objects.values_list("pk", "number", "title", "doc_number")),
        sorted(Submission.objects.values_list("pk", "status", "return_reason")),
        sorted(Delegation.objects.values_list("pk", "organization_id", "delegate_id", "revoked_at")),
    )


def _post_role_add(w: World, obj: str) -> dict:
    return {"new_name": "新任委员", "new_title": "委员", "role": "member", "start_date": "2026-01-01"}


def _post_role_end(w: World, obj: str) -> dict:
    return {"end_date": "2026-06-30"}


def _post_move(w: World, obj: str) -> dict:
    target = {"own": w.other_city, "child": w.orgs["sibling"], "sibling": w.other_city,
              "parent": w.other_city}[obj]
    return {"new_parent": target.pk}


def _post_waive(w: World, obj: str) -> dict:
    return {"reason": "本期合并至专题会议"}


def _post_reopen(w: World, obj: str) -> dict:
    # Completed, so there is something to reopen (undoing a waiver follows the waiver's own rule, tested
    # with the obligation services).
    work_services.obligation_complete(obligation=w.obligations[obj], actor=w.users["admin"])
    return {"reason": "免除有误，重新办理"}


def _post_duty(w: World, obj: str) -> dict:
    return {"content": "每季度分析研判意识形态形势", "responsible": "secretary", "verification": "研判会议记录",
            "sort_order": 1}


def _post_nothing(w: World, obj: str) -> dict:
    return {}


def _post_new_report(w: World, obj: str) -> dict:
    return {"organization": w.orgs[obj].pk, "kind": "major", "period": "", "title": "关于突发舆情的专题报告"}


def _post_report_edit(w: World, obj: str) -> dict:
    version = w.reports[obj].versions.order_by("-number").first()
    return {
        "title": "修改后的标题", "addressee": version.addressee, "copy_to": version.copy_to, "attachments": "",
        "note": "", "op": "save", "block_level": [str(b["level"]) for b in version.blocks],
        "block_text": [b["text"] for b in version.blocks], "block_facts": ["0"] * len(version.blocks),
    }


def _post_return(w: World, obj: str) -> dict:
    return {"reason": "请补充乡镇情况"}


# route → (prepare the object and return valid POST data, where success redirects to)
WRITES: dict[str, tuple[Callable[[World, str], dict], str]] = {
    "responsibilities:role_add": (_post_role_add, "/orgs/"),
    "responsibilities:role_end": (_post_role_end, "/orgs/"),
    "responsibilities:organization_move": (_post_move, "/orgs/"),
    "responsibilities:obligation_waive": (_post_waive, "/obligations/"),
    "responsibilities:obligation_reopen": (_post_reopen, "/obligations/"),
    "responsibilities:duty_add": (_post_duty, "/orgs/"),
    "responsibilities:duty_edit": (_post_duty, "/orgs/"),
    "responsibilities:duty_retire": (_post_nothing, "/orgs/"),
    "reporting:report_create": (_post_new_report, "/reports/"),
    "reporting:report_edit": (_post_report_edit, "/reports/"),
    "reporting:submission_return": (_post_return, "/submissions/"),
    "reporting:delegation_revoke": (_post_nothing, "/orgs/"),
}


@pytest.mark.parametrize("route", list(WRITES))
def test_valid_posts_obey_the_same_matrix(world, route):
    """A valid POST goes through exactly where the matrix allows the page (200, or 400 for an
    empty form); everywhere else it is refused with the same status and changes nothing."""
    case = CASES[route]
    prepare, success_prefix = WRITES[route]
    failures, checked = Failures(), 0

    for persona, obj, matrix_status in cells(case.expect):
        with rolled_back():
            data = prepare(world, obj)
            url = case.url(world, obj)
            before = _state()
            response = client_for(world, persona).post(url, data)
            changed = _state() != before
        checked += 1
        status = response.status_code
        if matrix_status in (200, 400):
            failures.check(status == 302, persona, "post", url, f"expected 302, got {status}: {text_of(response)[:300]}")
            failures.check(status != 302 or response["Location"].startswith(success_prefix), persona, "post", url,
                           f"redirected to {response.get('Location')}, not {success_prefix}…")
            failures.check(changed, persona, "post", url, "allowed, but nothing changed")
        else:
            failures.check(status == matrix_status, persona, "post", url, f"expected {matrix_status}, got {status}")
            failures.check(not changed, persona, "post", url, "refused, but the data changed")

    assert checked == len(PERSONAS) * len(OBJECTS)
    if failures:
        pytest.fail(failures.report(), pytrace=False)


# Only 周书记, county A's 第一责任人 (the county_a_secretary persona), really signs, and only A's reports:
# sign_report reaches A's towns, but the service refuses whoever is not the organization's secretary
# (400); the administrator's account is linked to no person (400).
SIGN_POST = {
    **_allowed_as(SIGN_PAGE, 400),
    "county_a_secretary": (302, 400, 404, 404),
}


def test_only_the_secretary_signs_and_only_where_the_service_allows(world):
    failures, checked = Failures(), 0
    doc_number = f"A县委〔{timezone.localdate().year}〕1号"

    for persona, obj, expected in cells(SIGN_POST):
        report = world.reports[obj]
        url = reverse("reporting:report_sign", args=[report.pk])
        with rolled_back():
            client = Client()
            if world.users[persona] is not None:  # the sign-off asks for the password again
                user = get_user_model().objects.get(pk=world.users[persona].pk)
                user.set_password("pw-matrix")
                user.save(update_fields=["password"])
                client.force_login(user)
            before = _state()
            response = client.post(url, {"version": 1, "password": "pw-matrix"})
            signed_as = ReportVersion.objects.get(report=report, number=1).doc_number
            changed = _state() != before
        checked += 1
        status = response.status_code
        failures.check(status == expected, persona, "post", url, f"expected {expected}, got {status}: "
                       f"{text_of(response)[:300]}")
        if expected == 302 and persona != "anonymous":
            failures.check(signed_as == doc_number, persona, "post", url, f"signed as {signed_as!r}")
        else:
            failures.check(not changed, persona, "post", url, "not signed, but the data changed")

    assert checked == len(PERSONAS) * len(OBJECTS)
    if failures:
        pytest.fail(failures.report(), pytrace=False)


def test_delegations_are_recorded_where_the_sign_off_is(world):
    """Listing follows the view matrix; recording one is for the 第一责任人 there (or an administrator)."""
    failures, checked = Failures(), 0

    for persona, obj, expected in cells(_allowed_as(DELEGATE_PAGE, 302)):
        org, delegate = world.orgs[obj], world.people[obj]
        url = reverse("reporting:delegation_list", args=[org.pk])
        data = {"delegate": delegate.pk, "start_date": "2099-07-01", "end_date": "2099-07-31",
                "reason": "书记外出学习"}
        with rolled_back():
            before = _state()
            response = client_for(world, persona).post(url, data)
            recorded = Delegation.objects.filter(organization=org, delegate=delegate).count()
            changed = _state() != before
        checked += 1
        status = response.status_code
        failures.check(status == expected, persona, "post", url, f"expected {expected}, got {status}: "
                       f"{text_of(response)[:300]}")
        if expected == 302 and persona != "anonymous":
            failures.check(recorded == 2, persona, "post", url, f"{recorded} delegation(s) to {delegate.name}")
        else:
            failures.check(not changed, persona, "post", url, "not recorded, but the data changed")

    assert checked == len(PERSONAS) * len(OBJECTS)
    if failures:
        pytest.fail(failures.report(), pytrace=False)


# --- lists do not leak --------------------------------------------------------------------------


def _page(world: World, persona: str, url: str, data: dict | None = None) -> str:
    response = client_for(world, persona).get(url, data or {})
    assert response.status_code == 200
    return response.content.decode()


def test_tree_page_of_county_staff_shows_only_their_county(world):
    text = _page(world, "county_a_staff", reverse("responsibilities:organization_tree"))

    assert "A县委" in text
    assert "B县委" not in text
    assert "X市委" not in text
    assert "Y市委" not in text


def test_tree_page_of_city_staff_starts_at_the_city(world):
    text = _page(world, "city_staff", reverse("responsibilities:organization_tree"))

    assert "X市委" in text
    assert "Y市委" not in text


def test_home_page_lists_only_the_scope_roots(world):
    text = _page(world, "sibling_user", reverse("home"))

    assert "B县委" in text
    assert "A县委" not in text
    assert "X市委" not in text


@pytest.mark.parametrize("query", ["县委", "市委", "镇", "委"])
def test_search_of_county_staff_finds_nothing_outside_their_county(world, query):
    text = _page(world, "county_a_staff", reverse("responsibilities:organization_tree"), {"q": query})

    for outside in ("B县委", "B县西镇党委", "X市委", "Y市委"):
        assert outside not in text
    if query in ("县委", "委"):
        assert "A县委" in text


def test_search_of_city_staff_finds_both_counties(world):
    text = _page(world, "city_staff", reverse("responsibilities:organization_tree"), {"q": "县委"})

    assert "A县委" in text and "B县委" in text


def test_children_partial_of_the_city_is_refused_to_county_staff(world):
    url = reverse("responsibilities:organization_children", args=[world.orgs["parent"].pk])

    response = client_for(world, "county_a_staff").get(url)

    assert response.status_code == 404
    assert "B县委" not in response.content.decode()


def test_children_partial_of_the_city_for_city_staff_lists_both_counties(world):
    url = reverse("responsibilities:organization_children", args=[world.orgs["parent"].pk])

    text = _page(world, "city_staff", url)

    assert "A县委" in text and "B县委" in text


def test_detail_page_of_own_county_does_not_name_the_invisible_parent(world):
    url = reverse("responsibilities:organization_detail", args=[world.orgs["own"].pk])

    text = _page(world, "county_a_staff", url)

    assert "A县东镇党委" in text  # subordinate organizations are listed
    assert "X市委" not in text  # the breadcrumbs stop at the scope root


def test_role_add_form_offers_only_people_of_that_organization(world):
    url = reverse("responsibilities:role_add", args=[world.orgs["own"].pk])

    text = _page(world, "city_staff", url)

    assert world.people["own"].name in text
    assert world.people["sibling"].name not in text
    assert world.people["child"].name not in text


def test_move_form_offers_only_parents_the_user_administers(world):
    admin_b = world_user("admin_b", [("administer", world.orgs["sibling"])])
    town_b = Organization.objects.get(name="B县西镇党委")
    client = Client()
    client.force_login(admin_b)

    text = client.get(reverse("responsibilities:organization_move", args=[town_b.pk])).content.decode()

    assert "B县委" in text
    for outside in ("A县委", "X市委", "Y市委"):
        assert outside not in text


def test_person_page_does_not_name_organizations_outside_the_viewers_scope(world):
    person = world.people["own"]
    org_services.role_assign(person=person, organization=world.orgs["parent"],
                         role=RoleAssignment.Role.MEMBER, start_date=D(2025, 1, 1))
    url = reverse("responsibilities:person_detail", args=[person.pk])

    text = _page(world, "county_a_staff", url)

    assert person.name in text
    assert "X市委" not in text


def test_my_work_lists_only_obligations_of_the_users_own_organization(world):
    text = _page(world, "sibling_user", reverse("responsibilities:my_work"))

    assert "B县委" in text
    for outside in ("A县委", "A县东镇党委", "X市委"):
        assert outside not in text


def _notify(user, title: str) -> Notification:
    return Notification.objects.create(recipient=user, kind=Notification.Kind.MESSAGE, title=title)


def test_inbox_shows_only_the_users_own_notifications(world):
    _notify(world.users["county_a_staff"], "给A县的通知")
    _notify(world.users["sibling_user"], "给B县的通知")

    text = _page(world, "county_a_staff", reverse("responsibilities:inbox"))

    assert "给A县的通知" in text
    assert "给B县的通知" not in text


def test_marking_someone_elses_notification_read_changes_nothing(world):
    mine = _notify(world.users["county_a_staff"], "给A县的通知")
    theirs = _notify(world.users["sibling_user"], "给B县的通知")

    response = client_for(world, "county_a_staff").post(
        reverse("responsibilities:inbox_mark_read"), {"id": [theirs.pk, mine.pk]}
    )

    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None
