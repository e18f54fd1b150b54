"""依据 names the source document and its clause, never a seed file code (issue #9 §4)."""

import importlib
import re

import pytest
from django.apps import apps

from responsibilities.defaults import WORK_SYSTEMS
from responsibilities.models import WorkSystem

pytestmark = pytest.mark.django_db
FILE_CODE = re.compile(r"(?<!\d)00[02](?!\d)|篇[一二三四五六七八九十]")
migration = importlib.import_module("responsibilities.migrations.0012_citations_name_documents")


def test_every_default_citation_names_a_document_and_no_file_code():
    for spec in WORK_SYSTEMS:
        assert spec["citation"].startswith("《"), spec["code"]
        assert not FILE_CODE.search(spec["citation"]), spec["citation"]


def test_the_work_systems_in_the_database_cite_documents():
    joint = WorkSystem.objects.get(code="joint_meeting")
    assert joint.citation == "《党委（党组）意识形态工作责任制实施细则》第十八条"
    assert not any(FILE_CODE.search(c) for c in WorkSystem.objects.values_list("citation", flat=True))


def test_the_migration_rewrites_the_old_codes_and_keeps_a_deployments_own_citation():
    WorkSystem.objects.filter(code="joint_meeting").update(citation="000 第十八条")
    WorkSystem.objects.filter(code="liaison").update(citation="《江川市意识形态工作责任制实施细则》第九条")

    migration.name_documents(apps, None)

    assert WorkSystem.objects.get(code="joint_meeting").citation == "《党委（党组）意识形态工作责任制实施细则》第十八条"
    assert WorkSystem.objects.get(code="liaison").citation == "《江川市意识形态工作责任制实施细则》第九条"
