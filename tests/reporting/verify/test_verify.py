"""验证: a PDF is genuine only when byte-identical to a signed version — on the page and on the command line."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from reporting.delegations import services as delegations_services
from reporting.models import ReportKind, ReportVersion
from reporting.reports import services as reports_services
from reporting.verify import forms as verify_forms
from reporting.verify import selectors as verify_selectors
from responsibilities.periods import Period
from responsibilities.scheduling import services as scheduling
from tests.factories import make_assignment, make_person, make_user
from tests.reporting.board.test_board import client_of
from tests.reporting.writing import write_up

D = dt.date


@pytest.fixture
def signed_version(tree) -> ReportVersion:
    drafter = make_user("a_xcb", grants=[("view", tree.county_a), ("draft_report", tree.county_a)])
    secretary = make_user("a_shuji", grants=[("view", tree.county_a), ("sign_report", tree.county_a)])
    person = make_person("王建华", organization=tree.county_a, user=secretary, title="县委书记")
    make_assignment(person=person, organization=tree.county_a, role="secretary", start=D(2024, 1, 1))
    report = reports_services.report_create(organization=tree.county_a, kind=ReportKind.HALF_YEAR,
                                    period=Period.parse("2026H1"), actor=drafter)
    return reports_services.report_sign(version=write_up(report), actor=secretary,
                                now=scheduling.local_moment(D(2026, 6, 15), 10))


def stored_pdf(version: ReportVersion) -> bytes:
    return reports_services.signed_pdf_path(version).read_bytes()


def altered(pdf: bytes) -> bytes:
    middle = len(pdf) // 2
    return pdf[:middle] + bytes([pdf[middle] ^ 0x01]) + pdf[middle + 1:]


def upload(client, content: bytes, name: str = "报告.pdf"):
    return client.post(reverse("reporting:verify"), {"file": SimpleUploadedFile(name, content, "application/pdf")})


def test_the_stored_signed_pdf_verifies_with_every_detail(tree, signed_version):
    viewer = make_user("a_viewer", grants=[("view", tree.county_a)])

    response = upload(client_of(viewer), stored_pdf(signed_version))

    text = response.content.decode()
    assert response.status_code == 200
    assert 'data-genuine="1"' in text and "验证通过" in text
    for shown in ("A县委〔2026〕1号", "A县委", signed_version.title, "王建华", "a_shuji", "2026-06-15 10:00",
                  "2026年上半年", signed_version.pdf_sha256):
        assert shown in text
    assert reverse("reporting:report_detail", args=[signed_version.report_id]) in text


def test_a_pdf_with_one_byte_changed_does_not_verify(tree, signed_version):
    viewer = make_user("a_viewer", grants=[("view", tree.county_a)])

    response = upload(client_of(viewer), altered(stored_pdf(signed_version)))

    text = response.content.decode()
    assert response.status_code == 200
    assert 'data-genuine="0"' in text and "不是本系统签发的文件或文件已被改动" in text
    assert "A县委〔2026〕1号" not in text


def test_outside_the_issuers_scope_only_the_number_and_issuer_are_told(tree, signed_version):
    outsider = make_user("b_viewer", grants=[("view", tree.county_b)])

    text = upload(client_of(outsider), stored_pdf(signed_version)).content.decode()

    assert "验证通过" in text and "A县委〔2026〕1号" in text and "A县委" in text
    for hidden in (signed_version.title, "王建华", "a_shuji", signed_version.pdf_sha256,
                   reverse("reporting:report_detail", args=[signed_version.report_id])):
        assert hidden not in text
    assert "您无权查看该组织的报告" in text


def test_a_delegated_signature_names_the_delegate_and_the_window(tree, signed_version):
    county = tree.county_a
    deputy_user = make_user("deputy", grants=[("view", county), ("sign_report", county)])
    deputy = make_person("赵副书记", organization=county, user=deputy_user)
    make_assignment(person=deputy, organization=county, role="direct", start=D(2024, 1, 1))
    delegations_services.delegation_create(organization=county, delegate=deputy, start_date=D(2026, 7, 1),
                                           end_date=D(2026, 7, 10), reason="书记外出学习",
                                           actor=signed_version.signed_by, now=scheduling.local_moment(D(2026, 6, 20)))
    report = reports_services.report_create(organization=county, kind=ReportKind.MAJOR, period=None, actor=None)
    version = reports_services.report_sign(version=write_up(report), actor=deputy_user,
                                   now=scheduling.local_moment(D(2026, 7, 3), 9))

    text = upload(client_of(deputy_user), stored_pdf(version)).content.decode()

    assert "赵副书记受委托签发（委托期 2026-07-01 至 2026-07-10，事由：书记外出学习）" in text


def test_a_file_that_is_not_a_pdf_is_refused(tree):
    response = upload(client_of(make_user("someone")), b"<html>not a pdf</html>", "报告.pdf")

    assert response.status_code == 400
    assert "这不是 PDF 文件。" in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(tree, monkeypatch):
    monkeypatch.setattr(verify_forms, "MAX_VERIFY_BYTES", 64)

    response = upload(client_of(make_user("someone")), b"%PDF-1.7\n" + b"0" * 100)

    assert response.status_code == 400
    assert "文件超过 20 MB" in response.content.decode()


def test_the_page_needs_a_login_and_shows_the_form(tree):
    assert client_of(make_user("someone")).get(reverse("reporting:verify")).status_code == 200
    response = Client().get(reverse("reporting:verify"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_unsigned_hash_is_not_found(signed_version):
    assert verify_selectors.signed_version_by_hash(signed_version.pdf_sha256) == signed_version
    assert verify_selectors.signed_version_by_hash("0" * 64) is None


# --- python manage.py verify_pdf FILE -----------------------------------------------------------


def test_the_command_says_genuine_in_chinese_and_exits_zero(signed_version, tmp_path):
    path = tmp_path / "received.pdf"
    path.write_bytes(stored_pdf(signed_version))
    out = StringIO()

    call_command("verify_pdf", str(path), stdout=out)  # returns: exit code 0

    text = out.getvalue()
    assert text.startswith("验证通过：received.pdf 与本系统签发的文件逐字节一致。")
    for line in ("发文字号：A县委〔2026〕1号", "发文组织：A县委", "签发人：王建华", "签发时间：2026-06-15 10:00",
                 f"SHA-256：{signed_version.pdf_sha256}"):
        assert line in text


def test_the_command_says_not_genuine_and_exits_one(signed_version, tmp_path):
    path = tmp_path / "received.pdf"
    path.write_bytes(altered(stored_pdf(signed_version)))
    out = StringIO()

    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_pdf", str(path), stdout=out)

    assert exit_info.value.code == 1
    assert out.getvalue() == "验证未通过：received.pdf 不是本系统签发的文件或文件已被改动。\n"


def test_the_command_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("verify_pdf", str(tmp_path / "none.pdf"))
