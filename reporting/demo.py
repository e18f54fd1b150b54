"""Demo data for formal reports: a plausible 2026H1 reporting state in the demo city.

Run by `seed_demo` after the year's work, through the `demo_city_seeded` signal. Every report goes through
the services — drafted, signed by the secretary in office on the signing day (back-dated
with the services' `now=`), submitted, received or returned — so numbers, PDFs, hashes,
obligations and notifications are what the product would have made of it.

临河县委's own report is missing on purpose: in the demo journey `county_a_xcb` drafts it and
`county_a_shuji` signs it. Its towns have reported to it, and the other units to the city,
so both boards have something to show. A unit whose report exists is left alone, so a
second run changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from reporting.models import Report, ReportKind
from reporting.reports import selectors
from reporting.reports import services as reports_services
from reporting.submissions import services as submissions_services
from responsibilities import permissions
from responsibilities.models import Organization, RoleAssignment
from responsibilities.org.selectors import holder_on
from responsibilities.periods import Period
from responsibilities.permissions import Capability
from responsibilities.scheduling import services as scheduling

PERIOD = Period.parse("2026H1")
D = datetime.date


@dataclass(frozen=True)
class Step:
    """What became of one unit's 2026H1 report. Deadlines: towns and the group's branches 10 June,
    the counties, the group and the school 20 June (the cascaded 30 June less 10 days per level)."""

    organization: str
    state: str  # draft | signed | submitted | received | returned
    signed_on: D | None = None
    submitted_at: datetime.datetime | None = None
    handled_on: D | None = None  # received or returned on
    return_reason: str = ""


def _at(day: D, hour: int) -> datetime.datetime:
    return scheduling.local_moment(day, hour)


PLAN = (
    # The city's board: 青山县委 received, the group late, the school returned, 临河县委 missing.
    Step("青山县委", "received", D(2026, 6, 17), _at(D(2026, 6, 18), 10), D(2026, 6, 19)),
    Step("江川城投集团有限公司党委", "submitted", D(2026, 6, 23), _at(D(2026, 6, 24), 16)),
    Step("江川市第一中学党支部", "returned", D(2026, 6, 12), _at(D(2026, 6, 12), 15), D(2026, 6, 15),
         "“工作制度落实情况”中理论学习次数与会议记录不一致，请核实后重新报送。"),
    # 临河县委's board: one received, one awaiting receipt, one still a draft.
    Step("临河县城关镇党委", "received", D(2026, 6, 5), _at(D(2026, 6, 8), 9), D(2026, 6, 9)),
    Step("临河县柳溪镇党委", "submitted", D(2026, 6, 9), _at(D(2026, 6, 10), 15)),
    Step("临河县河东街道党工委", "draft"),
    # 青山县委's board: one sent, one signed but not sent, 青峰街道 missing.
    Step("青山县石门镇党委", "submitted", D(2026, 6, 3), _at(D(2026, 6, 5), 11)),
    Step("青山县松岭乡党委", "signed", D(2026, 6, 9)),
    # The group's board: its office's branch sent in time, the construction company's drafted.
    Step("城投集团机关党支部", "submitted", D(2026, 6, 8), _at(D(2026, 6, 8), 17)),
    Step("城投集团工程建设公司党支部", "draft"),
)

# Who handles what arrives at an organization: its own staff account, else the city's.
RECEIVERS = {"临河县委": "county_a_xcb"}
DEFAULT_RECEIVER = "city_xcb"


def _signer_account(organization: Organization, day: D):
    """The user linked to the secretary in office on `day`, created (sign-only, no password) if missing."""
    person = holder_on(organization, RoleAssignment.Role.SECRETARY, day)
    if person is None:
        raise RuntimeError(f"{organization.name} 在 {day} 没有第一责任人，无法签发演示报告。")
    if person.user is None:
        user = get_user_model().objects.create(
            username=f"shuji_{organization.pk}", last_name=person.name[:1], first_name=person.name[1:]
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        person.user = user
        person.save(update_fields=["user"])
        for capability in (Capability.VIEW, Capability.SIGN_REPORT):
            permissions.grant(user, capability, organization, actor=None)
    return person.user


# What the units wrote in place of the draft's prompts (issue #9: a signed report never carries them).
WRITTEN = {
    "（请简述本期意识形态工作总体情况。）": (
        "{period}，{org}坚持把意识形态工作纳入党建工作总体布局，书记亲自部署、班子成员分工负责，"
        "按期召开专题研究和分析研判会议，责任清单逐项落实到人。"
    ),
    "（请列明存在的主要问题及原因。）": (
        "一是部分基层党组织对意识形态工作重视程度不够均衡；二是网络阵地日常管理力量仍显薄弱；"
        "三是分析研判的针对性和前瞻性有待增强。"
    ),
    "（请列明下一步的工作措施。）": (
        "一是压紧压实各级责任，下半年开展一次责任清单落实情况自查；二是加强网络阵地管理和人员培训；"
        "三是每季度开展一次分析研判，形成报告报上级党委。"
    ),
}


def _write(report: Report, author):
    """The unit's own text over its draft's prompts, saved as the version its secretary signs."""
    latest = selectors.latest_version(report)
    blocks = [
        {**block, "text": WRITTEN[block["text"]].format(period=PERIOD.label, org=report.organization.name)}
        if block["text"] in WRITTEN else block
        for block in latest.blocks
    ]
    return reports_services.report_version_save(
        report=report, actor=author, title=latest.title, addressee=latest.addressee, copy_to=latest.copy_to,
        blocks=blocks, attachments=latest.attachments, note="填写正文",
    )


def seed_reports(root: Organization) -> dict[str, int]:
    """Give the demo city its 2026H1 reports. Returns counts of what was done."""
    counts = dict.fromkeys(("drafted", "signed", "submitted", "received", "returned"), 0)
    User = get_user_model()
    organizations = {
        org.name: org
        for org in Organization.objects.filter(path__startswith=root.path, name__in=[s.organization for s in PLAN])
    }
    for step in PLAN:
        org = organizations.get(step.organization)
        if org is None or Report.objects.filter(organization=org, kind=ReportKind.HALF_YEAR,
                                                period=PERIOD.code).exists():
            continue
        author = _signer_account(org, step.signed_on or D(2026, 6, 1))
        report = reports_services.report_create(organization=org, kind=ReportKind.HALF_YEAR, period=PERIOD, actor=author)
        counts["drafted"] += 1
        if step.state == "draft":
            continue
        reports_services.report_sign(version=_write(report, author), actor=author, now=_at(step.signed_on, 17))
        counts["signed"] += 1
        if step.state == "signed":
            continue
        submission = reports_services.report_submit(report=report, actor=author, now=step.submitted_at)
        counts["submitted"] += 1
        if step.state == "submitted":
            continue
        parent = Organization.objects.get_parent(org)
        receiver = User.objects.get(username=RECEIVERS.get(parent.name, DEFAULT_RECEIVER))
        # The demo's receipts and returns happened in June: the services take the moment.
        handled_at = _at(step.handled_on, 10)
        if step.state == "received":
            submissions_services.submission_receive(submission=submission, actor=receiver, at=handled_at)
        else:
            submissions_services.submission_return(submission=submission, actor=receiver, reason=step.return_reason,
                                                   at=handled_at)
        counts[step.state] += 1
    if counts["returned"]:
        # A return reopens its task at the moment of the return, in June; by today it is overdue, as
        # the scheduler's next tick would find.
        scheduling.sweep_overdue()
    return counts


def on_demo_city_seeded(sender, *, root: Organization, **kwargs) -> list[str]:
    """Receiver of `responsibilities.demo.organizations.demo_city_seeded`: the lines for seed_demo's output."""
    counts = seed_reports(root)
    if not any(counts.values()):
        return []
    return [
        f"{PERIOD.label}专题报告：起草 {counts['drafted']} 份，签发 {counts['signed']} 份，"
        f"报送 {counts['submitted']} 份，签收 {counts['received']} 份，退回 {counts['returned']} 份。"
    ]
