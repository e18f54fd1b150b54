"""The default rubric (指标体系): what 000 篇四 第十四条 says is assessed, points summing to 100, and the
one-vote-veto items (002 篇六 “一票否决”; the serious circumstances of 000 篇二 第十二条 (五)(七)(八)(十)).

Each first-level entry: (name, [leaves]); each leaf: (name, method, points, per_occurrence, cap, criteria, code).
The codes tie data-based deduction suggestions to their leaf (accountability.assessments.suggestions).
"""

from __future__ import annotations

from decimal import Decimal as D

AWARD, DEDUCT, VETO = "award", "deduct", "veto"

DEFAULT_NAME = "%(year)s年度意识形态工作责任制检查考核指标体系"

DEFAULT_RUBRIC: list[tuple[str, list[tuple]]] = [
    ("落实主体责任", [
        ("党委（党组）书记履行第一责任人职责，重要工作亲自部署、重要问题亲自过问、重大事件亲自处置",
         AWARD, D("5"), None, None, "查阅会议记录、批示件；未体现亲自部署的酌情扣分", ""),
        ("建立可落实、可比较、可认定的责任清单并逐级分解", AWARD, D("5"), None, None,
         "查阅责任清单；未建立不得分，未分解到下级酌情扣分", ""),
        ("书记与班子成员、班子成员与分管单位签订意识形态工作责任书", AWARD, D("5"), None, None,
         "查阅责任书；每缺一份扣1分", ""),
    ]),
    ("加强组织领导", [
        ("常委会（党组会）每年至少两次专题研究意识形态工作", DEDUCT, D("8"), D("4"), D("8"),
         "每少一次扣4分", "leadership_study"),
        ("理论学习中心组把意识形态工作作为重要学习内容", AWARD, D("4"), None, None, "查阅学习记录", ""),
        ("意识形态工作纳入民主生活会和述职报告", AWARD, D("3"), None, None, "查阅民主生活会材料、述职报告", ""),
    ]),
    ("贯彻上级决策部署", [
        ("贯彻落实中央和上级党委关于意识形态工作的决策部署", AWARD, D("5"), None, None, "查阅贯彻落实材料", ""),
        ("每半年向上级党委专题报告意识形态工作", DEDUCT, D("6"), D("3"), D("6"),
         "每逾期或缺报一次扣3分", "half_year_report"),
        ("报告内容真实完整，不照搬模板", DEDUCT, D("4"), D("2"), D("4"),
         "签发的报告含模板占位文字，每份扣2分", "report_quality"),
    ]),
    ("分析研判", [
        ("每季度分析研判意识形态领域情况", DEDUCT, D("8"), D("2"), D("8"),
         "每缺一个季度扣2分", "quarterly_analysis"),
        ("每年至少一次在党内通报意识形态领域情况", AWARD, D("4"), None, None, "查阅通报材料", ""),
    ]),
    ("阵地管理", [
        ("加强对报刊、广播电视、新闻网站、讲座论坛等宣传思想文化阵地的管理", AWARD, D("7"), None, None,
         "随机抽查阵地管理台账", ""),
        ("报告会、研讨会、讲座论坛实行审批报备", AWARD, D("5"), None, None, "查阅审批报备记录", ""),
    ]),
    ("网络意识形态安全", [
        ("落实网络意识形态工作责任制，加强网络信息管控", AWARD, D("7"), None, None, "查阅制度和工作记录", ""),
        ("及时研判、处置网络舆情", AWARD, D("5"), None, None, "查阅舆情处置记录", ""),
    ]),
    ("思想舆论宣传", [
        ("做大做强正面宣传，提高舆论引导水平", AWARD, D("5"), None, None, "查阅宣传工作材料", ""),
        ("会议记录等工作台账及时、真实、完整", DEDUCT, D("5"), D("1"), D("5"),
         "会议结束后长时间补录的，每次扣1分", "timely_records"),
    ]),
    ("责任追究", [
        ("建立健全意识形态工作问责机制，对失职失责严肃追责", AWARD, D("5"), None, None, "查阅问责材料", ""),
        ("对下级党组织开展意识形态工作检查考核", AWARD, D("4"), None, None, "查阅检查考核材料", ""),
    ]),
    ("一票否决", [
        ("所属新闻媒体出现严重错误导向", VETO, D("0"), None, None, "经查实即一票否决", ""),
        ("丧失对管辖范围内宣传思想文化阵地的领导权和实际控制权", VETO, D("0"), None, None,
         "经查实即一票否决", ""),
        ("管辖范围内网络意识形态安全出现严重问题", VETO, D("0"), None, None, "经查实即一票否决", ""),
        ("对意识形态领域出现的问题处置不力，造成严重后果", VETO, D("0"), None, None, "经查实即一票否决", ""),
    ]),
]
