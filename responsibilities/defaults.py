"""Default work systems, one per row of DOMAIN.md §4, with the seed clause each comes from.

Counts and deadlines are defaults: an organization adjusts them for its subtree
with a WorkSystemOverride. The data migration and `seed_demo` load this list.

依据 (`citation`) is what users read: the source document's title and clause, never a seed file
code (DOMAIN.md §4). `source` keeps the seed reference for developers; it is not loaded.
"""

# The source documents the defaults come from, by seed file and 篇 (DOMAIN.md §4; the same titles
# as accountability.catalogue). A deployment edits WorkSystem.citation to name its own 实施细则.
SOURCE_DOCUMENTS = {
    "000": "《党委（党组）意识形态工作责任制实施细则》",  # seed 000 篇二, and its 篇四/六/八/十一 versions
    "000 篇一": "《党组网络意识形态工作责任制实施办法》",
    "000 篇三": "《党委（党组）网络意识形态工作责任制实施细则》",
    "002": "《街道党工委意识形态工作责任制实施方案》",  # seed 002 篇二/篇三
}


def cite(document: str, *clauses: str) -> str:
    """依据 as users read it: 《title》第八条、第十三条 (the title alone when no clause is named)."""
    return SOURCE_DOCUMENTS[document] + "、".join(clauses)


COMMITTEES = ["committee", "group", "working_committee"]
WITH_PROPAGANDA_DEPT = ["committee", "working_committee"]
ALL_KINDS = ["committee", "group", "working_committee", "general_branch", "branch"]

WORK_SYSTEMS: list[dict] = [
    {
        "code": "party_report",
        "name": "党委报告制度",
        "obligation": "向上级党委专题报告意识形态工作情况",
        "citation": cite("000", "第八条", "第十三条") + "；" + cite("002"),
        "source": "000 篇二 第八条，篇六/十一 第十三条；002 篇二（四）",
        "frequency": "half",
        "deadline_rule": "fixed_dates",
        "fixed_dates": "06-30,12-31",
        "cascaded": True,
        "responsible": "secretary",
        "applies_to": ALL_KINDS,
        "evidence": "report",
    },
    {
        "code": "summary_report",
        "name": "汇总汇报",
        "obligation": "宣传部门汇总本地区意识形态工作情况，向同级党委和上级宣传部门报告",
        "citation": cite("000", "第八条"),
        "source": "000 篇二 第八条",
        "frequency": "half",
        "deadline_rule": "end_of_period",
        "cascaded": True,
        "responsible": "propaganda",
        "applies_to": WITH_PROPAGANDA_DEPT,
        "evidence": "report",
    },
    {
        "code": "major_report",
        "name": "重大情况专题汇报",
        "obligation": "出现重大问题或特殊情况时及时专题汇报",
        "citation": cite("000", "第十三条"),
        "source": "000 第十三条",
        "frequency": "as_needed",
        "deadline_rule": "none",
        "responsible": "secretary",
        "applies_to": ALL_KINDS,
        "evidence": "report",
    },
    {
        "code": "analysis",
        "name": "分析研判制度",
        "obligation": "定期分析研判意识形态领域形势",
        "citation": cite("000", "第十四条") + "；" + cite("002"),
        "source": "000 第十四条；002 篇二、篇三",
        "frequency": "quarter",
        "deadline_rule": "end_of_period",
        "responsible": "secretary",
        "applies_to": ALL_KINDS,
        "evidence": "meeting",
    },
    {
        "code": "special_study",
        "name": "专题研究",
        "obligation": "常委会（党组会）专题研究意识形态工作，每年不少于 2 次、每半年至少 1 次",
        "citation": cite("000", "第九条", "第十四条") + "；" + cite("002"),
        "source": "000 第十四条，篇四 第九条；002 篇二",
        "frequency": "half",
        "deadline_rule": "end_of_period",
        "responsible": "secretary",
        "applies_to": COMMITTEES,
        "evidence": "meeting",
    },
    {
        "code": "briefing",
        "name": "党内通报",
        "obligation": "在党内通报意识形态领域情况，每年不少于 1 次",
        "citation": cite("000", "第十四条") + "；" + cite("002"),
        "source": "000 第十四条；002 篇二",
        "frequency": "year",
        "deadline_rule": "end_of_period",
        "responsible": "secretary",
        "applies_to": COMMITTEES,
        "evidence": "document",
    },
    {
        "code": "joint_meeting",
        "name": "协调联动制度",
        "obligation": "宣传部门牵头召开意识形态工作联席会议",
        "citation": cite("000", "第十八条"),
        "source": "000 第十八条",
        "frequency": "quarter",
        "deadline_rule": "end_of_period",
        "responsible": "propaganda",
        "applies_to": WITH_PROPAGANDA_DEPT,
        "evidence": "meeting",
    },
    {
        "code": "inspection",
        "name": "专项督查制度",
        "obligation": "对本地区意识形态工作开展专项督查，结果报同级党委和上级宣传部门",
        "citation": cite("000", "第五条", "第十九条"),
        "source": "000 篇二 第五条，第十九条",
        "frequency": "year",
        "deadline_rule": "end_of_period",
        "responsible": "propaganda",
        "applies_to": WITH_PROPAGANDA_DEPT,
        "evidence": "document",
    },
    {
        "code": "theory_study",
        "name": "理论学习",
        "obligation": "党委（党组）理论学习中心组学习",
        "citation": cite("000 篇一") + "；学校每年不少于 14 次、其中意识形态专题不少于 4 次（" + cite("000") + "）",
        "source": "000 篇一；000 篇七",
        "frequency": "month",
        "deadline_rule": "end_of_period",
        "responsible": "secretary",
        "applies_to": ALL_KINDS,
        "evidence": "meeting",
    },
    {
        "code": "liaison",
        "name": "联系沟通制度",
        "obligation": "班子成员与分管领域开展意识形态工作交流活动并记录，每年不少于 1 次",
        "citation": cite("000", "第十六条"),
        "source": "000 第十六条",
        "frequency": "year",
        "deadline_rule": "end_of_period",
        "responsible": "members",
        "applies_to": COMMITTEES,
        "evidence": "meeting",
    },
    {
        "code": "democratic_life",
        "name": "民主生活会与述职",
        "obligation": "把意识形态工作作为民主生活会和述职报告的重要内容",
        "citation": cite("000", "第八条", "第十三条"),
        "source": "000 第八条，第十三条",
        "frequency": "year",
        "deadline_rule": "end_of_period",
        "responsible": "secretary",
        "applies_to": ALL_KINDS,
        "evidence": "meeting",
    },
    {
        "code": "responsibility_letter",
        "name": "责任书",
        "obligation": "书记与班子成员、班子成员与分管单位逐级签订意识形态工作责任书",
        "citation": cite("000"),
        "source": "000 篇八",
        "frequency": "year",
        "deadline_rule": "fixed_dates",
        "fixed_dates": "03-31",
        "responsible": "secretary",
        "applies_to": COMMITTEES,
        "evidence": "document",
    },
    {
        "code": "assessment",
        "name": "检查考核制度",
        "obligation": "对下级党组织意识形态工作进行检查考核，纳入年度综合考核",
        "citation": cite("000", "第七条", "第十七条"),
        "source": "000 第七条，第十七条",
        "frequency": "year",
        "deadline_rule": "end_of_period",
        "responsible": "propaganda",
        "applies_to": WITH_PROPAGANDA_DEPT,
        "evidence": "document",
    },
]


def load_work_systems(WorkSystem) -> int:
    """Create or update the default work systems (by code). Takes the model so migrations can pass theirs."""
    for order, spec in enumerate(WORK_SYSTEMS, start=1):
        fields = {"sort_order": order, "required_count": 1, "deadline_days": 0, "fixed_dates": "", "cascaded": False}
        fields.update({k: v for k, v in spec.items() if k not in ("code", "source")})
        WorkSystem.objects.update_or_create(code=spec["code"], defaults=fields)
    return len(WORK_SYSTEMS)


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def load_work_calendar(WorkCalendarDay) -> int:
    """Holidays and adjusted working days from the chinese-calendar package (its data ends with 2026)."""
    import chinese_calendar

    def chinese(name) -> str:
        name = str(getattr(name, "value", name) or "")
        return _HOLIDAY_NAMES.get(name, name)[:50]

    existing = set(WorkCalendarDay.objects.values_list("date", flat=True))
    rows = [
        WorkCalendarDay(date=day, kind="holiday", name=chinese(name))
        for day, name in chinese_calendar.holidays.items()
        if day not in existing
    ] + [
        WorkCalendarDay(date=day, kind="workday", name=chinese(name))
        for day, name in chinese_calendar.workdays.items()
        if day not in existing and day.weekday() >= 5
    ]
    WorkCalendarDay.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
