"""The accountability pages in the permission matrix (tests/responsibilities/test_permission_matrix.py):
one finding and one case per organization of the matrix's world, and the expected status of every
finding and case route per persona. Case work takes `inspect`; rectification `manage`."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accountability.cases import services as cases
from accountability.cases.seed import load_catalogue
from accountability.evidence import files_store
from accountability.findings import services as findings
from accountability.models import Circumstance
from responsibilities.work.uploads import discard_on_error

D = datetime.date


def build(world) -> dict:
    """A finding (with an evidence file) and a case (the team and the org's member) in each organization."""
    load_catalogue()  # an earlier transactional test's flush may have emptied it
    built = {"findings": {}, "cases": {}, "subjects": {}}
    for key, org in world.orgs.items():
        finding = findings.finding_create(
            organization=org, source="inspection", description=f"{org.name}专题研究未开展", facts_date=D(2025, 6, 1),
            measures="补开会议", due_date=D(2099, 12, 31), actor=None,
        )
        with discard_on_error():
            finding.files.add(*files_store(uploads=[_pdf(f"finding-file-of-{key}")], actor=None))
        case = cases.case_open(
            organization=org, title=f"{org.name}问责", source="inspection", facts_date=D(2025, 6, 1),
            facts="未落实责任制", actor=None, people=[world.people[key]],
            circumstances=[Circumstance.objects.get(code="general-10")],
        )
        with discard_on_error():
            case.files.add(*files_store(uploads=[_pdf(f"case-file-of-{key}")], actor=None))
        built["findings"][key], built["cases"][key] = finding, case
        built["subjects"][key] = case.subjects.get(person=world.people[key])
    return built


def _pdf(token: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{token}.pdf", f"%PDF-1.4\n% {token}\n%%EOF\n".encode(), "application/pdf")


INSPECT_PAGE = {
    "anonymous": (302, 302, 302, 302),
    "admin": (200, 200, 200, 200),
    "city_staff": (403, 403, 403, 403),
    "county_a_staff": (403, 403, 404, 404),
    "county_a_secretary": (403, 403, 404, 404),
    "city_inspector": (200, 200, 200, 200),
    "sibling_user": (404, 404, 403, 404),
}


def accountability_cases(ObjectCase, PageCase, allowed_as, view_page, manage_page) -> dict:
    """Entries for CASES, built from the matrix's own types and tables (passed in to avoid an import cycle)."""

    def finding(route, *extra):
        return lambda w, obj: reverse(route, args=[w.accountability["findings"][obj].pk, *extra])

    def case(route, *extra):
        return lambda w, obj: reverse(route, args=[w.accountability["cases"][obj].pk, *extra])

    def subject(route):
        return lambda w, obj: reverse(route, args=[w.accountability["subjects"][obj].pk])

    def org_query(route):
        return lambda w, obj: f"{reverse(route)}?org={w.orgs[obj].pk}"

    def file_of(kind):
        return lambda w, obj: reverse(f"accountability:{kind}_file", args=[
            w.accountability[f"{kind}s"][obj].pk, w.accountability[f"{kind}s"][obj].files.get().pk])

    def org_name(w, obj):
        return w.orgs[obj].name

    def person_name(w, obj):
        return w.people[obj].name

    def token(kind):
        return lambda w, obj: f"{kind}-file-of-{obj}"

    inspect_post = allowed_as(INSPECT_PAGE, 400)
    draft_pdf = {persona: row[0] for persona, row in INSPECT_PAGE.items()}
    return {
        "accountability:finding_list": ObjectCase(org_query("accountability:finding_list"), view_page, org_name),
        "accountability:finding_create": ObjectCase(org_query("accountability:finding_create"), INSPECT_PAGE, org_name),
        "accountability:finding_detail": ObjectCase(finding("accountability:finding_detail"), view_page, org_name),
        "accountability:finding_start": ObjectCase(finding("accountability:finding_start"),
                                                   allowed_as(manage_page, 302), org_name, method="post"),
        "accountability:finding_rectify": ObjectCase(finding("accountability:finding_rectify"),
                                                     allowed_as(manage_page, 400), org_name, method="post"),
        "accountability:finding_verify": ObjectCase(finding("accountability:finding_verify"), inspect_post, org_name,
                                                    method="post"),
        "accountability:finding_file": ObjectCase(file_of("finding"), view_page, token("finding")),
        "accountability:case_list": ObjectCase(org_query("accountability:case_list"), view_page, org_name),
        "accountability:case_create": ObjectCase(org_query("accountability:case_create"), INSPECT_PAGE, org_name),
        "accountability:case_detail": ObjectCase(case("accountability:case_detail"), view_page, org_name),
        "accountability:case_transition": ObjectCase(case("accountability:case_transition", "preliminary"),
                                                     INSPECT_PAGE, org_name),
        "accountability:case_determine": ObjectCase(case("accountability:case_determine"), inspect_post, org_name,
                                                    method="post"),
        "accountability:case_authority": ObjectCase(case("accountability:case_authority"), inspect_post, org_name,
                                                    method="post"),
        "accountability:case_files": ObjectCase(case("accountability:case_files"), inspect_post, org_name,
                                                method="post"),
        "accountability:case_file": ObjectCase(file_of("case"), view_page, token("case")),
        # An undecided case's decision is a draft for those working the case (a decided one: everyone in scope).
        "accountability:case_pdf": PageCase(draft_pdf, url=lambda w: reverse(
            "accountability:case_pdf", args=[w.accountability["cases"]["own"].pk])),
        "accountability:subject_override": ObjectCase(subject("accountability:subject_override"), INSPECT_PAGE,
                                                      person_name),
        "accountability:subject_measure": ObjectCase(subject("accountability:subject_measure"), inspect_post,
                                                     person_name, method="post"),
    }
