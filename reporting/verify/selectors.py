"""Reads for verification: the signed version whose PDF has a given SHA-256, and what to say of it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.models import ReportVersion
from responsibilities.periods import Period


def signed_version_by_hash(sha256: str) -> ReportVersion | None:
    return (
        ReportVersion.objects.filter(pdf_sha256=sha256, signed_at__isnull=False)
        .select_related("report__organization", "signer", "signed_by", "delegation__delegate")
        .first()
    )


# -- verification (验证) ----------------------------------------------------------------------------


def signed_version_of_file(chunks: Iterable[bytes]) -> ReportVersion | None:
    """The signed version whose stored PDF is byte-identical to the file read in `chunks`."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return signed_version_by_hash(digest.hexdigest())


def verification_lines(version: ReportVersion, *, detailed: bool) -> list[tuple[str, str]]:
    """What a verification tells about a genuine document, as (label, value) pairs.

    Without `detailed` (a viewer outside the issuing organization's scope) only what the document
    itself shows on its face: the document number and the issuing organization.
    """
    organization = version.report.organization
    lines = [(_("发文字号"), version.doc_number), (_("发文组织"), organization.name)]
    if not detailed:
        return lines
    signed_at = timezone.localtime(version.signed_at)
    lines += [
        (_("标题"), version.title),
        (_("报告类型"), version.report.get_kind_display()),
        (_("报告期间"), Period.parse(version.report.period).label if version.report.period else "—"),
        (_("版本"), _("第 %(n)s 版") % {"n": version.number}),
        (_("签发人"), version.signer.name if version.signer else "—"),
        (_("签发账号"), version.signed_by.get_username() if version.signed_by else "—"),
        (_("签发时间"), f"{signed_at:%Y-%m-%d %H:%M}"),
    ]
    if version.delegation_id:
        d = version.delegation
        lines.append((_("委托签发"), _("%(name)s受委托签发（委托期 %(start)s 至 %(end)s，事由：%(reason)s）") % {
            "name": d.delegate.name, "start": f"{d.start_date:%Y-%m-%d}", "end": f"{d.end_date:%Y-%m-%d}",
            "reason": d.reason}))
    lines.append(("SHA-256", version.pdf_sha256))
    return lines
