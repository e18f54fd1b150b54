"""Draft PDF previews: rendered once per content and kept; a long draft rendered in the background
with a progress page that only its owner sees (#11 §2)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.urls import reverse

from reporting import pdf, previews, tasks
from reporting.document import Level
from reporting.reports import selectors
from reporting.reports import services as reports_services
from responsibilities import permissions
from responsibilities.models import ExportJob
from tests.factories import make_user
from tests.reporting.reports import test_views
from tests.reporting.reports.test_views import as_user, ready

_june = test_views._june  # the same fixtures: mid-June 2026, a county with its users
county = test_views.county


@pytest.fixture
def renders(monkeypatch) -> list[int]:
    """The real renderer, counted: one entry per PDF rendered."""
    calls: list[int] = []
    real = pdf.render_pdf

    def counted(document):
        calls.append(len(document.blocks))
        return real(document)

    monkeypatch.setattr(pdf, "render_pdf", counted)
    return calls


def version_pdf_url(version) -> str:
    return reverse("reporting:version_pdf", args=[version.report_id, version.number])


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def preview_files(settings) -> list[str]:
    return sorted(p.name for p in (Path(settings.MEDIA_ROOT) / "previews").iterdir())


def save(report, actor, blocks):
    latest = selectors.latest_version(report)
    return reports_services.report_version_save(
        report=report, actor=actor, title=latest.title, addressee=latest.addressee, copy_to="",
        blocks=blocks, attachments=[], facts=latest.facts,
    )


def test_a_draft_preview_is_rendered_once_and_then_served_from_the_cache(county, renders, settings):
    report = ready(county)
    version = selectors.latest_version(report)
    client = as_user(county.staff)

    first = client.get(version_pdf_url(version))
    second = client.get(version_pdf_url(version))
    viewer = as_user(county.viewer).get(version_pdf_url(version))  # another user allowed to see it

    assert first.status_code == second.status_code == viewer.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    content = body(first)
    assert content[:5] == b"%PDF-"
    assert body(second) == content == body(viewer)
    assert len(renders) == 1
    key = previews.preview_key(version)
    assert preview_files(settings) == [f"{key}.pdf"]

    # New content is a new key: rendered again, once.
    newer = save(report, county.staff, [{"level": Level.PARAGRAPH, "text": "改写后的正文。"}])
    assert client.get(version_pdf_url(newer)).status_code == 200
    assert client.get(version_pdf_url(newer)).status_code == 200
    assert len(renders) == 2
    assert len(preview_files(settings)) == 2
    assert as_user(county.outsider).get(version_pdf_url(newer)).status_code == 404


def test_old_previews_are_pruned_after_a_render(county, renders, settings):
    directory = previews.previews_dir()
    stale, fresh = directory / f"{'0' * 64}.pdf", directory / f"{'1' * 64}.pdf"
    stale.write_bytes(b"%PDF-old")
    fresh.write_bytes(b"%PDF-new")
    three_days_ago = time.time() - 3 * 24 * 3600
    os.utime(stale, (three_days_ago, three_days_ago))

    version = selectors.latest_version(ready(county))
    assert as_user(county.staff).get(version_pdf_url(version)).status_code == 200

    assert preview_files(settings) == sorted([fresh.name, f"{previews.preview_key(version)}.pdf"])


def long_draft(county, settings):
    settings.ZEREN_PREVIEW_BACKGROUND_BLOCKS = 5
    report = ready(county)
    blocks = [{"level": Level.PARAGRAPH, "text": f"第{i}段：本期按要求落实。"} for i in range(1, 8)]
    return save(report, county.staff, blocks)


def job_urls(job) -> dict[str, str]:
    return {name: reverse(f"reporting:{name}", args=[job.pk])
            for name in ("preview_job", "preview_job_progress", "preview_job_pdf")}


def test_a_long_draft_renders_in_the_background_with_a_progress_page_only_its_owner_sees(
    county, renders, settings, django_capture_on_commit_callbacks
):
    version = long_draft(county, settings)
    client = as_user(county.staff)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.get(version_pdf_url(version))
        again = client.get(version_pdf_url(version))  # asked twice before it is done: one job
    job = ExportJob.objects.get(kind="report_preview")
    urls = job_urls(job)
    assert response.status_code == again.status_code == 302
    assert response["Location"] == again["Location"] == urls["preview_job"]
    assert len(queued) == 1
    assert renders == []  # nothing rendered inside the request
    assert job.params == {"report": version.report_id, "number": version.number,
                          "key": previews.preview_key(version)}

    page = client.get(urls["preview_job"]).content.decode()
    assert 'data-status="pending"' in page
    assert f'hx-get="{urls["preview_job_progress"]}"' in page
    assert client.get(urls["preview_job_pdf"]).status_code == 404  # not rendered yet

    # Other users, even one who may view the report, never see this user's job.
    for user in (county.viewer, county.outsider, county.secretary):
        other = as_user(user)
        assert [other.get(url).status_code for url in urls.values()] == [404, 404, 404]

    tasks.render_report_preview.apply(args=[job.pk])  # the Celery task, run here
    tasks.render_report_preview.apply(args=[job.pk])  # a second delivery does nothing

    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.error) == ("done", 3, 3, "")
    assert job.file_name == f"{previews.preview_key(version)}.pdf"
    assert renders == [7]
    progress = client.get(urls["preview_job_progress"]).content.decode()
    assert 'data-status="done"' in progress and urls["preview_job_pdf"] in progress
    served = client.get(urls["preview_job_pdf"])
    content = body(served)
    assert served.status_code == 200 and content[:5] == b"%PDF-"
    assert [as_user(county.outsider).get(url).status_code for url in urls.values()] == [404, 404, 404]

    # Asked again, the preview is served from the cache: no new job, no new render.
    direct = client.get(version_pdf_url(version))
    assert direct.status_code == 200 and body(direct) == content
    assert ExportJob.objects.filter(kind="report_preview").count() == 1
    assert len(renders) == 1


def test_a_preview_job_whose_owner_lost_sight_of_the_report_fails_without_rendering(county, renders, settings):
    version = long_draft(county, settings)
    leaver = make_user("a_leaver", grants=[("view", county.org)])
    job = previews.preview_job_start(user=leaver, version=version, key=previews.preview_key(version))
    permissions.revoke(leaver, "view", county.org, actor=None)

    previews.preview_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "该报告已不存在，或您已无权查看。")
    assert renders == []
    assert as_user(leaver).get(job_urls(job)["preview_job"]).status_code == 404
