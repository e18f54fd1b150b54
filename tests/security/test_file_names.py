"""Hostile file names (issue #11 §1): path parts, NUL and other control characters, absurd length and the
right-to-left override are stored as a clean display name beside a random stored name inside the upload
folder, and served only through a view that checked the permission, as an attachment whose
Content-Disposition cannot be broken out of."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from responsibilities.work import services as work
from responsibilities.work.uploads import stored_path, upload_dir
from tests.responsibilities.permission_world import client_for, rolled_back

pytestmark = pytest.mark.django_db


def pdf_bytes(token: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": token})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


HOSTILE = {  # the name a browser may send → the name kept and offered for download
    "../../../etc/passwd.pdf": "passwd.pdf",
    "..\\..\\windows\\system32\\签到表.pdf": "签到表.pdf",
    "/var/lib/zeren/uploads/evidence/x.pdf": "x.pdf",
    "a\x00b\x1f\x7fc.pdf": "abc.pdf",
    "line\r\nSet-Cookie: x=1.pdf": "lineSet-Cookie: x=1.pdf",
    "invoice\u202efdp.exe.pdf": "invoicefdp.exe.pdf",  # U+202E (RTL override) would print the rest reversed
    "长" * 300 + ".pdf": "长" * 150 + ".pdf",
    "...pdf": "file.pdf",
    "  .pdf ": "file.pdf",
}


@pytest.mark.parametrize("sent", list(HOSTILE))
def test_a_hostile_name_is_stored_clean_beside_a_random_stored_name(world, sent):
    with rolled_back():
        [evidence] = work.obligation_add_files(
            obligation=world.obligations["own"], actor=world.users["county_a_staff"], complete=False,
            uploads=[SimpleUploadedFile(sent, pdf_bytes(sent), "application/pdf")])
        assert evidence.original_name == HOSTILE[sent]
        assert re.fullmatch(r"[0-9a-f]{32}\.pdf", evidence.stored_name)
        assert stored_path(evidence.stored_name).parent == upload_dir().resolve()

        response = client_for(world, "county_a_staff").get(
            reverse("responsibilities:evidence_download", args=[evidence.pk]))
        disposition = response["Content-Disposition"]
        assert response.status_code == 200
        assert disposition.startswith("attachment;")
        assert not set(disposition) & {"\r", "\n", "\x00", "\u202e", "/", "\\"}
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert b"".join(response.streaming_content) == pdf_bytes(sent)


def test_a_stored_name_that_leaves_the_upload_folder_is_refused(world):
    from django.core.exceptions import ValidationError

    for name in ("../secret.pdf", "../../etc/passwd", "/etc/passwd", "sub/../../x.pdf"):
        with pytest.raises(ValidationError):
            stored_path(name)


@pytest.mark.parametrize("persona", ["sibling_user", "anonymous", "city_inspector"])
def test_a_file_is_served_only_through_the_permission_checked_view(world, persona):
    evidence = world.evidence["own"]
    response = client_for(world, persona).get(reverse("responsibilities:evidence_download", args=[evidence.pk]))
    assert response.status_code in {"sibling_user": (404,), "anonymous": (302,), "city_inspector": (200,)}[persona]
    if response.status_code != 200:
        assert b"evidence-of-own" not in response.content


def test_no_url_serves_the_upload_folder(world):
    evidence = world.evidence["own"]
    client = client_for(world, "admin")
    for url in (f"/media/evidence/{evidence.stored_name}", f"/uploads/evidence/{evidence.stored_name}",
                f"/static/../uploads/evidence/{evidence.stored_name}", f"/evidence/{evidence.stored_name}"):
        assert client.get(url).status_code == 404
    assert Path(world.uploads, "evidence", evidence.stored_name).is_file()
