"""Assessment objects for the permission matrix's world (tests/responsibilities/permission_world.py).

Every organization of the world (own = 县 A, child = A's town, sibling = 县 B, parent = the city) gets a
default rubric and a campaign over its subordinates (the province one over the city), so that for each key:
- campaigns[key] is run by orgs[key];
- assessments[key] is orgs[key]'s assessment in its parent's campaign, with one suggestion and one file.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from accountability.assessments.services import campaign_create
from accountability.models import (
    Assessment,
    AssessmentFile,
    Campaign,
    Indicator,
    Rubric,
    Suggestion,
)
from accountability.rubrics.services import rubric_create
from responsibilities.models import Organization
from responsibilities.work.uploads import discard_on_error, store_upload

D = datetime.date


@dataclass
class AssessObjects:
    rubrics: dict[str, Rubric] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)  # a leaf of rubrics[key]
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    assessments: dict[str, Assessment] = field(default_factory=dict)
    suggestions: dict[str, Suggestion] = field(default_factory=dict)
    files: dict[str, AssessmentFile] = field(default_factory=dict)


def build_assessments(orgs: dict[str, Organization], admin) -> AssessObjects:
    objects = AssessObjects()
    province = Organization.objects.get_parent(Organization.objects.get(pk=orgs["parent"].pk))
    runners = {**orgs, "province": province}
    for key, org in runners.items():
        org = Organization.objects.get(pk=org.pk)
        rubric = rubric_create(organization=org, year=2026, actor=None)
        children = list(Organization.objects.get_children(org))
        if key in orgs:
            objects.rubrics[key] = rubric
            objects.indicators[key] = rubric.indicators.filter(method="award").order_by("pk").first()
        if not children:
            continue
        campaign = campaign_create(
            organization=org, actor=admin, year=2026, title=f"{org.name}2026年度检查考核", methods=["random"],
            start_date=D(2026, 11, 1), end_date=D(2026, 12, 15), rubric=rubric, assessed=children)
        if key in orgs:
            objects.campaigns[key] = campaign
    for key, org in orgs.items():
        assessment = Assessment.objects.get(organization=org)
        objects.assessments[key] = assessment
        leaf = assessment.campaign.rubric.indicators.filter(code="half_year_report").get()
        objects.suggestions[key] = Suggestion.objects.create(
            assessment=assessment, indicator=leaf, kind=Suggestion.Kind.LATE_REPORT,
            description=f"{org.name}上半年报告逾期", evidence_type="responsibilities.obligation", evidence_id="0")
        with discard_on_error():
            stored = store_upload(SimpleUploadedFile(
                f"{key}.pdf", f"%PDF-1.4\n% assessment-file-of-{key}\n%%EOF\n".encode(), "application/pdf"))
        objects.files[key] = AssessmentFile.objects.create(
            assessment=assessment, indicator=leaf, original_name=stored.original_name,
            stored_name=stored.stored_name, content_type=stored.content_type, size=stored.size,
            sha256=stored.sha256)
    return objects
