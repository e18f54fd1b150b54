"""The catalogue the accountability cases are seeded from: circumstances (追责情形) and measures (问责方式).

Pure data, no database. Like responsibilities/defaults.py, the texts are the official Chinese
wording kept as plain data (not marked for translation); they are defaults an organization may
edit once seeded. Citations name the source document by its title and article; the file codes of
the seeds (seed 000, 002 …) appear only in this docstring, for developers.

CIRCUMSTANCES: {"code", "list", "number", "text", "citation", "paraphrased"}
- "general" (ten), from 《党委（党组）意识形态工作责任制实施细则》第十二条 (seed 000 篇二). A city's
  实施细则 of the same name (seed 000 篇六/篇十一 第二十条) lists the same ten; its item (一) names
  "中央、省委、市委" where 篇二 says "党中央或者上级党组织", which fits an organization at any level,
  so 篇二's wording is taken.
- "network" (nine), from 《党委（党组）网络意识形态工作责任制实施细则》"追究责任的情形" (seed 000
  篇三 (三), word for word the same in seed 002 篇五 (三)). DOMAIN.md §6's "eight to nine" is
  reconciled thus: seed 000 篇一 三 is a reworded copy of the same nine; seed 002 篇四 第九条 (one
  company's 实施办法) has eight, dropping the item on leading and supervising network platforms
  (our network-6). The fuller list is taken.
- The last item of each list is the catch-all for other failures of duty (general-10
  "其他未能切实履行工作职责，造成严重后果的", network-9 "其他应当问责的失职失责情形").
- Wording: the seeds' text without the list numbering and the final punctuation, with obvious
  typing errors of the seed corrected (上級→上级, 與论→舆论, 千部→干部, 先法→宪法, 放仕→放任) and
  Chinese full-width punctuation.
- Scope (DOMAIN.md §8): every item is a failure of the leadership team or a leading cadre (the
  clause opens "党委（党组）领导班子、领导干部有下列情形之一的"), so all nineteen are kept. Two items
  are worded in the seeds as an event of speech (someone said something at a lecture, a class or
  on a platform's live stream: general-9, network-7); they are reworded as the organization's
  failure to manage what it holds (管理不力), keeping the seed's words otherwise, and carry
  "paraphrased": True. A case records what the office-holders failed to do, never a file on a
  speaker.

MEASURES: {"code", "name", "category", "category_label", "severity", "citation"}; severity 1
(lightest) … 15, in the order the issue lists them; category one of MEASURE_CATEGORIES, whose
Chinese name is category_label. 提醒, 批评教育, 责令作出书面检查, 通报批评 and the two families
组织处理, 纪律处分 are named by 第十二条 (seed 000 篇二; seed 002 篇四 第九条 says the same);
警示谈话 by seed 000 篇一 三 (its text reads "警告对话", a garbled copy of 警示谈话). The members of
the two families come from the regulations the seeds refer to: 《中国共产党问责条例》第八条 (seed
000 篇一 三) and 《中国共产党纪律处分条例》第八条 (seed 002 篇四 第九条).
"""

from __future__ import annotations

GENERAL_RULES = "《党委（党组）意识形态工作责任制实施细则》"
NETWORK_RULES = "《党委（党组）网络意识形态工作责任制实施细则》"
PARTY_GROUP_NETWORK_RULES = "《党组网络意识形态工作责任制实施办法》"
ACCOUNTABILITY_REGULATIONS = "《中国共产党问责条例》"
DISCIPLINE_REGULATIONS = "《中国共产党纪律处分条例》"

CIRCUMSTANCE_LISTS: dict[str, str] = {
    "general": "意识形态工作追责情形",
    "network": "网络意识形态工作追责情形",
}

_CHINESE_NUMERALS = "一二三四五六七八九十"

_GENERAL = [
    ("对党中央或者上级党组织安排部署的重大宣传教育任务、重大思想舆论斗争组织开展不力的", False),
    (
        "在处置意识形态领域重大问题上，党委（党组）书记没有站在第一线、没有带头与错误观点和错误倾向作斗争的",
        False,
    ),
    ("管辖范围内发生由意识形态领域问题引发群体性事件的", False),
    ("对所管理的党员干部公开发表违背党章、党的决定决议和政策的言论放任不管、处置不力的", False),
    ("所属新闻媒体出现严重错误导向的", False),
    ("管辖范围内公开发行的出版物和编写的教材等在意识形态方面有严重错误导向的", False),
    ("丧失对管辖范围内报刊、电台电视台、新闻网站等宣传思想文化阵地的领导权和实际控制权的", False),
    ("管辖范围内网络意识形态安全出现严重问题的", False),
    (
        "对管辖范围内举办的报告会、研讨会、讲座论坛和高等学校、党校、行政学院、干部学院、社会主义学院"
        "课堂教学管理不力，出现否定党的领导、攻击中国特色社会主义制度言论，造成严重影响的",
        True,
    ),
    ("其他未能切实履行工作职责，造成严重后果的", False),
]

_NETWORK = [
    (
        "对党中央和上级党组织安排部署的网上重大宣传、重大思想舆论斗争、重要舆论引导工作、重大专项行动等"
        "组织开展不力，造成严重后果的",
        False,
    ),
    (
        "处置应对本地区本部门本单位网络意识形态领域重大问题，不带头、不站前，未与错误观点、错误倾向开展"
        "有力斗争的，或者领导不力，出现重大失误、产生恶劣影响的",
        False,
    ),
    (
        "未按照规定及时采取防范和处置措施，导致管辖范围内发生由网络意识形态领域问题引发的群体性事件的",
        False,
    ),
    (
        "维护党的政治纪律和政治规矩失职，对所管理的党员、干部在网上公开发表违背宪法、党章、党的决定决议"
        "和政策的言论放任不管、处置不力，产生恶劣影响的",
        False,
    ),
    ("管辖范围内网络平台出现严重错误导向，不履行或者不正确履行工作职责，造成严重后果的", False),
    (
        "对管辖范围内网络平台等网络意识形态阵地领导不力，或者对从事网络新闻信息服务、具有网络传播和社会"
        "动员功能的网络平台监管不力，产生恶劣影响的",
        False,
    ),
    (
        "对管辖范围内网络平台组织的网上报告会、研讨会、讲座、论坛、直播等管理不力，出现否定党的领导和党的"
        "基本路线、攻击中国特色社会主义制度等言论，造成严重影响的",
        True,
    ),
    ("对管辖范围内重大网络安全和信息化问题领导和处置不力，造成严重后果的", False),
    ("其他应当问责的失职失责情形", False),
]


def _general_citation(number: int) -> str:
    return f"{GENERAL_RULES}第十二条第（{_CHINESE_NUMERALS[number - 1]}）项"


def _network_citation(number: int) -> str:
    return f"{NETWORK_RULES}“追究责任的情形”第{number}项"


CIRCUMSTANCES: list[dict] = [
    {
        "code": f"{name}-{number}",
        "list": name,
        "number": number,
        "text": text,
        "citation": cite(number),
        "paraphrased": paraphrased,
    }
    for name, items, cite in (
        ("general", _GENERAL, _general_citation),
        ("network", _NETWORK, _network_citation),
    )
    for number, (text, paraphrased) in enumerate(items, start=1)
]

MEASURE_CATEGORIES: dict[str, str] = {
    "admonition": "批评教育类",
    "organizational": "组织处理",
    "disciplinary": "纪律处分",
}

_ARTICLE_12 = f"{GENERAL_RULES}第十二条"
_ORGANIZATIONAL = f"{_ARTICLE_12}；{ACCOUNTABILITY_REGULATIONS}第八条"
_DISCIPLINARY = f"{_ARTICLE_12}；{DISCIPLINE_REGULATIONS}第八条"

_MEASURES = [
    ("reminder", "提醒", "admonition", _ARTICLE_12),
    ("criticism", "批评教育", "admonition", _ARTICLE_12),
    ("warning_talk", "警示谈话", "admonition", f"{PARTY_GROUP_NETWORK_RULES}“责任追究”"),
    ("written_self_criticism", "责令作出书面检查", "admonition", _ARTICLE_12),
    ("circulated_criticism", "通报批评", "admonition", _ARTICLE_12),
    ("suspension", "停职检查", "organizational", _ORGANIZATIONAL),
    ("reassignment", "调整职务", "organizational", _ORGANIZATIONAL),
    ("ordered_resignation", "责令辞职", "organizational", _ORGANIZATIONAL),
    ("demotion", "降职", "organizational", _ORGANIZATIONAL),
    ("dismissal", "免职", "organizational", _ORGANIZATIONAL),
    ("party_warning", "警告", "disciplinary", _DISCIPLINARY),
    ("serious_party_warning", "严重警告", "disciplinary", _DISCIPLINARY),
    ("removal_from_party_posts", "撤销党内职务", "disciplinary", _DISCIPLINARY),
    ("party_probation", "留党察看", "disciplinary", _DISCIPLINARY),
    ("expulsion_from_party", "开除党籍", "disciplinary", _DISCIPLINARY),
]

MEASURES: list[dict] = [
    {
        "code": code,
        "name": name,
        "category": category,
        "category_label": MEASURE_CATEGORIES[category],
        "severity": severity,
        "citation": citation,
    }
    for severity, (code, name, category, citation) in enumerate(_MEASURES, start=1)
]
