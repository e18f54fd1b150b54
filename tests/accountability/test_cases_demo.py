"""The demo's findings and cases: plausible, at different stages, and seeded once."""

import subprocess

from accountability.cases import services
from accountability.cases.demo import seed_cases
from accountability.models import Case, Finding
from responsibilities.models import Organization


def test_the_demo_city_gets_findings_and_two_cases_at_different_stages_once(seeded_demo, tmp_path):
    root = Organization.objects.get(pk=seeded_demo.root_pk)

    # seed_demo ran it (through demo_city_seeded): 4 findings, 2 overdue, 2 cases; a second run adds nothing.
    assert "问题 4，整改逾期 2，问责案件 2" in seeded_demo.output
    assert seed_cases(root) == {"findings": 0, "overdue": 0, "cases": 0}
    statuses = sorted(Finding.objects.filter(organization__name="临河县柳溪镇党委").values_list("status", flat=True))
    assert statuses == ["closed", "overdue", "overdue", "rectifying"]
    investigating = Case.objects.get(status="investigating")
    assert investigating.finding.status == "overdue"
    assert investigating.files.count() == 0 and investigating.subjects.count() == 2  # the team and the secretary
    archived = Case.objects.get(status="archived")
    assert archived.decision_number == "临河县委〔2026〕1号"
    assert archived.authority.name == "临河县委" and archived.filing_to == "中共江川市委组织部"
    pdf = tmp_path / "d.pdf"
    pdf.write_bytes((services.decision_dir() / archived.decision_pdf).read_bytes())
    text = "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "问责决定书" in text and archived.decision_number in text
