"""Case pages: list, create (blank or from a finding), detail with the workflow, subjects, the
responsibility proposal and its override, measures, the decision document, filing. Everyone in
scope reads; case work takes `inspect` on the subject organization."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accountability.cases import selectors, services
from accountability.cases.document import decision_document
from accountability.cases.forms import (
    AuthorityForm,
    CaseFilterForm,
    CaseForm,
    DeterminationForm,
    FactsDateForm,
    FilesForm,
    MeasureForm,
    OverrideForm,
    TransitionForm,
)
from accountability.evidence import file_response
from accountability.models import Case, CaseSubject, Finding
from responsibilities.forms import object_id
from responsibilities.models import Organization, Person
from responsibilities.org.selectors import organization_ancestors, organization_choices
from responsibilities.paging import PER_PAGE
from responsibilities.permissions import Capability, can, get_for, organization_from
from responsibilities.ratelimit import rate_limited
from responsibilities.work.uploads import refuse_cut_batch

TEMPLATES = "accountability/cases/"


@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    organization = organization_from(request.user, request.GET.get("org"))
    form = CaseFilterForm(request.GET)
    status = 200
    if form.is_valid():
        cases = selectors.cases_filtered(request.user, organization=organization, status=form.cleaned_data["status"])
    else:
        cases, status = selectors.cases_visible(request.user).none(), 400
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "organization": organization,
               "may_create": organization is not None and can(request.user, Capability.INSPECT, organization)}
    return render(request, TEMPLATES + "case_list.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    """A new case: ?finding=<pk> escalates a finding; else ?org=<pk>&facts_date=YYYY-MM-DD (step one
    picks the date, which decides the team offered as subjects)."""
    finding = None
    if request.GET.get("finding"):
        finding = get_for(request.user, Capability.INSPECT, Finding.objects.select_related("organization"),
                          pk=object_id(request.GET["finding"]) or 0)
        organization, day = finding.organization, finding.facts_date
    else:
        organization = organization_from(request.user, request.GET.get("org"), Capability.INSPECT)
        if organization is None:
            return render(request, TEMPLATES + "case_pick.html",
                          {"choices": organization_choices(request.user, Capability.INSPECT)})
        step = FactsDateForm(request.GET if "facts_date" in request.GET else None)
        if not step.is_valid():
            return render(request, TEMPLATES + "case_pick.html", {"organization": organization, "step": step},
                          status=400 if step.is_bound else 200)
        day = step.cleaned_data["facts_date"]
    team = services.team_on_facts_date(organization, day)
    initial = {"source": Case.Source.FINDING if finding else Case.Source.INSPECTION, "collective": True}
    if finding:
        initial.update(title=_("%(org)s问题整改问责") % {"org": organization.name}, facts=finding.description,
                       source_reference=finding.source_reference,
                       people=[str(finding.responsible_person_id)] if finding.responsible_person_id else [])
    posted = request.method == "POST"
    form = CaseForm(request.POST if posted else None, request.FILES if posted else None, team=team, initial=initial)
    if posted:
        refuse_cut_batch(request, form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        people = list(Person.objects.filter(pk__in=[int(p) for p in data["people"]]))
        try:
            if finding:
                case = services.case_from_finding(finding=finding, actor=request.user, title=data["title"],
                                                  collective=data["collective"], people=people,
                                                  circumstances=list(data["circumstances"]))
            else:
                case = services.case_open(
                    organization=organization, facts_date=day, actor=request.user, title=data["title"],
                    source=data["source"], source_reference=data["source_reference"], facts=data["facts"],
                    circumstances=list(data["circumstances"]), collective=data["collective"], people=people,
                    proposer=data["proposer"], uploads=data["files"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("案件已登记。下一步：转入初核。"))
            return redirect("accountability:case_detail", pk=case.pk)
    context = {"form": form, "organization": organization, "day": day, "finding": finding, "team": team}
    return render(request, TEMPLATES + "case_create.html", context, status=400 if form.is_bound else 200)


def _cases():
    return Case.objects.select_related("organization", "authority", "finding", "decided_by", "created_by")


def _next_steps(case: Case) -> list[tuple[str, str, str | None]]:
    """(status, label, refusal or None) for each step the case may take from here."""
    return [(to, Case.Status(to).label, services.transition_refusal(case, to, note="-", filing_to="-"))
            for to in services.TRANSITIONS.get(case.status, ())]


def _detail_context(request: HttpRequest, case: Case, **forms) -> dict:
    may_work = can(request.user, Capability.INSPECT, case)
    editable = may_work and case.status in services.EDITABLE
    subjects = services.ordered_subjects(case)
    people = [s for s in subjects if not s.is_team]
    return {
        "case": case, "subjects": subjects, "may_work": may_work, "editable": editable,
        "circumstances": case.circumstances.all(), "files": case.files.all(), "history": selectors.history_rows(case),
        "steps": _next_steps(case) if may_work else [],
        "determination_form": forms.get("determination_form") or (
            DeterminationForm(subjects=people, initial={"mode": case.decision_mode,
                                                        "decided_by": case.decided_by_id}) if editable and people else None),
        "measure_form": MeasureForm() if editable else None,
        "authorities": organization_ancestors(case.organization) if editable else [],
        "authority_refusal": services.authority_refusal(case.authority, case.organization),
        "files_form": forms.get("files_form") or (FilesForm() if may_work else None),
        "errors": forms.get("errors", []),
        "now": timezone.now(),
    }


@require_safe
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_for(request.user, Capability.VIEW, _cases(), pk=pk)
    return render(request, TEMPLATES + "case_detail.html", _detail_context(request, case))


def _refused(request: HttpRequest, case: Case, exc: ValidationError, **forms) -> HttpResponse:
    return render(request, TEMPLATES + "case_detail.html",
                  _detail_context(request, case, errors=exc.messages, **forms), status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def case_transition(request: HttpRequest, pk: int, to: str) -> HttpResponse:
    """GET: the confirmation (or why the step is refused). POST: take the step."""
    case = get_for(request.user, Capability.INSPECT, _cases(), pk=pk)
    if to not in Case.Status.values:
        raise Http404(_("未找到该对象，或您无权查看。"))
    posted = request.POST if request.method == "POST" else None
    form = TransitionForm(posted, initial={"filing_to": case.filing_to})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_transition(case=case, to=to, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("案件已转为“%(s)s”。") % {"s": Case.Status(to).label})
            return redirect("accountability:case_detail", pk=case.pk)
    refusal = services.transition_refusal(case, to, note="-", filing_to="-")
    context = {"case": case, "to": to, "to_label": Case.Status(to).label, "form": form, "refusal": refusal}
    return render(request, TEMPLATES + "case_transition.html", context, status=400 if form.is_bound else 200)


@require_POST
def case_determine(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_for(request.user, Capability.INSPECT, _cases(), pk=pk)
    people = list(case.subjects.filter(person__isnull=False).select_related("person"))
    form = DeterminationForm(request.POST, subjects=people)
    if form.is_valid():
        decided_by = Person.objects.filter(pk=form.cleaned_data["decided_by"]).first()
        try:
            services.case_determine(case=case, actor=request.user, mode=form.cleaned_data["mode"],
                                    facts=form.facts(), decided_by=decided_by)
        except ValidationError as exc:
            return _refused(request, case, exc, determination_form=form)
        messages.success(request, _("已按第十三条提出责任认定建议。请核对，必要时写明理由调整；下一步选定问责措施。"))
        return redirect("accountability:case_detail", pk=case.pk)
    return _refused(request, case, ValidationError(_("请检查决策情况。")), determination_form=form)


def _subject(request: HttpRequest, pk: int) -> CaseSubject:
    subject = CaseSubject.objects.select_related("case__organization", "person").filter(pk=pk).first()
    if subject is None:
        raise Http404(_("未找到该对象，或您无权查看。"))
    get_for(request.user, Capability.INSPECT, Case.objects.all(), pk=subject.case_id)
    return subject


@require_http_methods(["GET", "HEAD", "POST"])
def subject_override(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the override form with the proposal and its clause. POST: record it (a reason is required)."""
    subject = _subject(request, pk)
    posted = request.POST if request.method == "POST" else None
    form = OverrideForm(posted, initial={"responsibility": subject.responsibility})
    if request.method == "POST" and form.is_valid():
        try:
            services.subject_override(subject=subject, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("责任认定已调整，理由已记入日志。"))
            return redirect("accountability:case_detail", pk=subject.case_id)
    return render(request, TEMPLATES + "subject_override.html", {"subject": subject, "case": subject.case, "form": form},
                  status=400 if form.is_bound else 200)


@require_POST
def subject_measure(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _subject(request, pk)
    form = MeasureForm(request.POST)
    if form.is_valid():
        try:
            services.subject_set_measure(subject=subject, actor=request.user, measure=form.cleaned_data["measure"])
        except ValidationError as exc:
            return _refused(request, subject.case, exc)
        messages.success(request, _("问责措施已选定。"))
        return redirect("accountability:case_detail", pk=subject.case_id)
    return _refused(request, subject.case, ValidationError(_("请选择问责措施。")))


@require_POST
def case_authority(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_for(request.user, Capability.INSPECT, _cases(), pk=pk)
    form = AuthorityForm(request.POST)
    authority = Organization.objects.filter(pk=form.cleaned_data["authority"]).first() if form.is_valid() else None
    if authority is None:
        return _refused(request, case, ValidationError(_("请选择问责决定机关。")))
    try:
        services.case_set_authority(case=case, actor=request.user, authority=authority)
    except ValidationError as exc:
        return _refused(request, case, exc)
    messages.success(request, _("问责决定机关已设为%(org)s。") % {"org": authority.name})
    return redirect("accountability:case_detail", pk=case.pk)


@require_POST
def case_files(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_for(request.user, Capability.INSPECT, _cases(), pk=pk)
    form = FilesForm(request.POST, request.FILES)
    refuse_cut_batch(request, form)
    if form.is_valid():
        try:
            services.case_add_files(case=case, actor=request.user, uploads=form.cleaned_data["files"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("证据材料已上传。"))
            return redirect("accountability:case_detail", pk=case.pk)
    return _refused(request, case, ValidationError(form.errors.get("files") or _("请选择要上传的文件。")),
                    files_form=form)


@require_safe
def case_file(request: HttpRequest, pk: int, file_pk: int):
    case = get_for(request.user, Capability.VIEW, _cases(), pk=pk)
    file = case.files.filter(pk=file_pk).first()
    if file is None:
        raise Http404(_("未找到该对象，或您无权查看。"))
    return file_response(file)


@require_safe
@rate_limited("pdf")
def case_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The 问责决定书: the stored PDF once decided (everyone in scope); before that a watermarked draft
    for those working the case."""
    from accountability.cases.services import decision_dir
    from reporting.pdf import render_pdf

    if Case.objects.filter(pk=pk, decision_pdf="").exists():
        case = get_for(request.user, Capability.INSPECT, _cases(), pk=pk)
        pdf, name = render_pdf(decision_document(case, draft=True)), f"问责决定书（草稿）-{case.pk}.pdf"
    else:
        case = get_for(request.user, Capability.VIEW, _cases(), pk=pk)
        try:
            pdf = (decision_dir() / case.decision_pdf).read_bytes()
        except FileNotFoundError as exc:
            raise Http404(_("文件已不存在，请联系系统管理员。")) from exc
        name = f"{case.decision_number or '问责决定书'}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(request.GET.get("download") == "1", name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
