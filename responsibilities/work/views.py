"""我的工作, obligations with their evidence, evidence downloads and the notification inbox."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from responsibilities.forms import object_id
from responsibilities.models import (
    EvidenceFile,
    EvidenceKind,
    MeetingRecord,
    Obligation,
    Person,
)
from responsibilities.org.selectors import team_on
from responsibilities.permissions import Capability, can, get_for, has_any
from responsibilities.work import selectors, services, uploads
from responsibilities.work.forms import FilesForm, MeetingCorrectForm, MeetingForm, ReasonForm
from responsibilities.work.uploads import stored_file_response


@require_safe
def my_work(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.my_open_obligations(request.user), 30).get_page(request.GET.get("page"))
    context = {"page": page, "may_draft": has_any(request.user, Capability.DRAFT_REPORT)}
    return render(request, "responsibilities/work/my_work.html", context)


def _team(obligation: Obligation):
    """The people offered as chair and attendees: the organization's leadership team today."""
    return team_on(obligation.organization_id, timezone.localdate())


def _obligation_context(request, obligation: Obligation, **forms) -> dict:
    may_manage = can(request.user, Capability.MANAGE, obligation)
    evidence = obligation.work_system.evidence
    meetings = list(selectors.meetings_with_entry_marks(
        obligation.meetings.select_related("chair", "created_by").prefetch_related("attendees", "files")
    ))
    context = {
        "ob": obligation,
        "may_manage": may_manage,
        "may_draft": obligation.is_open and can(request.user, Capability.DRAFT_REPORT, obligation),
        "meetings": meetings,
        "meetings_in_force": sum(1 for m in meetings if m.withdrawn_at is None),
        "files": obligation.files.filter(meeting__isnull=True),
        "events": obligation.events.select_related("actor"),
        "evidence_kind": evidence,
        "meeting_files_form": FilesForm() if may_manage else None,
    }
    if may_manage and obligation.is_open:
        if evidence == EvidenceKind.MEETING:
            context["meeting_form"] = forms.get("meeting_form") or MeetingForm(
                people=_team(obligation), with_files=True, initial={"held_on": timezone.localdate()}
            )
        elif evidence == EvidenceKind.DOCUMENT:
            context["files_form"] = forms.get("files_form") or FilesForm()
        if services.may_waive(request.user, obligation):
            context["waive_form"] = forms.get("waive_form") or ReasonForm()
    elif services.may_reopen(request.user, obligation):
        context["reopen_form"] = forms.get("reopen_form") or ReasonForm()
    return context


def _back(request: HttpRequest, obligation: Obligation) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect("responsibilities:obligation_detail", pk=obligation.pk)


@require_safe
def obligation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = get_for(request.user, Capability.VIEW, Obligation.objects.select_related("organization", "work_system"), pk=pk)
    return render(request, "responsibilities/work/obligation_detail.html", _obligation_context(request, obligation))


def _manageable(request: HttpRequest, pk: int) -> Obligation:
    return get_for(request.user, Capability.MANAGE, Obligation.objects.select_related("organization", "work_system"), pk=pk)


def _act(request: HttpRequest, pk: int, *, form_key: str, form, action, done: str, error_field: str | None):
    """One obligation action: check the right, validate, call one service, then redirect or show the errors."""
    obligation = _manageable(request, pk)
    form = form(obligation)
    uploads.refuse_cut_batch(request, form)
    if form.is_valid():
        try:
            action(obligation, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(error_field, exc)
        else:
            messages.success(request, done)
            return _back(request, obligation)
    if request.FILES:  # a browser cannot keep the chosen files across a refused form: say so, not drop them silently
        form.add_error(None, _("所选文件尚未保存：请修正后重新选择文件再提交。"))
    context = _obligation_context(request, obligation, **{form_key: form})
    return render(request, "responsibilities/work/obligation_detail.html", context, status=400)


def _meeting_data(data: dict) -> dict:
    data = dict(data)
    uploads, file_title = data.pop("files", []), data.pop("file_title", "")
    return {**data, "uploads": uploads, "file_title": file_title}


@require_POST
def obligation_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, form_key="meeting_form", error_field=None, done=_("已登记会议记录。"),
        form=lambda ob: MeetingForm(request.POST, request.FILES, people=_team(ob), with_files=True),
        action=lambda ob, data: services.obligation_add_meeting(
            obligation=ob, actor=request.user, **_meeting_data(data)),
    )


@require_POST
def obligation_files(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, form_key="files_form", error_field="files", done=_("已上传佐证材料，任务已完成。"),
        form=lambda ob: FilesForm(request.POST, request.FILES),
        action=lambda ob, data: services.obligation_add_files(
            obligation=ob, actor=request.user, uploads=data["files"], title=data["title"]
        ),
    )


def _decide(request: HttpRequest, pk: int, *, may, refusal: str, form_key: str, done: str, service) -> HttpResponse:
    """Waive or reopen: a reason, and a rule of who may (`may`, the one its service also asks)."""
    if not may(request.user, _manageable(request, pk)):
        raise PermissionDenied(refusal)
    return _act(
        request, pk, form_key=form_key, error_field="reason", done=done, form=lambda ob: ReasonForm(request.POST),
        action=lambda ob, data: service(obligation=ob, actor=request.user, reason=data["reason"]),
    )


@require_POST
def obligation_waive(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request, pk, may=services.may_waive, form_key="waive_form", done=_("已免除该任务。"),
        refusal=_("免除须由上级组织决定：本组织工作人员不能免除本组织的任务。"), service=services.obligation_waive,
    )


@require_POST
def obligation_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request, pk, may=services.may_reopen, form_key="reopen_form", done=_("已重新打开该任务。"),
        refusal=_("撤销免除须由上级组织决定：本组织工作人员不能重新打开已免除的任务。"), service=services.obligation_reopen,
    )


# -- a meeting record: its files, correction (更正) and withdrawal (撤回) --------------------------


def _manageable_meeting(request: HttpRequest, pk: int) -> MeetingRecord:
    qs = MeetingRecord.objects.select_related("obligation__organization", "obligation__work_system", "chair")
    return get_for(request.user, Capability.MANAGE, qs, pk=pk)


def _meeting_people(meeting: MeetingRecord):
    """Today's team, and whoever the record already names (a correction of last year's meeting)."""
    named = meeting.attendees.values("pk")
    team = _team(meeting.obligation).values("pk")
    return Person.objects.filter(Q(pk__in=team) | Q(pk__in=named) | Q(pk=meeting.chair_id)).order_by("name", "pk")


@require_POST
def meeting_files(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _manageable_meeting(request, pk)
    form = FilesForm(request.POST, request.FILES)
    uploads.refuse_cut_batch(request, form)
    if form.is_valid():
        try:
            services.meeting_add_files(meeting=meeting, actor=request.user, uploads=form.cleaned_data["files"],
                                       title=form.cleaned_data["title"])
        except ValidationError as exc:
            form.add_error("files", exc)
        else:
            messages.success(request, _("已上传会议记录附件。"))
            return redirect("responsibilities:obligation_detail", pk=meeting.obligation_id)
    for error in form.errors.get("files", []) + form.errors.get("title", []):
        messages.error(request, error)
    context = _obligation_context(request, meeting.obligation)
    return render(request, "responsibilities/work/obligation_detail.html", context, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_correct(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _manageable_meeting(request, pk)
    initial = {
        "held_on": meeting.held_on, "place": meeting.place, "chair": meeting.chair_id,
        "attendees": [p.pk for p in meeting.attendees.all()], "other_attendees": meeting.other_attendees,
        "topic": meeting.topic, "discussion": meeting.discussion, "decisions": meeting.decisions,
    }
    form = MeetingCorrectForm(request.POST or None, people=_meeting_people(meeting), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_correct(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已更正会议记录，更正前的内容保留在办理记录中。"))
            return redirect("responsibilities:obligation_detail", pk=meeting.obligation_id)
    context = {"meeting": meeting, "ob": meeting.obligation, "form": form}
    return render(request, "responsibilities/work/meeting_correct.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _manageable_meeting(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_withdraw(meeting=meeting, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", exc)
        else:
            messages.success(request, _("已撤回会议记录。"))
            return redirect("responsibilities:obligation_detail", pk=meeting.obligation_id)
    context = {"meeting": meeting, "ob": meeting.obligation, "form": form,
               "reopens": services.withdraw_reopens(meeting)}
    return render(request, "responsibilities/work/meeting_withdraw.html", context, status=400 if form.errors else 200)


@require_safe
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_for(request.user, Capability.VIEW, EvidenceFile.objects.select_related("obligation__organization"), pk=pk)
    return stored_file_response(stored_name=evidence.stored_name, filename=evidence.original_name,
                                content_type=evidence.content_type, what=f"evidence of obligation {evidence.obligation_id}")


@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "responsibilities/work/inbox.html", {"page": page})


@require_POST
def inbox_mark_read(request: HttpRequest) -> HttpResponse:
    ids = [pk for pk in map(object_id, request.POST.getlist("id")) if pk is not None] or None
    count = services.notification_mark_read(user=request.user, ids=ids)
    messages.success(request, _("已标记 %(n)s 条为已读。") % {"n": count})
    return redirect("responsibilities:inbox")
