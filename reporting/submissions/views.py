"""The receiving end of submissions: the inbox, a submission, 签收 and 退回."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from reporting.models import Submission
from reporting.reports.selectors import rendered
from reporting.submissions import selectors, services
from reporting.submissions.forms import ReturnForm, SubmissionFilterForm
from responsibilities.org.selectors import staffed_organization_ids
from responsibilities.paging import PER_PAGE
from responsibilities.permissions import Capability, get_for, is_staff

# -- the receiving end -----------------------------------------------------------------------------


def _submissions() -> QuerySet[Submission]:
    return Submission.objects.select_related(
        "report__organization", "version__signer", "version__delegation__delegate", "to_organization",
        "submitted_by", "handled_by",
    )


@require_safe
def submission_inbox(request: HttpRequest) -> HttpResponse:
    """Opens on 待我签收 (what awaits the user's own organizations); 全部 / 已签收 / 已退回 show everything
    addressed within the user's scope, to read."""
    form = SubmissionFilterForm(request.GET)
    status, show = 200, ""
    if form.is_valid():
        show = form.cleaned_data["status"]
        if show == SubmissionFilterForm.TO_RECEIVE:
            submissions = selectors.submissions_to_receive(request.user)
        else:
            submissions = selectors.submissions_inbox(request.user)
            if show != SubmissionFilterForm.ALL:
                submissions = submissions.filter(status=show)
    else:
        submissions, status = Submission.objects.none(), 400
    page = Paginator(submissions, PER_PAGE).get_page(request.GET.get("page"))
    staffed = staffed_organization_ids(request.user)
    rows = [(s, selectors.receiver_status_label(s, receiver=s.to_organization_id in staffed)) for s in page]
    context = {"form": form, "page": page, "rows": rows, "to_receive": show == SubmissionFilterForm.TO_RECEIVE}
    return render(request, "reporting/submissions/submission_inbox.html", context, status=status)


def _submission_context(request: HttpRequest, submission: Submission, **extra) -> dict:
    receiver = is_staff(request.user, submission.to_organization)
    received = submission.status == Submission.Status.RECEIVED
    return {
        "submission": submission,
        "report": submission.report,
        "doc": rendered(submission.version),
        "status_label": selectors.receiver_status_label(submission, receiver=receiver),
        "may_handle": receiver and submission.status == Submission.Status.SUBMITTED,
        "may_undo": receiver and received and selectors.receipt_acted_on(submission) is None,
        **extra,
    }


@require_safe
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The submitted text; 签收 / 退回 for the receiving organization, read-only for the sender."""
    submission = get_for(request.user, Capability.VIEW, _submissions(), pk=pk)
    return render(request, "reporting/submissions/submission_detail.html", _submission_context(request, submission))


def _receivable(request: HttpRequest, pk: int) -> Submission:
    """Visible (else 404) and addressed to an organization the user is staff of (else 403): the one
    rule, permissions.is_staff, that the services apply as well."""
    submission = get_for(request.user, Capability.VIEW, _submissions(), pk=pk)
    if not is_staff(request.user, submission.to_organization):
        raise PermissionDenied(_("只有%(org)s的工作人员可以签收或退回。") % {"org": submission.to_organization.name})
    return submission


def _confirm(request: HttpRequest, submission: Submission, *, undo: bool, errors=(), status: int = 200) -> HttpResponse:
    context = {"submission": submission, "undo": undo, "errors": list(errors)}
    return render(request, "reporting/submissions/submission_confirm.html", context, status=status)


def _confirmed_step(request: HttpRequest, pk: int, *, undo: bool, service, done: str) -> HttpResponse:
    """GET: the confirmation page of 签收 (or of its undoing); POST: the step, through its one service."""
    submission = _receivable(request, pk)
    expected = Submission.Status.RECEIVED if undo else Submission.Status.SUBMITTED
    if submission.status != expected:  # handled meanwhile, or the back button: nothing to confirm
        messages.info(request, _("该报告当前为“%(s)s”，无需再处理。") % {"s": submission.get_status_display()})
        return redirect("reporting:submission_detail", pk=submission.pk)
    if request.method in ("GET", "HEAD"):
        return _confirm(request, submission, undo=undo)
    try:
        service(submission=submission, actor=request.user)
    except ValidationError as exc:
        return _confirm(request, submission, undo=undo, errors=exc.messages, status=400)
    messages.success(request, done)
    return redirect("reporting:submission_detail", pk=submission.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def submission_receive(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what is being received (a confirmation). POST: 签收."""
    return _confirmed_step(request, pk, undo=False, service=services.submission_receive,
                           done=_("已签收。如签收有误，可在本组织签发本期汇总报告前撤销签收。"))


@require_http_methods(["GET", "HEAD", "POST"])
def submission_receive_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: a confirmation. POST: 撤销签收 (until the upper level has acted on the receipt)."""
    return _confirmed_step(request, pk, undo=True, service=services.submission_receive_undo,
                           done=_("已撤销签收，该报告重新列入待签收。"))


@require_http_methods(["GET", "HEAD", "POST"])
def submission_return(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the reason form (a confirmation). POST: return the report to its author."""
    submission = _receivable(request, pk)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_return(submission=submission, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已退回，报告已作为新草稿版本退回起草单位。"))
            return redirect("reporting:submission_detail", pk=submission.pk)
    status = 400 if form.is_bound else 200
    return render(request, "reporting/submissions/submission_return.html", {"submission": submission, "form": form},
                  status=status)
