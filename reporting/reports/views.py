"""Formal reports: list, new report, the structured editor, versions and their differences, sign-off,
submission and the PDFs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from reporting import handoffs, previews
from reporting.delegations import services as delegations_services
from reporting.models import Delegation, Report, ReportAttachment, ReportKind, ReportVersion
from reporting.reports import diff, selectors, services
from reporting.reports.forms import (
    LEVEL_CHOICES,
    AttachmentUploadForm,
    ReportCreateForm,
    ReportEditForm,
    ReportFilterForm,
    SignForm,
    VersionCompareForm,
    apply_op,
    blocks_of,
    comparable,
    posted_blocks,
)
from responsibilities.forms import object_id
from responsibilities.jobs import ExportJob, job_timed_out
from responsibilities.models import Obligation, Organization, Person
from responsibilities.paging import PER_PAGE, CheapPage
from responsibilities.permissions import (
    Capability,
    can,
    get_for,
    get_own,
    has_any,
    organization_from,
)
from responsibilities.ratelimit import rate_limited
from responsibilities.text import chinese_date
from responsibilities.work.uploads import stored_file_response

LOCKED = (Report.Status.SUBMITTED, Report.Status.RECEIVED)  # in the upper organization's hands
SIGNABLE = (Report.Status.DRAFT, Report.Status.RETURNED)


def _reports() -> QuerySet[Report]:
    return Report.objects.select_related("organization", "created_by")


def _versions() -> QuerySet[ReportVersion]:
    return ReportVersion.objects.select_related(
        "report__organization", "created_by", "signer", "signed_by", "delegation__delegate"
    )


def _latest(report: Report) -> ReportVersion:
    return _versions().filter(report=report).order_by("-number").first()


# -- the document as a page and as plain text ------------------------------------------------------




def plain_paragraphs(version: ReportVersion) -> list[str]:
    """The text compared between versions: title, addressees, numbered body paragraphs (a paragraph
    may hold several lines), attachments."""
    doc = selectors.rendered(version)
    paragraphs = [
        _("标题：%(s)s") % {"s": version.title},
        _("主送：%(s)s") % {"s": version.addressee},
        _("抄送：%(s)s") % {"s": version.copy_to},
        "",
    ]
    paragraphs += [f"{block.number}{block.text}" for block in doc.blocks]
    for index, name in enumerate(doc.attachments):
        paragraphs.append((_("附件：") if index == 0 else "\u3000\u3000\u3000") + str(name))
    return paragraphs


# -- reports ---------------------------------------------------------------------------------------


@require_safe
def report_list(request: HttpRequest) -> HttpResponse:
    organization = organization_from(request.user, request.GET.get("org"), Capability.VIEW)
    form = ReportFilterForm(request.GET)
    reports = selectors.reports_visible(request.user)
    if organization is not None:
        reports = reports.filter(organization__path__startswith=organization.path)
    status = 200
    if form.is_valid():
        for field in ("kind", "status", "period"):
            if form.cleaned_data[field]:
                reports = reports.filter(**{field: form.cleaned_data[field]})
    else:
        reports, status = reports.none(), 400
    latest = ReportVersion.objects.filter(report=OuterRef("pk")).order_by("-number")
    reports = reports.annotate(
        latest_title=Subquery(latest.values("title")[:1]), latest_number=Subquery(latest.values("number")[:1])
    )
    context = {
        "organization": organization,
        "form": form,
        "page": Paginator(reports, PER_PAGE).get_page(request.GET.get("page")),
        "may_create": has_any(request.user, Capability.DRAFT_REPORT)
        and (organization is None or can(request.user, Capability.DRAFT_REPORT, organization)),
    }
    return render(request, "reporting/reports/report_list.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    value = request.POST.get("organization") if request.method == "POST" else request.GET.get("org")
    # A malformed posted id is the form's to refuse in Chinese; anything well-formed is checked like ?org=.
    if request.method == "POST" and object_id(value) is None:
        value = None
    initial = {}
    if request.method in ("GET", "HEAD") and "obligation" in request.GET:  # 「起草报告」 on a report task
        started = _start_from_task(request, request.GET["obligation"])
        if isinstance(started, HttpResponse):
            return started
        initial, value = started, str(started["organization"])
    organization = organization_from(request.user, value, Capability.DRAFT_REPORT)
    if organization is None and not has_any(request.user, Capability.DRAFT_REPORT):
        raise PermissionDenied(_("您没有起草报告的权限。"))
    form = ReportCreateForm(request.POST or None, user=request.user, organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid() and organization is not None:
        data = form.cleaned_data
        existing = selectors.periodic_report(organization, data["kind"], data["period"])
        if existing is not None:  # one per organization, kind and period: open it rather than refuse
            messages.info(request, _("%(org)s已有%(period)s的%(kind)s，已为您打开。") % {
                "org": organization.name, "period": data["period"].label, "kind": existing.get_kind_display()})
            return redirect("reporting:report_detail", pk=existing.pk)
        try:
            report = services.report_create(
                organization=organization, kind=data["kind"], period=data["period"], actor=request.user,
                title=data["title"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已新建报告草稿（第 1 版），请编辑正文。"))
            return redirect("reporting:report_edit", pk=report.pk)
    status = 400 if form.is_bound else 200
    return render(request, "reporting/reports/report_create.html", {"form": form, "organization": organization},
                  status=status)


def _start_from_task(request: HttpRequest, raw_pk: str) -> dict | HttpResponse:
    """The new-report form's values for a report task (organization, kind, period), or where to go
    instead: the report already started for it, or the board for a region summary."""
    pk = object_id(raw_pk)
    if pk is None:
        raise Http404
    obligation = get_for(request.user, Capability.DRAFT_REPORT,
                         Obligation.objects.select_related("work_system"), pk=pk)
    kind, existing = selectors.report_for_obligation(obligation)
    if kind is None:
        raise Http404
    if existing is not None:
        messages.info(request, _("该任务的报告已经起草，请继续办理。"))
        return redirect("reporting:report_detail", pk=existing.pk)
    if kind == ReportKind.SUMMARY:
        return redirect(reverse("reporting:board") + "?" + urlencode(
            {"org": obligation.organization_id, "period": obligation.period, "kind": ReportKind.HALF_YEAR}))
    return {"organization": obligation.organization_id, "kind": kind,
            "period": "" if kind == ReportKind.MAJOR else obligation.period}


@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_for(request.user, Capability.VIEW, _reports(), pk=pk)
    latest = _latest(report)
    user = request.user
    may_draft = can(user, Capability.DRAFT_REPORT, report)
    context = {
        "report": report,
        "doc": selectors.rendered(latest),
        "latest": latest,
        "versions": CheapPage(_versions().filter(report=report).order_by("-number"), request.GET.get("page"),
                              per_page=PER_PAGE),
        "submissions": report.submissions.select_related("to_organization", "submitted_by", "handled_by",
                                                         "version"),
        "may_edit": may_draft and report.status not in LOCKED,
        # The button only where the sign-off would go through (the one rule: _signing_check).
        "may_sign": can(user, Capability.SIGN_REPORT, report) and not _signing_check(report, latest, user)[0],
        "may_submit": _may_submit(user, report) and report.status == Report.Status.SIGNED,
        "sign_requested": handoffs.sign_requested_open(latest),
    }
    context["may_request_sign"] = (
        may_draft and report.status in SIGNABLE and not latest.is_signed and not context["sign_requested"]
    )
    return render(request, "reporting/reports/report_detail.html", context)


@require_POST
def report_request_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """提请签发: tell the signers the latest draft is ready (reporting.handoffs.signature_request)."""
    report = get_for(request.user, Capability.DRAFT_REPORT, _reports(), pk=pk)
    try:
        version, count = handoffs.signature_request(report=report, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已提请签发第 %(n)s 版，已通知 %(count)s 位可签发的同志。") % {
            "n": version.number, "count": count})
    return redirect("reporting:report_detail", pk=report.pk)


def _editor(request: HttpRequest, report: Report, latest: ReportVersion, form: ReportEditForm,
            blocks: list[dict], *, status: int = 200) -> HttpResponse:
    context = {
        **_blocks_context(report, blocks),
        "report": report,
        "latest": latest,
        "form": form,
        "head_fields": [form["title"], form["addressee"], form["copy_to"]],
        "tail_fields": [form["attachments"], form["note"]],
        "locked": report.status in LOCKED,
        "has_stats": any(b.get("facts") == selectors.FACTS_STATS for b in blocks),
        "files": latest.files.all(),
        "attachment_form": AttachmentUploadForm(),
        "max_attachments": services.MAX_ATTACHMENTS,
    }
    return render(request, "reporting/reports/report_edit.html", context, status=status)


def _blocks_context(report: Report, blocks: list[dict]) -> dict:
    return {
        "blocks": blocks,
        "level_choices": LEVEL_CHOICES,
        "max_blocks": services.MAX_BLOCKS,
        "edit_url": reverse("reporting:report_edit", args=[report.pk]),
    }


def _unchanged(form: ReportEditForm, blocks: list[dict], latest: ReportVersion) -> bool:
    data = form.cleaned_data
    return (
        data["title"].strip() == latest.title
        and data["addressee"].strip() == latest.addressee
        and data["copy_to"].strip() == latest.copy_to
        and form.attachment_list() == list(latest.attachments)
        and comparable(blocks) == comparable(blocks_of(latest))
    )


@require_http_methods(["GET", "HEAD", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The structured editor. Buttons that add, remove or move a block post the whole form and get
    it back re-rendered (only the block list under htmx); 保存 makes a new version."""
    report = get_for(request.user, Capability.DRAFT_REPORT, _reports(), pk=pk)
    latest = _latest(report)
    if request.method in ("GET", "HEAD"):
        return _editor(request, report, latest, ReportEditForm(initial=ReportEditForm.initial_for(latest)),
                       blocks_of(latest))

    blocks, block_errors = posted_blocks(request.POST)
    op = request.POST.get("op", "save")
    if op not in ("save", "refresh"):
        blocks = apply_op(blocks, op)
        if request.htmx:
            return render(request, "reporting/reports/_blocks.html", _blocks_context(report, blocks))
        # Not saved yet: the fields come back as typed, without complaining about what is unfinished.
        form = ReportEditForm(initial={name: request.POST.get(name, "") for name in ReportEditForm.base_fields})
        return _editor(request, report, latest, form, blocks)

    form = ReportEditForm(request.POST)
    valid = form.is_valid()
    for error in block_errors:
        form.add_error(None, error)
    if valid and not block_errors:
        data = form.cleaned_data
        try:
            if op == "refresh":
                if not _unchanged(form, blocks, latest):
                    raise ValidationError(_("请先保存您的修改，再刷新统计数据（刷新以已保存的最新版本为基础）。"))
                version = services.report_refresh_facts(report=report, actor=request.user)
            else:
                version = services.report_version_save(
                    report=report, actor=request.user, title=data["title"], addressee=data["addressee"],
                    copy_to=data["copy_to"], blocks=blocks, attachments=form.attachment_list(), note=data["note"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if op == "refresh":
                messages.success(request, _("已按最新数据刷新统计，保存为第 %(n)s 版。") % {"n": version.number})
                return redirect("reporting:report_edit", pk=report.pk)
            messages.success(request, _("已保存为第 %(n)s 版。") % {"n": version.number})
            return redirect("reporting:report_detail", pk=report.pk)
    return _editor(request, report, latest, form, blocks, status=400)


@require_safe
def report_versions(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_for(request.user, Capability.VIEW, _reports(), pk=pk)
    numbers = list(report.versions.order_by("number").values_list("number", flat=True))
    if "a" in request.GET or "b" in request.GET:
        form = VersionCompareForm(request.GET, numbers=numbers)
    else:
        form = VersionCompareForm({"a": numbers[-2] if len(numbers) > 1 else numbers[-1], "b": numbers[-1]},
                                  numbers=numbers)
    context = {
        "report": report,
        "form": form,
        "versions": CheapPage(_versions().filter(report=report).order_by("-number"), request.GET.get("page"),
                              per_page=PER_PAGE),
    }
    status = 200
    if form.is_valid():
        old, new = (
            _versions().get(report=report, number=form.cleaned_data[name]) for name in ("a", "b")
        )
        comparison = diff.compare(plain_paragraphs(old), plain_paragraphs(new))
        context.update(old=old, new=new, rows=comparison.rows, comparison=comparison)
    else:
        status = 400
    return render(request, "reporting/reports/report_versions.html", context, status=status)


def _signing_check(report: Report, version: ReportVersion, user) -> tuple[list[str], Person | None, Delegation | None]:
    """Why the service would refuse to sign now (nothing when it would sign), and in what capacity."""
    if version.is_signed:
        return [_("最新版本（第 %(n)s 版）已签发。") % {"n": version.number}], None, None
    if report.status not in SIGNABLE:
        return [_("报告当前状态为“%(s)s”，不能签发。") % {"s": report.get_status_display()}], None, None
    try:
        person, delegation = delegations_services.signing_capacity(
            organization=report.organization, actor=user, day=timezone.localdate()
        )
    except ValidationError as exc:
        return exc.messages, None, None
    return [], person, delegation


def _signature(report: Report, person: Person | None, delegation: Delegation | None) -> dict:
    """The signature block as it will print on the signing day: 发文机关署名, 成文日期, 印发."""
    today = timezone.localdate()
    return {
        "issuer": selectors.issuer_mark(report.organization),
        "signer": person.name if person else "",
        "organ": selectors.issuer_mark(report.organization),
        "date": chinese_date(today),
        "delegation_note": _("（%(name)s受委托签发）") % {"name": person.name} if delegation and person else "",
        "printer": _("%(org)s办公室") % {"org": report.organization.name},
    }


@require_http_methods(["GET", "HEAD", "POST"])
def report_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the whole document as it will print, what still stands in the way, who signs it. POST (with
    the signer's password): sign the version that was shown, or sign it and submit it upward in one step."""
    report = get_for(request.user, Capability.SIGN_REPORT, _reports(), pk=pk)
    latest = _latest(report)
    if request.method in ("GET", "HEAD") and latest.is_signed:  # an old 待签发 notice, the back button: nothing to sign
        messages.info(request, _("第 %(n)s 版已签发（%(no)s），无需再签发。") % {"n": latest.number, "no": latest.doc_number})
        return redirect("reporting:report_detail", pk=report.pk)
    upper = Organization.objects.get_parent(report.organization)
    errors: list[str] = []
    form = SignForm(request.POST or None, user=request.user, initial={"version": latest.number})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            version = report.versions.filter(number=data["version"]).first()
            try:
                if version is None:
                    raise ValidationError(_("没有该版本。"))
                if data["and_submit"]:
                    submission = services.report_sign_and_submit(version=version, actor=request.user)
                else:
                    signed = services.report_sign(version=version, actor=request.user)
            except ValidationError as exc:
                errors = exc.messages
            else:
                if data["and_submit"]:
                    messages.success(request, _("已签发并报送至%(org)s，发文字号 %(no)s（%(when)s）。") % {
                        "org": submission.to_organization.name, "no": submission.version.doc_number,
                        "when": _("按时") if submission.on_time else _("逾期")})
                    return redirect("reporting:report_detail", pk=report.pk)
                messages.success(request, _("已签发，发文字号 %(no)s。下一步：报送上级。") % {"no": signed.doc_number})
                return redirect("reporting:report_submit" if upper else "reporting:report_detail", pk=report.pk)
        else:
            errors = [e for field, field_errors in form.errors.items() if field != "password" for e in field_errors]
    refusals, person, delegation = _signing_check(report, latest, request.user)
    context = {
        "report": report,
        "latest": latest,
        "doc": selectors.rendered(latest),
        "form": form,
        "errors": errors,
        "refusals": [] if errors else refusals,
        # issue #9 §2: what the drafter must still write; the sign-off refuses it (services.report_sign).
        "problems": [] if latest.is_signed else selectors.signing_problems(latest.blocks),
        "may_edit": can(request.user, Capability.DRAFT_REPORT, report),
        "person": person,
        "delegation": delegation,
        "signature": _signature(report, person, delegation),
        "upper": upper,
        "today": timezone.localdate(),
    }
    return render(request, "reporting/reports/report_sign.html", context, status=400 if form.is_bound else 200)


def _may_submit(user, report: Report) -> bool:
    """The drafter's staff submit; so may the signer, whose next step after signing it is."""
    return can(user, Capability.DRAFT_REPORT, report) or can(user, Capability.SIGN_REPORT, report)


@require_http_methods(["GET", "HEAD", "POST"])
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what goes where. POST: submit the signed latest version to the upper organization."""
    report = get_for(request.user, Capability.VIEW, _reports(), pk=pk)
    if not _may_submit(request.user, report):
        raise PermissionDenied(_("您没有报送本组织报告的权限。"))
    latest = _latest(report)
    errors: list[str] = []
    if request.method == "POST":
        try:
            submission = services.report_submit(report=report, actor=request.user)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("已报送至%(org)s（%(when)s）。") % {
                "org": submission.to_organization.name, "when": _("按时") if submission.on_time else _("逾期")})
            return redirect("reporting:report_detail", pk=report.pk)
    refusals = []
    if report.status in LOCKED:
        refusals.append(_("报告已报送，等待上级处理。"))
    elif not latest.is_signed or report.status != Report.Status.SIGNED:
        refusals.append(_("报告须先由第一责任人签发，才能报送。"))
    context = {
        "report": report,
        "latest": latest,
        "upper": Organization.objects.get_parent(report.organization),
        "errors": errors,
        "refusals": [] if errors else refusals,
    }
    return render(request, "reporting/reports/report_submit.html", context, status=400 if errors else 200)


def _pdf_filename(version: ReportVersion) -> str:
    if version.is_signed:
        base = version.doc_number
    else:
        base = _("%(title)s（草稿第%(n)s版）") % {"title": version.title[:60], "n": version.number}
    return "".join("_" if ch in '/\\:*?"<>|' else ch for ch in base) + ".pdf"


@require_safe
@rate_limited("pdf")
def version_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """A signed version's stored PDF, byte for byte; an unsigned one rendered now with the draft mark.
    Inline by default, so the browser shows it; `?download=1` saves it."""
    version = get_for(request.user, Capability.VIEW, _versions(), report_id=pk, number=number)
    download = request.GET.get("download") == "1"
    filename = _pdf_filename(version)
    if version.is_signed:
        try:
            handle = open(services.signed_pdf_path(version), "rb")  # noqa: SIM115 (FileResponse closes it)
        except FileNotFoundError as exc:
            raise Http404(_("签发文件缺失，请联系系统管理员。")) from exc
        response = FileResponse(handle, as_attachment=download, filename=filename, content_type="application/pdf")
    else:
        # A draft: rendered once per content (previews.py), a long one in the background.
        key = previews.preview_key(version)
        path = previews.cached(key)
        if path is None and previews.is_long(version):
            job = previews.preview_job_start(user=request.user, version=version, key=key)
            return redirect("reporting:preview_job", pk=job.pk)
        path = path or previews.render_cached(version, key)
        response = HttpResponse(path.read_bytes(), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(download, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


# -- attachments (附件) -----------------------------------------------------------------------------


@require_http_methods(["POST"])
def report_attachments_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload files as the report's 附件: a new version carrying the earlier files and these."""
    report = get_for(request.user, Capability.DRAFT_REPORT, _reports(), pk=pk)
    form = AttachmentUploadForm(request.POST, request.FILES)
    if getattr(request, "upload_refused", False):
        pass  # LimitedUploadHandler has told the user why in a message
    elif not form.is_valid():
        for error in form.errors.get("files", []):
            messages.error(request, error)
    else:
        try:
            version = services.report_attachments_add(report=report, actor=request.user,
                                                      files=form.cleaned_data["files"])
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("已上传附件，保存为第 %(n)s 版。") % {"n": version.number})
    return redirect(reverse("reporting:report_edit", args=[report.pk]) + "#attachments")


@require_http_methods(["POST"])
def report_attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    report = get_for(request.user, Capability.DRAFT_REPORT, _reports(), pk=pk)
    attachment = get_for(request.user, Capability.DRAFT_REPORT,
                         ReportAttachment.objects.select_related("version__report__organization"),
                         pk=attachment_pk, version__report=report)
    try:
        version = services.report_attachment_remove(report=report, actor=request.user, attachment=attachment)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("已移除附件“%(name)s”，保存为第 %(n)s 版。") % {
            "name": attachment.title, "n": version.number})
    return redirect(reverse("reporting:report_edit", args=[report.pk]) + "#attachments")


@require_safe
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A report attachment, for whoever may see the report: its organization and the levels above it,
    which is where the report is submitted (404 for anyone else)."""
    attachment = get_for(request.user, Capability.VIEW,
                         ReportAttachment.objects.select_related("version__report__organization"), pk=pk)
    return stored_file_response(stored_name=attachment.stored_name, filename=attachment.original_name,
                                content_type=attachment.content_type, what=f"report attachment {attachment.pk}")


# -- a long draft's PDF preview, rendered in the background (previews.py) ---------------------------


def _own_preview_job(request: HttpRequest, pk: int) -> tuple[ExportJob, ReportVersion]:
    """The user's own preview job and the version it previews, checked again now (404 otherwise)."""
    job = get_own(request.user, ExportJob.objects.filter(kind=previews.KIND), pk=pk)
    version = get_for(request.user, Capability.VIEW, ReportVersion.objects.select_related("report__organization"),
                      report_id=job.params.get("report"), number=job.params.get("number"))
    return job, version


def _preview_context(job: ExportJob, version: ReportVersion) -> dict:
    return {"job": job, "version": version, "report": version.report, "timed_out": job_timed_out(job)}


@require_safe
def preview_job(request: HttpRequest, pk: int) -> HttpResponse:
    job, version = _own_preview_job(request, pk)
    return render(request, "reporting/reports/preview_job.html", _preview_context(job, version))


@require_safe
def preview_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job, version = _own_preview_job(request, pk)
    return render(request, "reporting/reports/preview_job_progress.html", _preview_context(job, version))


@require_safe
def preview_job_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    job, version = _own_preview_job(request, pk)
    path = previews.preview_path(job)
    if path is None:
        raise Http404(_("该预览不存在或已失效，请重新预览。"))
    filename = _pdf_filename(version)
    response = FileResponse(path.open("rb"), as_attachment=request.GET.get("download") == "1", filename=filename,
                            content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response

