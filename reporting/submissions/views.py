"""The receiving end of submissions: the inbox, a submission, 签收 and 退回."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reporting.models import Submission
from reporting.reports.selectors import rendered
from reporting.submissions import selectors, services
from reporting.submissions.forms import ReturnForm, SubmissionFilterForm
from responsibilities.paging import PER_PAGE
from responsibilities.permissions import Capability, can, get_for

# -- the receiving end -----------------------------------------------------------------------------


def _submissions() -> QuerySet[Submission]:
    return Submission.objects.select_related(
        "report__organization", "version__signer", "version__delegation__delegate", "to_organization",
        "submitted_by", "handled_by",
    )


@require_GET
def submission_inbox(request: HttpRequest) -> HttpResponse:
    form = SubmissionFilterForm(request.GET)
    submissions = selectors.submissions_inbox(request.user)
    status = 200
    if form.is_valid():
        if form.cleaned_data["status"]:
            submissions = submissions.filter(status=form.cleaned_data["status"])
    else:
        submissions, status = submissions.none(), 400
    page = Paginator(submissions, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reporting/submissions/submission_inbox.html", {"form": form, "page": page}, status=status)


def _submission_context(request: HttpRequest, submission: Submission, **extra) -> dict:
    return {
        "submission": submission,
        "report": submission.report,
        "doc": rendered(submission.version),
        "may_handle": submission.status == Submission.Status.SUBMITTED
        and can(request.user, Capability.MANAGE, submission.to_organization),
        **extra,
    }


@require_GET
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The submitted text; 签收 / 退回 for the receiving organization, read-only for the sender."""
    submission = get_for(request.user, Capability.VIEW, _submissions(), pk=pk)
    return render(request, "reporting/submissions/submission_detail.html", _submission_context(request, submission))


def _receivable(request: HttpRequest, pk: int) -> Submission:
    """Visible (else 404) and addressed to an organization the user manages (else 403)."""
    submission = get_for(request.user, Capability.VIEW, _submissions(), pk=pk)
    if not can(request.user, Capability.MANAGE, submission.to_organization):
        raise PermissionDenied(_("只有%(org)s的工作人员可以签收或退回。") % {"org": submission.to_organization.name})
    return submission


@require_POST
def submission_receive(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _receivable(request, pk)
    try:
        services.submission_receive(submission=submission, actor=request.user)
    except ValidationError as exc:
        context = _submission_context(request, submission, errors=exc.messages)
        return render(request, "reporting/submissions/submission_detail.html", context, status=400)
    messages.success(request, _("已签收。"))
    return redirect("reporting:submission_detail", pk=submission.pk)


@require_http_methods(["GET", "POST"])
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
