"""第十三条 as a table: who bears which responsibility for a wrong decision (accountability/responsibility.py)."""

from __future__ import annotations

import copy

import pytest

from accountability.responsibility import ScenarioError, determine_responsibility

CLAUSE = "《党委（党组）意识形态工作责任制实施细则》第十三条"

TEAM = [
    {"id": "shuji", "role": "first_responsible"},
    {"id": "fenguan", "role": "direct_responsible"},
    {"id": "wei1", "role": "member"},
    {"id": "wei2", "role": "member", "in_charge": False},
    {"id": "wei3", "role": "member", "in_charge": True},
]


def collective(participants, opposed=(), members=TEAM):
    return {
        "members": members,
        "decision": {
            "mode": "collective",
            "participants": list(participants),
            "opposed": list(opposed),
        },
    }


def individual(decided_by, members=TEAM):
    return {"members": members, "decision": {"mode": "individual", "decided_by": decided_by}}


ALL = ["shuji", "fenguan", "wei1", "wei2", "wei3"]

# scenario → ({member: level}, {member: rule})
TABLE = {
    "everyone takes part, nobody opposes": (
        collective(ALL),
        {
            "shuji": "main_leadership",
            "fenguan": "main_leadership",
            "wei1": "important_leadership",
            "wei2": "important_leadership",
            "wei3": "main_leadership",
        },
        {
            "shuji": "collective_principal",
            "fenguan": "collective_direct",
            "wei1": "collective_participant",
            "wei2": "collective_participant",
            "wei3": "collective_direct",
        },
    ),
    "a member who clearly opposed and was not adopted bears none": (
        collective(ALL, opposed=["wei1"]),
        {
            "shuji": "main_leadership",
            "fenguan": "main_leadership",
            "wei1": "none",
            "wei2": "important_leadership",
            "wei3": "main_leadership",
        },
        {
            "shuji": "collective_principal",
            "fenguan": "collective_direct",
            "wei1": "collective_opposed",
            "wei2": "collective_participant",
            "wei3": "collective_direct",
        },
    ),
    "the principal leader opposed and was outvoted": (
        collective(ALL, opposed=["shuji"]),
        {
            "shuji": "none",
            "fenguan": "main_leadership",
            "wei1": "important_leadership",
            "wei2": "important_leadership",
            "wei3": "main_leadership",
        },
        {
            "shuji": "collective_opposed",
            "fenguan": "collective_direct",
            "wei1": "collective_participant",
            "wei2": "collective_participant",
            "wei3": "collective_direct",
        },
    ),
    "the directly responsible member and the member in charge opposed": (
        collective(ALL, opposed=["fenguan", "wei3"]),
        {
            "shuji": "main_leadership",
            "fenguan": "none",
            "wei1": "important_leadership",
            "wei2": "important_leadership",
            "wei3": "none",
        },
        {
            "shuji": "collective_principal",
            "fenguan": "collective_opposed",
            "wei1": "collective_participant",
            "wei2": "collective_participant",
            "wei3": "collective_opposed",
        },
    ),
    "other members absent from the decision bear none": (
        collective(["shuji", "fenguan", "wei1"]),
        {
            "shuji": "main_leadership",
            "fenguan": "main_leadership",
            "wei1": "important_leadership",
            "wei2": "none",
            "wei3": "main_leadership",
        },
        {
            "shuji": "collective_principal",
            "fenguan": "collective_direct",
            "wei1": "collective_participant",
            "wei2": "collective_absent",
            "wei3": "collective_direct",
        },
    ),
    "the principal leader and the directly responsible member bear main responsibility even when absent": (
        collective(["wei1", "wei2"]),
        {
            "shuji": "main_leadership",
            "fenguan": "main_leadership",
            "wei1": "important_leadership",
            "wei2": "important_leadership",
            "wei3": "main_leadership",
        },
        {
            "shuji": "collective_principal",
            "fenguan": "collective_direct",
            "wei1": "collective_participant",
            "wei2": "collective_participant",
            "wei3": "collective_direct",
        },
    ),
    "a participant who opposed among absent colleagues": (
        collective(["shuji", "wei1", "wei2"], opposed=["wei2"]),
        {
            "shuji": "main_leadership",
            "fenguan": "main_leadership",
            "wei1": "important_leadership",
            "wei2": "none",
            "wei3": "main_leadership",
        },
        {
            "shuji": "collective_principal",
            "fenguan": "collective_direct",
            "wei1": "collective_participant",
            "wei2": "collective_opposed",
            "wei3": "collective_direct",
        },
    ),
    "a decision made by the principal leader alone": (
        individual("shuji"),
        {"shuji": "personal", "fenguan": "none", "wei1": "none", "wei2": "none", "wei3": "none"},
        {
            "shuji": "individual_decider",
            "fenguan": "individual_other",
            "wei1": "individual_other",
            "wei2": "individual_other",
            "wei3": "individual_other",
        },
    ),
    "a decision approved by an ordinary member alone: the principal leader bears none": (
        individual("wei2"),
        {"shuji": "none", "fenguan": "none", "wei1": "none", "wei2": "personal", "wei3": "none"},
        {
            "shuji": "individual_other",
            "fenguan": "individual_other",
            "wei1": "individual_other",
            "wei2": "individual_decider",
            "wei3": "individual_other",
        },
    ),
    "a team without a principal leader on the date of the facts": (
        collective(["fenguan", "wei1"], members=TEAM[1:]),
        {
            "fenguan": "main_leadership",
            "wei1": "important_leadership",
            "wei2": "none",
            "wei3": "main_leadership",
        },
        {
            "fenguan": "collective_direct",
            "wei1": "collective_participant",
            "wei2": "collective_absent",
            "wei3": "collective_direct",
        },
    ),
    "two directly responsible members": (
        collective(
            ["a", "b", "c"],
            members=[
                {"id": "a", "role": "direct_responsible"},
                {"id": "b", "role": "direct_responsible", "in_charge": False},
                {"id": "c", "role": "member", "name": "王五"},
            ],
        ),
        {"a": "main_leadership", "b": "main_leadership", "c": "important_leadership"},
        {"a": "collective_direct", "b": "collective_direct", "c": "collective_participant"},
    ),
    "a case naming only the principal leader, who opposed and was outvoted": (
        collective(["shuji"], opposed=["shuji"], members=TEAM[:1]),
        {"shuji": "none"},
        {"shuji": "collective_opposed"},
    ),
    "a case naming two leaders, neither of whom took part": (
        collective([], members=[TEAM[0], TEAM[2]]),
        {"shuji": "main_leadership", "wei1": "none"},
        {"shuji": "collective_principal", "wei1": "collective_absent"},
    ),
}


@pytest.mark.parametrize("name", TABLE)
def test_rule_table(name):
    scenario, levels, rules = TABLE[name]
    before = copy.deepcopy(scenario)
    result = determine_responsibility(scenario)
    assert {key: value for key, value in result.items() if key != "rules"} == levels
    assert {key: value["rule"] for key, value in result["rules"].items()} == rules
    assert {value["clause"] for value in result["rules"].values()} == {CLAUSE}
    assert scenario == before


def test_the_issue_example_in_full():
    scenario = {
        "members": [
            {"id": "a", "role": "first_responsible"},
            {"id": "b", "role": "direct_responsible"},
            {"id": "c", "role": "member", "in_charge": False},
        ],
        "decision": {"mode": "collective", "participants": ["a", "b", "c"], "opposed": ["c"]},
    }
    assert determine_responsibility(scenario) == {
        "a": "main_leadership",
        "b": "main_leadership",
        "c": "none",
        "rules": {
            "a": {
                "rule": "collective_principal",
                "clause": CLAUSE,
                "text": "追究集体责任时，领导班子主要负责同志承担主要领导责任（不以是否参与该次决策为条件）。",
            },
            "b": {
                "rule": "collective_direct",
                "clause": CLAUSE,
                "text": "追究集体责任时，直接分管的领导班子成员承担主要领导责任（不以是否参与该次决策为条件）。",
            },
            "c": {
                "rule": "collective_opposed",
                "clause": CLAUSE,
                "text": "对错误决策提出明确反对意见而没有被采纳的，不承担领导责任。",
            },
        },
    }


def test_the_explanations_of_participation_absence_and_individual_decisions():
    result = determine_responsibility(collective(["shuji", "wei1"]))
    assert (
        result["rules"]["wei1"]["text"]
        == "追究集体责任时，参与决策的班子其他成员承担重要领导责任。"
    )
    assert (
        result["rules"]["wei2"]["text"]
        == "该成员未参与决策：追究集体责任时，只有参与决策的班子其他成员承担重要领导责任。"
    )
    result = determine_responsibility(individual("fenguan"))
    assert (
        result["rules"]["fenguan"]["text"]
        == "错误决策由领导干部个人决定或者批准的，追究该领导干部个人的责任。"
    )
    assert (
        result["rules"]["shuji"]["text"]
        == "错误决策由其他领导干部个人决定或者批准，只追究该领导干部个人的责任。"
    )


def test_the_document_title_can_be_an_organizations_own():
    result = determine_responsibility(
        individual("shuji"), document="《临河县党委（党组）意识形态工作责任制实施细则》"
    )
    assert (
        result["rules"]["shuji"]["clause"]
        == "《临河县党委（党组）意识形态工作责任制实施细则》第十三条"
    )


def test_empty_lists_are_accepted_in_an_individual_decision():
    scenario = {
        "members": TEAM,
        "decision": {"mode": "individual", "decided_by": "wei1", "participants": [], "opposed": []},
    }
    assert determine_responsibility(scenario)["wei1"] == "personal"


def _decision(**decision):
    return {"members": TEAM, "decision": decision}


ERRORS = [
    (
        "a list instead of an object",
        [],
        "not_an_object",
        "情形数据必须是一个对象，包含 members（领导班子成员）和 decision（决策情况）。",
    ),
    (
        "an unknown top-level field",
        {**collective(ALL), "extra": 1},
        "unknown_field",
        "情形数据中有无法识别的字段：extra（可用：members、decision）。",
    ),
    (
        "no members",
        {"members": [], "decision": {"mode": "individual", "decided_by": "a"}},
        "no_members",
        "members 必须是非空的领导班子成员列表。",
    ),
    (
        "a member that is not an object",
        collective(["a"], members=["a"]),
        "bad_member",
        "第 1 个成员必须是对象（含 id 和 role）。",
    ),
    (
        "a member without id",
        collective(["a"], members=[{"role": "member"}]),
        "bad_id",
        "第 1 个成员缺少 id，或 id 不是非空字符串。",
    ),
    (
        "a numeric id",
        collective(["a"], members=[{"id": 7, "role": "member"}]),
        "bad_id",
        "第 1 个成员缺少 id，或 id 不是非空字符串。",
    ),
    (
        "the reserved id",
        collective(["rules"], members=[{"id": "rules", "role": "member"}]),
        "reserved_id",
        "成员 id 不能是 rules：结果中 rules 用来列出每名成员适用的规则。",
    ),
    (
        "a duplicate member",
        collective(["a"], members=[{"id": "a", "role": "member"}, {"id": "a", "role": "member"}]),
        "duplicate_member",
        "成员 id 重复：a。",
    ),
    (
        "an unknown role",
        collective(["a"], members=[{"id": "a", "role": "secretary"}]),
        "bad_role",
        "成员 a 的角色 secretary 无法识别，可选：first_responsible（第一责任人）、direct_responsible（直接责任人）、member（班子其他成员）。",
    ),
    (
        "a missing role",
        collective(["a"], members=[{"id": "a"}]),
        "bad_role",
        "成员 a 缺少角色 role，可选：first_responsible（第一责任人）、direct_responsible（直接责任人）、member（班子其他成员）。",
    ),
    (
        "an unknown member field",
        collective(["a"], members=[{"id": "a", "role": "member", "opposed": True}]),
        "unknown_field",
        "成员 a 有无法识别的字段：opposed（可用：id、role、in_charge、name）。",
    ),
    (
        "a blank id",
        collective(["a"], members=[{"id": "  ", "role": "member"}]),
        "bad_id",
        "第 1 个成员缺少 id，或 id 不是非空字符串。",
    ),
    (
        "a name that is not text",
        collective(["a"], members=[{"id": "a", "role": "member", "name": 5}]),
        "bad_name",
        "成员 a 的 name 必须是字符串。",
    ),
    (
        "an individual decision with dissenters",
        _decision(mode="individual", decided_by="shuji", opposed=["wei1"]),
        "lists_in_individual",
        "个人决定或者批准的决策不列 participants 和 opposed；由班子集体作出的，mode 应为 collective。",
    ),
    (
        "an individual decision with an empty opposed that is not a list",
        _decision(mode="individual", decided_by="shuji", opposed={}),
        "bad_id_list",
        "opposed 必须是成员 id（字符串）的列表。",
    ),
    (
        "in_charge as a string",
        collective(["a"], members=[{"id": "a", "role": "member", "in_charge": "yes"}]),
        "bad_in_charge",
        "成员 a 的 in_charge（是否直接分管该事项）必须是 true 或 false。",
    ),
    (
        "two principal leaders",
        collective(
            ["a"],
            members=[
                {"id": "a", "role": "first_responsible"},
                {"id": "b", "role": "first_responsible"},
            ],
        ),
        "two_principals",
        "领导班子只能有一名第一责任人（主要负责同志），这里有 2 名：a、b。",
    ),
    (
        "no decision",
        {"members": TEAM},
        "no_decision",
        "缺少 decision（决策情况），或它不是一个对象。",
    ),
    (
        "an unknown mode",
        _decision(mode="majority"),
        "bad_mode",
        "决策方式 mode 不能是 majority，应为 collective（集体决策）或 individual（个人决定或者批准）。",
    ),
    (
        "no mode",
        _decision(participants=ALL),
        "bad_mode",
        "缺少决策方式 mode，应为 collective（集体决策）或 individual（个人决定或者批准）。",
    ),
    (
        "a collective decision without participants",
        _decision(mode="collective", opposed=[]),
        "no_participants",
        "集体决策须用 participants 列出参与决策的成员（都未参与的写空列表）。",
    ),
    (
        "participants naming a non-member",
        collective(["shuji", "zhang"]),
        "not_a_member",
        "participants（参与决策的成员）中的 zhang 不是 members 中的成员。",
    ),
    (
        "a participant twice",
        collective(["shuji", "wei1", "wei1"]),
        "duplicate_in_list",
        "participants（参与决策的成员）中 wei1 重复出现。",
    ),
    (
        "participants as a string",
        _decision(mode="collective", participants="shuji"),
        "bad_id_list",
        "participants（参与决策的成员）必须是成员 id（字符串）的列表。",
    ),
    (
        "opposed naming a non-member",
        collective(["shuji", "wei1"], opposed=["zhang"]),
        "not_a_member",
        "opposed（明确反对的成员）中的 zhang 不是 members 中的成员。",
    ),
    (
        "opposed twice",
        collective(["shuji", "wei1"], opposed=["wei1", "wei1"]),
        "duplicate_in_list",
        "opposed（明确反对的成员）中 wei1 重复出现。",
    ),
    (
        "opposed but not among the participants",
        collective(["shuji", "wei1"], opposed=["wei2"]),
        "opposed_not_participant",
        "明确提出反对意见的成员必须参与了决策：wei2 不在 participants 中。",
    ),
    (
        "decided_by in a collective decision",
        _decision(mode="collective", participants=ALL, decided_by="shuji"),
        "decided_by_in_collective",
        "集体决策不填写 decided_by；个人决定或者批准的，mode 应为 individual。",
    ),
    (
        "an individual decision without decided_by",
        _decision(mode="individual"),
        "no_decider",
        "个人决定或者批准的决策必须用 decided_by 写明是哪名成员作出的。",
    ),
    (
        "an individual decision by a non-member",
        individual("zhang"),
        "not_a_member",
        "decided_by 中的 zhang 不是 members 中的成员。",
    ),
    (
        "an individual decision with participants",
        _decision(mode="individual", decided_by="shuji", participants=["shuji"]),
        "lists_in_individual",
        "个人决定或者批准的决策不列 participants 和 opposed；由班子集体作出的，mode 应为 collective。",
    ),
    (
        "an unknown decision field",
        _decision(mode="individual", decided_by="shuji", approved_by="wei1"),
        "unknown_field",
        "decision 中有无法识别的字段：approved_by（可用：mode、participants、opposed、decided_by）。",
    ),
]


@pytest.mark.parametrize(
    ("name", "scenario", "code", "message"), ERRORS, ids=[e[0] for e in ERRORS]
)
def test_bad_scenarios_are_refused_in_chinese(name, scenario, code, message):
    with pytest.raises(ScenarioError) as caught:
        determine_responsibility(scenario)
    assert caught.value.code == code
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


NAMED = [
    {"id": "17", "role": "first_responsible", "name": "李明"},
    {"id": "18", "role": "member", "name": "王芳"},
    {"id": "19", "role": "member"},
]

NAMED_ERRORS = [
    (
        collective(
            ["17"], members=[*NAMED, {"id": "20", "role": "first_responsible", "name": "赵强"}]
        ),
        "领导班子只能有一名第一责任人（主要负责同志），这里有 2 名：李明、赵强。",
    ),
    (
        collective(["17"], opposed=["18", "19"], members=NAMED),
        "明确提出反对意见的成员必须参与了决策：王芳、19 不在 participants 中。",
    ),
    (collective(["18", "18"], members=NAMED), "participants（参与决策的成员）中 王芳 重复出现。"),
    (
        collective(["17"], members=[{"id": "21", "role": "deputy", "name": "孙丽"}]),
        "成员 孙丽 的角色 deputy 无法识别，可选：first_responsible（第一责任人）、direct_responsible（直接责任人）、member（班子其他成员）。",
    ),
    (
        collective(
            ["17"], members=[{"id": "21", "role": "member", "name": "孙丽", "in_charge": 1}]
        ),
        "成员 孙丽 的 in_charge（是否直接分管该事项）必须是 true 或 false。",
    ),
]


@pytest.mark.parametrize(("scenario", "message"), NAMED_ERRORS)
def test_messages_name_members_by_their_names_when_given(scenario, message):
    with pytest.raises(ScenarioError) as caught:
        determine_responsibility(scenario)
    assert str(caught.value) == message


def test_an_empty_document_title_is_refused():
    with pytest.raises(ScenarioError, match="引用的文件名称不能为空"):
        determine_responsibility(individual("shuji"), document=" ")
