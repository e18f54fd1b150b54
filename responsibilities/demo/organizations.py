"""Demo data: a fictional city's party-organization tree, its leadership teams and five accounts.

`seed_demo()` builds the walkable demo through the services, so the role history
(one county secretary replaced mid-year) is recorded the way the product records
it. `seed_bulk()` grows the same city to N organizations for benchmarks with bulk
inserts, computing treebeard's materialized paths itself.

Every place and person name here is invented. The accounts share a published
password, which is why the command refuses to run with production settings.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from responsibilities import permissions
from responsibilities.demo import work as demo_work
from responsibilities.models import (
    Department,
    Organization,
    OrganizationUserPermission,
    Person,
    RoleAssignment,
)
from responsibilities.org import services
from responsibilities.org.selectors import holder_on
from responsibilities.permissions import Capability
from responsibilities.scheduling.services import refresh_statistics

Role = RoleAssignment.Role
Kind = Organization.Kind
Dept = Department.Kind

DEMO_PASSWORD = "zeren-demo"
CITY_NAME = "江川市委"
COUNTY_A_NAME = "临河县委"
COUNTY_B_NAME = "青山县委"
# The second county's secretary left on 31 May 2026; the successor took over the next day.
REPLACED_LAST_DAY = datetime.date(2026, 5, 31)
SUCCESSOR_FIRST_DAY = datetime.date(2026, 6, 1)

BATCH_SIZE = 2000


# ---------------------------------------------------------------------------
# The tree
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSpec:
    """One organization of the demo tree. `level` picks titles and portfolios for its team."""

    name: str
    level: str
    label: str
    kind: str = Kind.BRANCH
    short_name: str = ""
    departments: tuple[tuple[str, str], ...] = ()
    children: tuple[OrgSpec, ...] = ()
    secretary_replaced: bool = False

    def walk(self) -> Iterator[OrgSpec]:
        yield self
        for child in self.children:
            yield from child.walk()


def _branches(*labels: str) -> tuple[OrgSpec, ...]:
    return tuple(
        OrgSpec(name=f"{label}党支部", level="community" if label.endswith("社区") else "village", label=label)
        for label in labels
    )


def _county_departments(place: str) -> tuple[tuple[str, str], ...]:
    return (
        (Dept.PROPAGANDA, f"{place}委宣传部"),
        (Dept.ORGANIZATION, f"{place}委组织部"),
        (Dept.DISCIPLINE, f"{place}纪委监委"),
    )


def _town(county: str, label: str, villages: tuple[OrgSpec, ...]) -> OrgSpec:
    if label.endswith("街道"):
        return OrgSpec(name=f"{county}{label}党工委", short_name=f"{label}党工委", level="street",
                       label=label, kind=Kind.WORKING_COMMITTEE, children=villages)
    return OrgSpec(name=f"{county}{label}党委", short_name=f"{label}党委", level="town",
                   label=label, kind=Kind.COMMITTEE, children=villages)


DEMO_TREE = OrgSpec(
    name=CITY_NAME,
    short_name=CITY_NAME,
    level="city",
    label="江川市",
    kind=Kind.COMMITTEE,
    departments=(
        (Dept.PROPAGANDA, "江川市委宣传部"),
        (Dept.ORGANIZATION, "江川市委组织部"),
        (Dept.DISCIPLINE, "江川市纪委监委"),
        (Dept.INSPECTION, "江川市委巡察办"),
        (Dept.OFFICE, "江川市委办公室"),
    ),
    children=(
        OrgSpec(
            name=COUNTY_A_NAME, short_name=COUNTY_A_NAME, level="county", label="临河县",
            kind=Kind.COMMITTEE, departments=_county_departments("临河县"),
            children=(
                _town("临河县", "城关镇", _branches("东关社区", "西关社区", "南街村", "北门村")),
                _town("临河县", "柳溪镇", _branches("柳溪村", "杏林村", "石桥村", "下河村", "上庄村")),
                _town("临河县", "河东街道", _branches("滨河社区", "新华社区", "育才社区", "光明社区")),
            ),
        ),
        OrgSpec(
            name=COUNTY_B_NAME, short_name=COUNTY_B_NAME, level="county", label="青山县",
            kind=Kind.COMMITTEE, departments=_county_departments("青山县"), secretary_replaced=True,
            children=(
                _town("青山县", "石门镇", _branches("石门村", "红岩村", "大坪村", "马家庄村", "龙潭村")),
                _town("青山县", "松岭乡", _branches("松岭村", "茶园村", "白果村", "岔口村")),
                _town("青山县", "青峰街道",
                      _branches("青峰社区", "锦绣社区", "翠湖社区", "朝阳社区", "文昌社区")),
            ),
        ),
        OrgSpec(
            name="江川城投集团有限公司党委", short_name="城投集团党委", level="company", label="城投集团",
            kind=Kind.COMMITTEE,
            children=(
                OrgSpec(name="城投集团机关党支部", short_name="集团机关党支部", level="unit", label="集团机关"),
                OrgSpec(name="城投集团工程建设公司党支部", short_name="工程建设公司党支部", level="unit", label="工程建设公司"),
                OrgSpec(name="城投集团物业服务公司党支部", short_name="物业服务公司党支部", level="unit", label="物业服务公司"),
            ),
        ),
        OrgSpec(name="江川市第一中学党支部", level="school", label="市第一中学"),
    ),
)


# ---------------------------------------------------------------------------
# Leadership teams
# ---------------------------------------------------------------------------

# Titles by level: secretary, direct, member, publicity, liaison.
_TITLES: dict[str, tuple[str, str, str, str, str]] = {
    "city": ("市委书记", "市委常委、宣传部部长", "市委常委", "市委宣传部副部长", "市委宣传部干部"),
    "county": ("县委书记", "县委常委、宣传部部长", "县委常委", "县委宣传部副部长", "县委宣传部干部"),
    "town": ("党委书记", "党委副书记", "党委委员", "宣传委员", "党政综合办公室干事"),
    "street": ("党工委书记", "党工委副书记", "党工委委员", "宣传委员", "党政办公室干事"),
    "village": ("村党支部书记", "村党支部副书记", "村党支部委员", "宣传委员", ""),
    "community": ("社区党支部书记", "社区党支部副书记", "社区党支部委员", "宣传委员", ""),
    "company": ("集团党委书记、董事长", "集团党委副书记", "集团党委委员", "党群工作部部长", "党群工作部干事"),
    "unit": ("党支部书记", "党支部副书记", "党支部委员", "宣传委员", ""),
    "school": ("党支部书记", "党支部副书记、校长", "党支部委员、副校长", "宣传委员", ""),
}

# 一岗双责: each member's own field, and the verb that ties them to a subordinate unit.
_AREAS: dict[str, tuple[str, ...]] = {
    "city": ("分管组织工作", "分管纪检监察工作", "分管政法工作", "分管经济发展"),
    "county": ("分管经济发展", "分管组织工作", "分管政法工作"),
    "town": ("分管经济发展", "分管乡村振兴", "分管社会治理"),
    "street": ("分管城市管理", "分管社区建设", "分管平安建设"),
    "village": ("负责组织工作", "负责纪检工作"),
    "community": ("负责组织工作", "负责网格管理"),
    "company": ("分管生产经营", "分管安全生产", "分管纪检工作"),
    "unit": ("负责组织工作", "负责纪检工作"),
    "school": ("分管教学工作", "分管德育工作", "分管后勤保障"),
}
_LINK_VERB = {"city": "联系", "county": "联系", "town": "包抓", "street": "包抓", "company": "联系"}

# Fictional names: surname i mod 61 with given name 13·i mod 97 (both prime),
# so the first 5,917 names are all different.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石贺"
)
_GIVEN = (
    "建华", "志强", "秀英", "海燕", "国栋", "丽娟", "文斌", "晓东", "春梅", "永刚", "雪松", "红霞",
    "立新", "宏伟", "桂兰", "振宇", "淑贞", "明辉", "玉洁", "德胜", "婷婷", "浩然", "雅琴", "建军",
    "慧敏", "子豪", "凤英", "俊杰", "晓燕", "家乐", "志红", "安邦", "秀梅", "鹏飞", "亚楠", "思远",
    "丽华", "卫东", "佳怡", "宇航", "金凤", "学文", "晨曦", "春华", "海涛", "月娥", "一鸣", "素芬",
    "天佑", "瑞雪", "正阳", "巧玲", "国庆", "欣怡", "耀祖", "翠萍", "文博", "若兰", "光明", "冬梅",
    "兆丰", "静怡", "荣华", "嘉欣", "守仁", "艳玲", "远航", "书香", "宏图", "莉莉", "长青", "美玲",
    "铁军", "梦瑶", "世杰", "惠芳", "泽民", "晓雯", "兴旺", "玉珍", "俊峰", "秋菊", "成林", "雨萱",
    "景辉", "爱华", "新民", "小芳", "维国", "雅婷", "德明", "丹丹", "振华", "秀兰", "奇峰", "红梅",
    "承志",
)


class _Names:
    def __init__(self, start: int = 0) -> None:
        self.i = start

    def __next__(self) -> str:
        i = self.i
        self.i += 1
        return _SURNAMES[i % len(_SURNAMES)] + _GIVEN[(13 * i) % len(_GIVEN)]


def _start_date(i: int) -> datetime.date:
    """A deterministic start date between 2021 and 2025."""
    return datetime.date(2021 + i % 5, 1 + (7 * i) % 12, 1 + (11 * i) % 28)


@dataclass
class Seat:
    """One person of a leadership team and the roles they hold from `start`."""

    name: str
    title: str
    start: datetime.date
    roles: list[tuple[str, str]] = field(default_factory=list)


def team_for(level: str, kind: str, child_labels: list[str], names: _Names) -> list[Seat]:
    """The leadership team of an organization; committees also get a leading group and a liaison."""
    secretary_t, direct_t, member_t, publicity_t, liaison_t = _TITLES[level]
    committee = kind in (Kind.COMMITTEE, Kind.WORKING_COMMITTEE)
    verb = _LINK_VERB.get(level, "")

    def seat(title: str) -> Seat:
        return Seat(name=next(names), title=title, start=_start_date(names.i))

    secretary = seat(secretary_t)
    secretary.roles.append((Role.SECRETARY, "主持全面工作，意识形态工作第一责任人"))
    direct = seat(direct_t)
    direct.roles.append(
        (Role.DIRECT, "分管宣传思想文化工作" if level in ("city", "county") else "协助书记抓意识形态工作")
    )
    members = []
    for i, area in enumerate(_AREAS[level]):
        member = seat(member_t)
        portfolio = f"{area}、{verb}{child_labels[i]}" if verb and i < len(child_labels) else area
        member.roles.append((Role.MEMBER, portfolio))
        members.append(member)
    publicity = seat(publicity_t)
    publicity.roles.append((Role.PUBLICITY, "具体经办意识形态工作"))
    team = [secretary, direct, *members, publicity]
    if committee:
        secretary.roles.append((Role.GROUP_HEAD, ""))
        direct.roles.append((Role.GROUP_DEPUTY, ""))
        for member in members:
            member.roles.append((Role.GROUP_MEMBER, ""))
        publicity.roles.append((Role.GROUP_OFFICE_DIRECTOR, "负责领导小组办公室日常工作"))
        liaison = seat(liaison_t)
        liaison.roles.append((Role.LIAISON, "意识形态工作信息报送"))
        team.append(liaison)
    return team


# ---------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    username: str
    last_name: str
    first_name: str
    scope: str  # "city" or "county_a"
    capabilities: tuple[str, ...]
    description: str
    title: str = ""
    department: str = ""
    superuser: bool = False
    is_county_a_secretary: bool = False


ACCOUNTS = (
    Account("admin", "韩", "立诚", "city", (Capability.ADMINISTER,), "系统管理员，全部权限",
            superuser=True),
    Account("city_xcb", "周", "雨桐", "city",
            (Capability.VIEW, Capability.MANAGE, Capability.DRAFT_REPORT),
            "江川市委宣传部工作人员，全市查看/管理/起草",
            title="市委宣传部理论科科长", department=Dept.PROPAGANDA),
    Account("county_a_xcb", "孙", "嘉怡", "county_a",
            (Capability.VIEW, Capability.MANAGE, Capability.DRAFT_REPORT),
            "临河县委宣传部工作人员，仅临河县查看/管理/起草",
            title="县委宣传部宣传教育股股长", department=Dept.PROPAGANDA),
    Account("county_a_shuji", "", "", "county_a", (Capability.VIEW, Capability.SIGN_REPORT),
            "临河县委书记（第一责任人），临河县查看/签发", is_county_a_secretary=True),
    Account("city_jijian", "林", "振华", "city", (Capability.INSPECT,),
            "江川市纪委监委工作人员，全市纪检巡察",
            title="市纪委监委第三监督检查室主任", department=Dept.DISCIPLINE),
)


# ---------------------------------------------------------------------------
# Seeding
# ---------------------------------------------------------------------------


@dataclass
class Report:
    """What a run did, as lines of Chinese for the command to print."""

    lines: list[str] = field(default_factory=list)
    changed: bool = False


def _row_counts() -> dict[str, int]:
    return {
        "组织": Organization.objects.count(),
        "部门": Department.objects.count(),
        "人员": Person.objects.count(),
        "任职": RoleAssignment.objects.count(),
        "账号": get_user_model().objects.count(),
        "授权": OrganizationUserPermission.objects.count(),
    }


def demo_root() -> Organization | None:
    return Organization.objects.filter(depth=1, name=CITY_NAME).first()


def _build_org(spec: OrgSpec, parent: Organization | None, position: int, names: _Names) -> Organization:
    org = services.organization_create(
        name=spec.name, kind=spec.kind, parent=parent, short_name=spec.short_name, sort_order=position,
        actor=None,
    )
    for kind, name in spec.departments:
        services.department_ensure(organization=org, kind=kind, name=name)
    _staff(org, spec, names)
    for i, child in enumerate(spec.children, start=1):
        _build_org(child, org, i, names)
    return org


def _staff(org: Organization, spec: OrgSpec, names: _Names) -> None:
    seats = team_for(spec.level, spec.kind, [c.label for c in spec.children], names)
    for seat in seats:
        title = seat.title
        leaving = spec.secretary_replaced and any(role == Role.SECRETARY for role, _ in seat.roles)
        if leaving:
            title = f"原{title}"
        person = services.person_create(name=seat.name, organization=org, title=title, actor=None)
        for role, portfolio in seat.roles:
            assignment = services.role_assign(
                person=person, organization=org, role=role, start_date=seat.start, portfolio=portfolio
            )
            if leaving and role in RoleAssignment.SINGLE_HOLDER_ROLES:
                services.role_end(assignment=assignment, end_date=REPLACED_LAST_DAY)
    if spec.secretary_replaced:
        successor = services.person_create(
            name=next(names), organization=org, title=_TITLES[spec.level][0], actor=None
        )
        for role, portfolio in ((Role.SECRETARY, "主持全面工作，意识形态工作第一责任人"), (Role.GROUP_HEAD, "")):
            services.role_assign(
                person=successor, organization=org, role=role, start_date=SUCCESSOR_FIRST_DAY,
                portfolio=portfolio,
            )


def _ensure_account(account: Account, root: Organization) -> None:
    User = get_user_model()
    scope = root if account.scope == "city" else Organization.objects.get(
        path__startswith=root.path, depth=root.depth + 1, name=COUNTY_A_NAME
    )
    secretary = holder_on(scope, Role.SECRETARY, timezone.localdate()) if account.is_county_a_secretary else None
    last_name, first_name = account.last_name, account.first_name
    if secretary is not None:
        last_name, first_name = secretary.name[:1], secretary.name[1:]
    user, created = User.objects.get_or_create(
        username=account.username,
        defaults={
            "last_name": last_name,
            "first_name": first_name,
            "is_staff": account.superuser,
            "is_superuser": account.superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if not Person.objects.filter(user=user).exists():
        if secretary is not None:
            if secretary.user_id is None:
                secretary.user = user
                secretary.save(update_fields=["user"])
        elif account.department:
            department = Department.objects.get(organization=scope, kind=account.department)
            services.person_create(
                name=f"{last_name}{first_name}", organization=scope, title=account.title,
                department=department, user=user, actor=None,
            )
    for capability in account.capabilities:
        held = OrganizationUserPermission.objects.filter(
            user=user, content_object=scope, permission__codename=capability
        ).exists()
        if not held:
            permissions.grant(user, capability, scope, actor=None)


# Sent inside `seed_demo`'s transaction once the city, its accounts and its year of work exist.
# Receivers take `root` (the city's Organization) and return the lines describing what they added
# (an empty list when they added nothing), so an upstream app never imports a downstream one.
demo_city_seeded = Signal()


@transaction.atomic
def seed_demo() -> Report:
    """Build the demo city tree if it is missing and make sure the demo accounts exist."""
    before = _row_counts()
    linked_before = Person.objects.filter(user__isnull=False).count()
    root = demo_root()
    if root is None:
        root = _build_org(DEMO_TREE, None, 1, _Names())
    for account in ACCOUNTS:
        _ensure_account(account, root)
    # The walkable demo city only: organizations that `--orgs N` added for benchmarks get no demo work.
    demo_orgs = Organization.objects.filter(
        path__startswith=root.path, name__in=[spec.name for spec in DEMO_TREE.walk()]
    )
    work = demo_work.seed_work(
        root, list(demo_orgs), actor=get_user_model().objects.filter(username="city_xcb").first()
    )
    # Downstream apps (reports, later cases) add their part of the demo city through the signal.
    extra_lines = [line for _receiver, lines in demo_city_seeded.send(sender=None, root=root) for line in lines]
    after = _row_counts()
    report = Report()
    added = {label: after[label] - before[label] for label in after}
    report.changed = (
        any(added.values())
        or any(work.values())
        or bool(extra_lines)
        or Person.objects.filter(user__isnull=False).count() != linked_before
    )
    if report.changed:
        report.lines.append(
            "已加载演示数据（虚构的江川市）：" + "，".join(f"{k} +{v}" for k, v in added.items() if v) + "。"
        )
        if any(work.values()):
            report.lines.append(
                f"{demo_work.DEMO_YEAR} 年工作任务：新建 {work['obligations']} 项，办结 {work['completed']} 项，"
                f"标记逾期 {work['overdue']} 项；工作制度调整 {work['overrides']} 条。"
            )
        report.lines.extend(extra_lines)
        report.lines.append(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        report.lines.extend(f"  {a.username:<15} {a.description}" for a in ACCOUNTS)
    return report


# ---------------------------------------------------------------------------
# Bulk: thousands of organizations for benchmarks
# ---------------------------------------------------------------------------

_PLACE_FIRST = "白石松柳桃云枫梅兰竹金银玉清明安永长丰宁"
_PLACE_SECOND = "河山溪岭湖原川峰泉林"
_PLACE_PAIRS = len(_PLACE_FIRST) * len(_PLACE_SECOND)
_VILLAGE_FIRST = "东西南北上下前后大小新老高"
_VILLAGE_SECOND = "庄坪沟湾岗营寨桥塘店铺集"
TOWNS_PER_COUNTY = 10
VILLAGES_PER_TOWN = 10


def path_segment(position: int) -> str:
    """Treebeard's step for the `position`-th child (1-based): base-N in the model's alphabet, left-padded."""
    alphabet, steplen = Organization.alphabet, Organization.steplen
    base = len(alphabet)
    digits = ""
    n = position
    while True:
        digits = alphabet[n % base] + digits
        n //= base
        if n == 0:
            break
    if len(digits) > steplen:
        raise ValueError(f"第 {position} 个下级组织超出路径容量")
    return alphabet[0] * (steplen - len(digits)) + digits


def path_position(segment: str) -> int:
    alphabet = Organization.alphabet
    n = 0
    for char in segment:
        n = n * len(alphabet) + alphabet.index(char)
    return n


@dataclass
class _Planned:
    org: Organization
    level: str
    label: str
    children: list[_Planned] = field(default_factory=list)


def _place(i: int, first: str, second: str) -> str:
    """The i-th invented place name; numbered once the syllable pairs run out."""
    pairs = len(first) * len(second)
    name = first[i % len(first)] + second[(i // len(first)) % len(second)]
    return name if i < pairs else f"{name}{i // pairs + 1}"


def _plan(root: Organization, count: int) -> list[_Planned]:
    """`count` new organizations under `root`: counties, each with towns, each with villages."""
    step = Organization.steplen
    last = (
        Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    next_position = path_position(last[-step:]) + 1 if last else 1
    planned: list[_Planned] = []
    remaining = count

    def add(parent_path: str, depth: int, position: int, **fields) -> Organization:
        nonlocal remaining
        remaining -= 1
        return Organization(path=parent_path + path_segment(position), depth=depth, numchild=0,
                            sort_order=position, **fields)

    position = next_position
    while remaining > 0:
        county_label = _place(position, _PLACE_FIRST, _PLACE_SECOND) + "县"
        county = _Planned(
            add(root.path, root.depth + 1, position, name=f"{county_label}委", short_name=f"{county_label}委",
                kind=Kind.COMMITTEE),
            "county", county_label,
        )
        planned.append(county)
        for t in range(1, TOWNS_PER_COUNTY + 1):
            if remaining == 0:
                break
            town_label = _place((3 * position + t) % _PLACE_PAIRS, _PLACE_SECOND, _PLACE_FIRST) + "镇"
            town = _Planned(
                add(county.org.path, county.org.depth + 1, t, name=f"{county_label}{town_label}党委",
                    short_name=f"{town_label}党委", kind=Kind.COMMITTEE),
                "town", town_label,
            )
            county.children.append(town)
            for v in range(1, VILLAGES_PER_TOWN + 1):
                if remaining == 0:
                    break
                village_label = _place(t * VILLAGES_PER_TOWN + v, _VILLAGE_FIRST, _VILLAGE_SECOND) + "村"
                village = _Planned(
                    add(town.org.path, town.org.depth + 1, v, name=f"{town_label}{village_label}党支部",
                        kind=Kind.BRANCH),
                    "village", village_label,
                )
                town.children.append(village)
        position += 1
    return planned


def _flatten(planned: list[_Planned]) -> Iterator[_Planned]:
    for node in planned:
        yield node
        yield from _flatten(node.children)


@transaction.atomic
def seed_bulk(total: int) -> Report:
    """Grow the demo city to `total` organizations in all (nothing to do when there are already as many)."""
    report = seed_demo()
    existing = Organization.objects.count()
    if existing >= total:
        return report
    started = time.monotonic()
    root = Organization.objects.select_for_update().get(pk=demo_root().pk)
    planned = _plan(root, total - existing)
    nodes = list(_flatten(planned))
    for node in nodes:
        node.org.numchild = len(node.children)
    orgs = Organization.objects.bulk_create([n.org for n in nodes], batch_size=BATCH_SIZE)
    if any(org.pk is None for org in orgs):
        raise RuntimeError("数据库未返回批量插入的主键，无法批量生成任职。")
    Organization.objects.filter(pk=root.pk).update(numchild=F("numchild") + len(planned))

    departments = [
        Department(organization=county.org, kind=kind, name=name)
        for county in planned
        for kind, name in _county_departments(county.label)
    ]
    Department.objects.bulk_create(departments, batch_size=BATCH_SIZE)

    # Each seat is one person; the single-holder roles are given to exactly one seat per team.
    names = _Names(Person.objects.count())
    seats: list[tuple[Organization, Seat]] = []
    for node in nodes:
        for seat in team_for(node.level, node.org.kind, [c.label for c in node.children], names):
            seats.append((node.org, seat))
    people = Person.objects.bulk_create(
        [Person(name=seat.name, title=seat.title, organization=org) for org, seat in seats],
        batch_size=BATCH_SIZE,
    )
    assignments = [
        RoleAssignment(person=person, organization=org, role=role, start_date=seat.start, portfolio=portfolio)
        for person, (org, seat) in zip(people, seats, strict=True)
        for role, portfolio in seat.roles
    ]
    RoleAssignment.objects.bulk_create(assignments, batch_size=BATCH_SIZE)
    refresh_statistics(Organization, Department, Person, RoleAssignment)

    report.changed = True
    report.lines.append(
        f"已批量生成组织 {len(orgs)} 个（现共 {existing + len(orgs)} 个），部门 {len(departments)} 个，"
        f"人员 {len(people)} 名，任职 {len(assignments)} 条，用时 {time.monotonic() - started:.1f} 秒。"
    )
    return report
