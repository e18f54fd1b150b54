"""安全日志: refusals, failed logins, lockouts and rate-limit refusals, for superusers only."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from responsibilities.paging import PER_PAGE, CheapPage
from responsibilities.permissions import is_system_admin
from responsibilities.security import SecurityEvent


class SecurityLogFilterForm(forms.Form):
    user = forms.CharField(label=_("用户名"), required=False, max_length=150)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部"))] + SecurityEvent.Kind.choices)


@require_safe
def security_log(request: HttpRequest) -> HttpResponse:
    if not is_system_admin(request.user):
        raise Http404(_("未找到该对象，或您无权查看。"))
    form = SecurityLogFilterForm(request.GET)
    context = {"form": form, "keep_days": settings.ZEREN_SECURITY_LOG_DAYS}
    if not form.is_valid():
        return render(request, "responsibilities/securitylog/security_log.html", context, status=400)
    events = SecurityEvent.objects.all()
    if name := form.cleaned_data["user"].strip():
        events = events.filter(username__iexact=name)
    if kind := form.cleaned_data["kind"]:
        events = events.filter(kind=kind)
    context["page"] = CheapPage(events, request.GET.get("page"), per_page=PER_PAGE)
    return render(request, "responsibilities/securitylog/security_log.html", context)
