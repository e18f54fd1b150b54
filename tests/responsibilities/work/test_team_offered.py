"""Meeting attendees are offered from the leadership team on the day, never from its future members."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from django.urls import reverse

from responsibilities.models import Obligation, WorkSystem
from tests.factories import make_members, make_user

D = dt.date


def test_a_member_whose_role_starts_later_is_not_offered_as_a_meeting_attendee(tree):
    org = tree.county_a
    current, _future, _ended = make_members(org, {
        "现任委员": (D(2024, 1, 1), None), "新任委员": (D(2026, 7, 1), None),
        "离任委员": (D(2024, 1, 1), D(2026, 5, 31))})
    study = WorkSystem.objects.get(code="theory_study")
    obligation = Obligation.objects.create(
        organization=org, work_system=study, period="2026-06", period_start=D(2026, 6, 1),
        period_end=D(2026, 6, 30), due_date=D(2026, 6, 30), responsible=study.responsible,
    )
    client = Client()
    client.force_login(make_user("a_xcb", grants=[("view", org), ("manage", org)]))

    with time_machine.travel(dt.datetime(2026, 6, 15, 2, tzinfo=dt.UTC), tick=False):
        page = client.get(reverse("responsibilities:obligation_detail", args=[obligation.pk]))

    form = page.context["meeting_form"]
    assert list(form.fields["attendees"].queryset) == [current]
    assert list(form.fields["chair"].queryset) == [current]
