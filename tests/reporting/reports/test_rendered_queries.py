"""A version's 附件 are read once when its page is rendered: the 附件 lines and the file list share
the one query (the report page used to read them twice)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.models import ReportAttachment
from reporting.reports.selectors import rendered
from tests.reporting.reports.test_attachments import _june, county, pdf_bytes, upload  # noqa: F401 (fixtures)
from tests.reporting.reports.test_views import as_user, latest, new_report


def _attachment_reads(queries) -> int:
    table = ReportAttachment._meta.db_table
    return sum(1 for q in queries.captured_queries if f'FROM "{table}"' in q["sql"])


def test_a_version_with_two_files_reads_its_attachments_once(county):  # noqa: F811 (the imported fixture)
    report = new_report(county)
    upload(as_user(county.staff), report, SimpleUploadedFile("统计表.pdf", pdf_bytes(1)),
           SimpleUploadedFile("清单.pdf", pdf_bytes(2)))
    version = latest(report)

    with CaptureQueriesContext(connection) as queries:
        page = rendered(version)

    assert _attachment_reads(queries) == 1
    assert [f.title for f in page.files] == ["统计表", "清单"]
    assert [(line.number, line.name) for line in page.attachments] == [("1.", "统计表"), ("2.", "清单")]
