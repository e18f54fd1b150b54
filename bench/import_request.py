"""Benchmark: the import request for a sheet formatted down to Excel's last row (issue #10 §12).

    python bench/import_request.py [--rows 1048574] [--runs 3]

Uses the workbook of bench/import_rows.py (headers, one real row, then `--rows` formatted but empty
rows) and times, in one run, warm (one untimed run, `--runs` timed, median):

- read:  what the import does with the upload before the database (`upload_open`, `_sheet_rows`);
- post:  the whole POST of that file to the import page through Django's test client (an
         administrator of A县委; the synchronous path: one organization written, then rolled back
         so every run imports the same row);
- job:   the POST of a sheet of ZEREN_IMPORT_BACKGROUND_ROWS + 1 rows, which is answered by
         storing the file and creating its background job (the queueing itself fires on commit,
         which the rolled-back run never reaches);
- floors: calamine alone opening and reading the same bytes, and a GET of /healthz through the
         same client.

Runs on a fresh test database: DATABASE_URL's server if set (database zeren_bench_import_request),
else SQLite in memory. Prints each figure, then one line of JSON.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_time(fn, runs: int) -> tuple[float, list[float]]:
    fn()  # warm
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_048_574)  # with the header and the real row: 1,048,576
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ZEREN_VAR_DIR", tempfile.mkdtemp(prefix="zeren-bench-import-"))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    from responsibilities.importing.workbook import XLSX_CONTENT_TYPE, _sheet_rows, upload_open
    from responsibilities.models import ExportJob, Organization
    from tests.factories import make_org, make_user

    spec = importlib.util.spec_from_file_location("bench_import_rows", ROOT / "bench" / "import_rows.py")
    import_rows = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(import_rows)

    def upload(data: bytes, name: str = "组织.xlsx"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return SimpleUploadedFile(name, data, content_type=XLSX_CONTENT_TYPE)

    data = import_rows.build(args.rows)
    print(f"workbook: {args.rows + 2} rows, {len(data)} bytes")

    setup_test_environment()
    if connection.vendor != "sqlite":
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = "zeren_bench_import_request"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        city = make_org("X市委", short_name="X市委")
        make_org("A县委", parent=city, short_name="A县委")
        admin = make_user("bench_admin", grants=[("administer", city)])
        client = Client()
        client.force_login(admin)
        url = reverse("responsibilities:import")

        def read() -> None:
            book = upload_open(upload(data))
            problems: list = []
            rows = list(_sheet_rows(book, "组织", problems))
            book.close()
            assert [row.number for row in rows] == [2] and not problems, (rows, problems)

        def post() -> None:
            with transaction.atomic():
                response = client.post(url, {"file": upload(data)})
                assert response.status_code == 302 and response["Location"] == url, response.status_code
                assert Organization.objects.filter(name="十二镇党委").exists()
                assert not ExportJob.objects.exists()
                transaction.set_rollback(True)

        wb = Workbook()
        ws = wb.active
        ws.title = "组织"
        ws.append(["组织路径", "简称", "类型", "排序"])
        for i in range(settings.ZEREN_IMPORT_BACKGROUND_ROWS + 1):
            ws.append([f"X市委/A县委/新{i:04d}镇党委", "", "党委", i])
        buffer = io.BytesIO()
        wb.save(buffer)
        large = buffer.getvalue()

        def job() -> None:
            with transaction.atomic():
                response = client.post(url, {"file": upload(large)})
                created = ExportJob.objects.get()
                assert response["Location"] == reverse("responsibilities:import_job", args=[created.pk])
                transaction.set_rollback(True)

        def calamine_floor() -> None:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            book.get_sheet_by_name("组织").to_python(skip_empty_area=False)
            book.close()

        def healthz() -> None:
            assert client.get("/healthz").status_code == 200

        figures = {}
        for name, fn in (("read", read), ("post", post), ("job", job), ("calamine", calamine_floor),
                         ("healthz", healthz)):
            median, timings = median_time(fn, args.runs)
            figures[name] = median
            print(f"{name}: median {median:.3f} s over {args.runs} runs ({', '.join(f'{t:.3f}' for t in timings)})")
    finally:
        connection.creation.destroy_test_db(settings.DATABASES["default"]["NAME"], verbosity=0)
    print(json.dumps({
        "rows": args.rows + 2, "file_bytes": len(data), "database": connection.vendor,
        "read_s": round(figures["read"], 3), "post_s": round(figures["post"], 3),
        "background_job_post_s": round(figures["job"], 3), "background_rows": settings.ZEREN_IMPORT_BACKGROUND_ROWS + 1,
        "calamine_floor_s": round(figures["calamine"], 3), "healthz_floor_s": round(figures["healthz"], 4),
    }))


if __name__ == "__main__":
    main()
