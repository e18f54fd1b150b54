"""Every change the issue lists writes exactly one log entry, in the changing service's transaction:
the entry names the action, the actor and the organization and carries the change's facts; a change
rolled back leaves no entry (issue #8 §4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pdfplumber
import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from reporting.delegations import services as delegations
from reporting.models import ReportKind
from reporting.reports import services as reports
from reporting.submissions import services as submissions
from responsibilities import permissions
from responsibilities.log import LogEntry, head
from responsibilities.models import Obligation, WorkSystem
from responsibilities.org import services as org_services
from responsibilities.periods import Period
from responsibilities.scheduling import services as scheduling
from responsibilities.work import services as work
from tests.factories import make_assignment, make_person, make_user
from tests.reporting.writing import write_up

D = dt.date


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return scheduling.local_moment(day, hour)


class Rollback(Exception):
    pass


@pytest.fixture
def county(tree):
    org = tree.county_a
    drafter = make_user("a_xcb", grants=[("view", org), ("manage", org), ("draft_report", org)])
    secretary = make_user("a_shuji", grants=[("view", org), ("sign_report", org)])
    person = make_person("周书记", organization=org, user=secretary)
    make_assignment(person=person, role="secretary", start=D(2024, 1, 1))
    member = make_person("李委员", organization=org)
    make_assignment(person=member, role="member", start=D(2024, 1, 1))
    receiver = make_user("city_xcb", grants=[("view", tree.city), ("manage", tree.city)])
    return {"tree": tree, "org": org, "drafter": drafter, "secretary": secretary, "member": member,
            "receiver": receiver}


def _signed(c):
    report = reports.report_create(organization=c["org"], kind=ReportKind.INSPECTION, period=Period.parse("2026"),
                                   actor=c["drafter"])
    return reports.report_sign(version=write_up(report), actor=c["secretary"], now=at(D(2026, 6, 15)))


def _submitted(c):
    version = _signed(c)
    return reports.report_submit(report=version.report, actor=c["drafter"], now=at(D(2026, 6, 16)))


def _obligation(c, status=Obligation.Status.OPEN):
    system = WorkSystem.objects.get(code="briefing")
    return Obligation.objects.create(
        organization=c["org"], work_system=system, period="2026H1", period_start=D(2026, 1, 1),
        period_end=D(2026, 6, 30), due_date=D(2026, 7, 15), due_at=at(D(2026, 7, 16), 0),
        responsible=system.responsible, status=status,
    )


# Each case: (prepare → the change as a callable, who acts, the action expected, payload items expected).
def sign_case(c):
    report = reports.report_create(organization=c["org"], kind=ReportKind.INSPECTION, period=Period.parse("2026"),
                                   actor=c["drafter"])
    version = write_up(report)
    return (lambda: reports.report_sign(version=version, actor=c["secretary"], now=at(D(2026, 6, 15))),
            c["secretary"], "reportversion.signed",
            {"doc_number": "A县委〔2026〕1号", "signer": {"id": c["secretary"].person.pk, "name": "周书记"},
             "delegation": None})


def submit_case(c):
    version = _signed(c)
    return (lambda: reports.report_submit(report=version.report, actor=c["drafter"], now=at(D(2026, 6, 16))),
            c["drafter"], "submission.submitted",
            {"doc_number": "A县委〔2026〕1号", "to_organization": {"id": c["tree"].city.pk, "name": "X市委"},
             "on_time": True, "deadline": None})


def receive_case(c):
    submission = _submitted(c)
    return (lambda: submissions.submission_receive(submission=submission, actor=c["receiver"]),
            c["receiver"], "submission.received", {"to_organization": {"id": c["tree"].city.pk, "name": "X市委"}})


def return_case(c):
    submission = _submitted(c)
    return (lambda: submissions.submission_return(submission=submission, actor=c["receiver"], reason="请补充乡镇情况"),
            c["receiver"], "submission.returned", {"reason": "请补充乡镇情况"})


def delegation_create_case(c):
    return (lambda: delegations.delegation_create(
                organization=c["org"], delegate=c["member"], start_date=D(2026, 7, 1), end_date=D(2026, 7, 31),
                reason="书记外出学习", actor=c["secretary"], now=at(D(2026, 6, 20))),
            c["secretary"], "delegation.created",
            {"delegate": {"id": c["member"].pk, "name": "李委员"}, "start_date": "2026-07-01",
             "end_date": "2026-07-31", "reason": "书记外出学习"})


def delegation_revoke_case(c):
    delegation = delegations.delegation_create(
        organization=c["org"], delegate=c["member"], start_date=D(2026, 7, 1), end_date=D(2026, 7, 31),
        reason="书记外出学习", actor=c["secretary"], now=at(D(2026, 6, 20)))
    return (lambda: delegations.delegation_revoke(delegation=delegation, actor=c["secretary"], now=at(D(2026, 6, 21))),
            c["secretary"], "delegation.revoked", {"delegate": {"id": c["member"].pk, "name": "李委员"}})


def role_assign_case(c):
    person = make_person("赵委员", organization=c["org"])
    return (lambda: org_services.role_assign(person=person, organization=c["org"], role="publicity",
                                             start_date=D(2026, 3, 1), actor=c["drafter"]),
            c["drafter"], "roleassignment.created",
            {"person": {"id": person.pk, "name": "赵委员"}, "role": "publicity", "start_date": "2026-03-01",
             "end_date": None})


def role_end_case(c):
    assignment = c["member"].roles.get()
    return (lambda: org_services.role_end(assignment=assignment, end_date=D(2026, 6, 30), actor=c["drafter"]),
            c["drafter"], "roleassignment.ended",
            {"person": {"id": c["member"].pk, "name": "李委员"}, "role": "member", "end_date": "2026-06-30"})


def grant_case(c):
    newcomer = make_user("newcomer")
    return (lambda: permissions.grant(newcomer, "inspect", c["org"], actor=c["receiver"]),
            c["receiver"], "organizationuserpermission.granted",
            {"user": {"id": newcomer.pk, "name": "newcomer"}, "capability": "inspect"})


def revoke_case(c):
    return (lambda: permissions.revoke(c["drafter"], "manage", c["org"], actor=c["receiver"]),
            c["receiver"], "organizationuserpermission.revoked",
            {"user": {"id": c["drafter"].pk, "name": "a_xcb"}, "capability": "manage"})


def group_grant_case(c):
    group = Group.objects.create(name="A县委宣传部")
    return (lambda: permissions.grant(group, "view", c["org"], actor=c["receiver"]),
            c["receiver"], "organizationgrouppermission.granted",
            {"group": {"id": group.pk, "name": "A县委宣传部"}, "capability": "view"})


def complete_case(c):
    obligation = _obligation(c)
    return (lambda: work.obligation_complete(obligation=obligation, actor=c["drafter"], at=at(D(2026, 7, 1))),
            c["drafter"], "obligation.completed", {"status": "done"})


def reopen_case(c):
    obligation = work.obligation_complete(obligation=_obligation(c), actor=c["drafter"], at=at(D(2026, 7, 1)))
    return (lambda: work.obligation_reopen(obligation=obligation, actor=c["drafter"], reason="材料不全",
                                           at=at(D(2026, 7, 2))),
            c["drafter"], "obligation.reopened", {"reason": "材料不全", "previous": "done", "status": "open"})


def waive_case(c):
    obligation = _obligation(c)
    return (lambda: work.obligation_waive(obligation=obligation, actor=c["receiver"], reason="并入专题会议",
                                          at=at(D(2026, 7, 1))),
            c["receiver"], "obligation.waived", {"reason": "并入专题会议"})


def overdue_case(c):
    _obligation(c)
    return (lambda: work.obligations_mark_overdue(now=at(D(2026, 7, 20)), limit=10),
            None, "obligation.overdue", {"status": "overdue"})


CASES: dict[str, Callable] = {case.__name__.removesuffix("_case"): case for case in (
    sign_case, submit_case, receive_case, return_case, delegation_create_case, delegation_revoke_case,
    role_assign_case, role_end_case, grant_case, revoke_case, group_grant_case, complete_case, reopen_case,
    waive_case, overdue_case,
)}


@pytest.mark.parametrize("name", CASES)
def test_the_change_writes_exactly_one_entry(county, name):
    change, actor, action, expected = CASES[name](county)
    before, _hash = head()

    change()

    entries = list(LogEntry.objects.filter(seq__gt=before))
    assert [e.action for e in entries] == [action]
    [entry] = entries
    assert entry.actor_id == (actor.pk if actor else None)
    assert entry.organization_id == county["org"].pk
    assert {key: entry.payload.get(key, "<missing>") for key in expected} == expected


@pytest.mark.parametrize("name", CASES)
def test_a_change_rolled_back_writes_no_entry(county, name):
    change, _actor, _action, _expected = CASES[name](county)
    before = head()

    with pytest.raises(Rollback), transaction.atomic():
        change()
        raise Rollback

    assert head() == before


def test_the_entry_of_a_sign_off_names_the_head_printed_in_the_document(county):
    before = head()

    version = _signed(county)

    entry = LogEntry.objects.get(action="reportversion.signed")
    assert (version.anchor_seq, version.anchor_hash) == before
    assert entry.payload["anchor"] == {"seq": before[0], "hash": before[1]}
    assert entry.payload["sha256"] == version.pdf_sha256
    with pdfplumber.open(reports.signed_pdf_path(version)) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages).replace(" ", "")
    assert f"存证：日志#{before[0]}·{before[1][:16]}…" in text


def test_the_entry_names_its_actor_family_name_first(tree):
    actor = make_user("zhou_yt", grants=[("manage", tree.county_a)])
    actor.last_name, actor.first_name = "周", "雨桐"
    actor.save(update_fields=["last_name", "first_name"])

    permissions.grant(make_user("someone"), "view", tree.county_a, actor=actor)

    assert LogEntry.objects.order_by("-seq").first().actor_name == "周雨桐"  # not Django's 「雨桐 周」
