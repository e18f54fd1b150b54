"""The permission matrix's entries for the assessment and rubric URLs (tests/responsibilities/test_permission_matrix.py).

campaigns[obj] are run by the organization; assessments[obj] are its own, in its parent's campaign (see
matrix_world.py). Reviewing takes manage on the assessing organization (never scoring oneself), self-assessing
manage on the assessed one and not on the assessor (no filling in from above). An unpublished 通报 is the
assessor's preview only.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse


def add_assessment_cases(m: dict) -> None:
    """Add the entries to the matrix module's CASES; `m` is that module's globals (its tables and case types)."""
    ObjectCase, PageCase, World = m["ObjectCase"], m["PageCase"], m["World"]  # noqa: N806
    VIEW_PAGE, MANAGE_PAGE, RECEIVE_PAGE, MANAGE_POST = (  # noqa: N806
        m["VIEW_PAGE"], m["MANAGE_PAGE"], m["RECEIVE_PAGE"], m["MANAGE_POST"])
    LOGGED_IN_PAGE, _allowed_as, _org_query, _org_name = (  # noqa: N806
        m["LOGGED_IN_PAGE"], m["_allowed_as"], m["_org_query"], m["_org_name"])
    SELF_PAGE = {"anonymous": (302,) * 4, "admin": (403,) * 4, "city_inspector": (403,) * 4,
                 "city_staff": (403, 403, 403, 200), "county_a_staff": (200, 403, 404, 404),
                 "county_a_secretary": (403, 403, 404, 404), "sibling_user": (404, 404, 200, 404)}

    def _assess_url(route: str, kind: str) -> Callable[[World, str], str]:
        return lambda w, obj: reverse(f"accountability:{route}", args=[getattr(w.assess, kind)[obj].pk])

    def _runner(w: World, obj: str) -> str:
        return w.assess.campaigns[obj].organization.name

    m["CASES"].update({
        "accountability:campaign_list": PageCase(LOGGED_IN_PAGE),
        "accountability:campaign_create": ObjectCase(_org_query("accountability:campaign_create"), MANAGE_PAGE, _org_name),
        "accountability:campaign_detail": ObjectCase(_assess_url("campaign_detail", "campaigns"), VIEW_PAGE, _runner),
        "accountability:campaign_results": ObjectCase(_assess_url("campaign_results", "campaigns"), VIEW_PAGE, _runner),
        "accountability:campaign_publish": ObjectCase(_assess_url("campaign_publish", "campaigns"), MANAGE_PAGE, _runner),
        "accountability:campaign_bulletin": ObjectCase(
            _assess_url("campaign_bulletin", "campaigns"), VIEW_PAGE, lambda w, obj: "%PDF"),
        "accountability:assessment_detail": ObjectCase(
            _assess_url("assessment_detail", "assessments"), VIEW_PAGE, _org_name),
        "accountability:assessment_self": ObjectCase(_assess_url("assessment_self", "assessments"), SELF_PAGE, _org_name),
        "accountability:assessment_review": ObjectCase(
            _assess_url("assessment_review", "assessments"), RECEIVE_PAGE, _org_name),
        # Not self-assessed yet: the service refuses with a message and redirects to the review page.
        "accountability:assessment_suggest": ObjectCase(
            _assess_url("assessment_suggest", "assessments"), _allowed_as(RECEIVE_PAGE, 302), _org_name, method="post"),
        "accountability:suggestion_decide": ObjectCase(
            _assess_url("suggestion_decide", "suggestions"), _allowed_as(RECEIVE_PAGE, 302), _org_name, method="post"),
        "accountability:assessment_file": ObjectCase(
            _assess_url("assessment_file", "files"), VIEW_PAGE, lambda w, obj: f"assessment-file-of-{obj}"),
        "accountability:rubric_list": ObjectCase(_org_query("accountability:rubric_list"), VIEW_PAGE, _org_name),
        "accountability:rubric_create": ObjectCase(
            _org_query("accountability:rubric_create"), MANAGE_POST, _org_name, method="post"),
        "accountability:rubric_import": ObjectCase(_org_query("accountability:rubric_import"), MANAGE_PAGE, _org_name),
        "accountability:rubric_detail": ObjectCase(_assess_url("rubric_detail", "rubrics"), VIEW_PAGE, _org_name),
        "accountability:rubric_export": ObjectCase(
            _assess_url("rubric_export", "rubrics"), VIEW_PAGE, lambda w, obj: "PK\x03\x04"),
        "accountability:indicator_add": ObjectCase(
            _assess_url("indicator_add", "rubrics"), MANAGE_POST, _org_name, method="post"),
        "accountability:indicator_edit": ObjectCase(_assess_url("indicator_edit", "indicators"), MANAGE_PAGE, _org_name),
        "accountability:indicator_remove": ObjectCase(
            _assess_url("indicator_remove", "indicators"), MANAGE_PAGE, _org_name),
    })
